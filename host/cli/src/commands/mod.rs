//! One module per subcommand.

pub mod alerts;
pub mod checks;
pub mod frameworks;
pub mod mute;
pub mod plugin;
pub mod scan;
pub mod serve;
pub mod snapshot;
pub mod store;
pub mod token;
pub mod webhook;
