//! The `lgp` program, built inside the end-to-end test crate so tests can run it (CLI commands,
//! and the hidden compile-child entry point of the untrusted-compile sandbox).

fn main() -> std::process::ExitCode {
    lgp_cli::main()
}
