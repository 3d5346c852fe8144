//! The binary's tracing subscriber: human lines by default, JSON with `--log-format json`.

use crate::args::LogFormat;
use tracing_subscriber::EnvFilter;

/// Installs the subscriber on stderr. `RUST_LOG` overrides the level chosen by `-v`.
pub fn init(format: LogFormat, verbose: u8) {
    let default = match verbose {
        0 => "warn,lgp_cli=info,lgp_gateway=info",
        1 => "debug",
        _ => "trace",
    };
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(default));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let result = match format {
        LogFormat::Human => builder.try_init(),
        LogFormat::Json => builder.json().try_init(),
    };
    if let Err(err) = result {
        eprintln!("warning: logging not initialised: {err}");
    }
}
