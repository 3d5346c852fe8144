//! The `lgp` command line: scans, the platform server, the plugin author's tools, and the
//! listings of checks and frameworks (ARCHITECTURE.md §6).
//!
//! A library with a thin binary, so the end-to-end tests can build the same program. It wires
//! the other crates together and owns no domain logic of its own.

mod account;
mod args;
mod commands;
mod host;
mod launcher;
mod logging;
mod platform;
mod report;

use args::{Cli, Command};
use clap::Parser;
use std::process::ExitCode;

/// The hidden subcommand the runtime's compile sandbox runs (see [`host::compile_sandbox`]).
pub const COMPILE_CHILD_COMMAND: &str = "__compile-component";

/// Runs `lgp` with the process's arguments and returns its exit code.
pub fn main() -> ExitCode {
    // The compile child must not start a runtime or logging: it caps itself and compiles.
    let argv: Vec<String> = std::env::args().collect();
    if argv.get(1).map(String::as_str) == Some(COMPILE_CHILD_COMMAND) {
        return match lgp_runtime::run_compile_child(argv.get(2).map_or("", String::as_str)) {
            Ok(()) => ExitCode::SUCCESS,
            Err(message) => {
                eprintln!("{message}");
                ExitCode::FAILURE
            }
        };
    }
    let cli = Cli::parse();
    logging::init(cli.log_format, cli.verbose);
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(err) => {
            eprintln!("error: cannot start the async runtime: {err}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(code) => code,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let global = cli.global;
    match cli.command {
        Command::Scan(args) => commands::scan::run(&global, args).await,
        Command::Snapshot(args) => commands::snapshot::run(&global, args).await,
        Command::Plugin(args) => commands::plugin::run(&global, args).await,
        Command::Checks(args) => commands::checks::run(&global, args).await,
        Command::Mute(args) => commands::mute::run(&global, args).await,
        Command::Serve(args) => commands::serve::run(&global, args).await,
        Command::Token(args) => commands::token::run(args),
        Command::Frameworks(args) => commands::frameworks::run(&global, args).await,
        Command::Store(args) => commands::store::run(&global, args).await,
        Command::Alerts(args) => commands::alerts::run(&global, args).await,
        Command::Webhook(args) => commands::webhook::run(&global, args).await,
    }
}
