//! End-to-end tests of LG-Protect: real components (hostile guests built from source, built-in
//! plugins, a Python plugin) through the real runtime and the real `lgp` program.

mod alerts;
mod aws_live;
mod aws_scan;
mod builtins;
mod collect_ec2;
mod collect_iam;
mod collect_s3;
mod collectors;
mod compile_child;
mod data_security;
mod deploy_containers;
mod deploy_templates;
mod dynamodb_store;
mod emulator;
mod emulator_smoke;
mod frameworks;
mod handler_state;
mod mute_cli;
mod mutelist;
mod pipeline;
mod plugin_author;
mod plugin_upload;
mod python;
mod redis_bus;
mod report_capability;
mod reports;
mod rules_seeded;
mod sandbox;
mod serve;
mod served;
mod support;
mod token_cli;
mod validation;
mod webhooks;

/// Paths of the guest components that `build.rs` compiled from `tests/guests/`.
mod guests {
    include!(concat!(env!("OUT_DIR"), "/guests.rs"));
}
