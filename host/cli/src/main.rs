//! The `lgp` binary.

fn main() -> std::process::ExitCode {
    lgp_cli::main()
}
