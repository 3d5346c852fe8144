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

use std::process::ExitCode;

/// Exit code of a command that exists in the contract but is not built yet.
const NOT_YET_EXIT: u8 = 2;

/// Says that `command` is not built yet and what it waits for, and fails.
pub fn not_yet(command: &str, waits_for: &str) -> anyhow::Result<ExitCode> {
    eprintln!("{command} is not available yet: it arrives with {waits_for}.");
    Ok(ExitCode::from(NOT_YET_EXIT))
}
