//! Compiling components. Trusted components (the built-ins) compile in process; untrusted ones
//! (uploads, `lgp plugin validate`) compile in a child process capped in address space, CPU time
//! and wall-clock time, because wasmtime does not treat compile-time resource exhaustion as a
//! vulnerability and a hostile component must not be able to take the host down.

use crate::RuntimeConfig;
use crate::engine::{self, Allocation};
use serde::{Deserialize, Serialize};
use std::ffi::OsString;
use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// Largest artifact the parent accepts from the child. Artifacts run a few times the component's
/// size; four times the component limit is generous and still bounded.
const ARTIFACT_SIZE_FACTOR: usize = 4;

/// How to run the capped compiler child: a program (normally the running `lgp` binary) and the
/// arguments that select its hidden compile entry point, which calls [`run_compile_child`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompileSandbox {
    /// The program to run.
    pub program: PathBuf,
    /// Arguments selecting the compile entry point.
    pub args: Vec<OsString>,
    /// Address-space cap of the child, in bytes. Cranelift needs a few hundred MiB for an
    /// interpreter-sized component; 4 GiB stops runaway growth long before it matters to the host.
    pub memory_bytes: u64,
    /// CPU-time cap of the child, in seconds: a large interpreter component compiles in about
    /// four seconds here, so sixty is ample.
    pub cpu_seconds: u64,
    /// Wall-clock cap; the child is killed after it.
    pub wall_timeout: Duration,
}

impl CompileSandbox {
    /// A sandbox running `program args…` with the default caps.
    pub fn new(program: PathBuf, args: Vec<OsString>) -> Self {
        CompileSandbox {
            program,
            args,
            memory_bytes: 4 << 30,
            cpu_seconds: 60,
            wall_timeout: Duration::from_secs(120),
        }
    }
}

/// What the parent tells the child, as JSON in one argument.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChildRequest {
    /// The runtime configuration, so the child's engine matches the parent's.
    pub config: RuntimeConfig,
    /// Address-space cap.
    pub memory_bytes: u64,
    /// CPU-time cap.
    pub cpu_seconds: u64,
}

/// Compiles in process, for trusted components. Returns the serialized artifact.
pub(crate) fn compile_trusted(engine: &wasmtime::Engine, bytes: &[u8]) -> Result<Vec<u8>, String> {
    engine
        .precompile_component(bytes)
        .map_err(|e| format!("{e:#}"))
}

/// Compiles in the capped child. Returns the serialized artifact.
pub(crate) async fn compile_untrusted(
    sandbox: &CompileSandbox,
    config: &RuntimeConfig,
    bytes: &[u8],
) -> Result<Vec<u8>, String> {
    let request = ChildRequest {
        config: config.clone(),
        memory_bytes: sandbox.memory_bytes,
        cpu_seconds: sandbox.cpu_seconds,
    };
    let request = serde_json::to_string(&request).map_err(|e| e.to_string())?;
    let mut child = tokio::process::Command::new(&sandbox.program)
        .args(&sandbox.args)
        .arg(request)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .map_err(|e| {
            format!(
                "cannot start the compiler process {}: {e}",
                sandbox.program.display()
            )
        })?;
    let mut stdin = child.stdin.take().ok_or("compiler process has no stdin")?;
    let mut stdout = child
        .stdout
        .take()
        .ok_or("compiler process has no stdout")?;
    let mut stderr = child
        .stderr
        .take()
        .ok_or("compiler process has no stderr")?;
    let max_artifact = (bytes.len().max(1 << 20) * ARTIFACT_SIZE_FACTOR) as u64;
    let work = async {
        let (written, artifact, message, status) = tokio::join!(
            async {
                let r = stdin.write_all(bytes).await;
                drop(stdin);
                r
            },
            async {
                let mut out = Vec::new();
                (&mut stdout)
                    .take(max_artifact + 1)
                    .read_to_end(&mut out)
                    .await
                    .map(|_| out)
            },
            async {
                let mut text = String::new();
                (&mut stderr)
                    .take(16 << 10)
                    .read_to_string(&mut text)
                    .await
                    .map(|_| text)
            },
            child.wait(),
        );
        (written, artifact, message, status)
    };
    let (written, artifact, message, status) = tokio::time::timeout(sandbox.wall_timeout, work)
        .await
        .map_err(|_| {
            format!(
                "compilation exceeded its wall-clock bound of {:?}",
                sandbox.wall_timeout
            )
        })?;
    let status = status.map_err(|e| format!("compiler process failed: {e}"))?;
    let message = message.unwrap_or_default();
    let message = message.trim();
    if !status.success() {
        return Err(describe_failure(status, message, sandbox));
    }
    written.map_err(|e| format!("cannot send the component to the compiler process: {e}"))?;
    let artifact = artifact.map_err(|e| format!("cannot read the compiled artifact: {e}"))?;
    if artifact.len() as u64 > max_artifact {
        return Err(format!("compiled artifact exceeds {max_artifact} bytes"));
    }
    Ok(artifact)
}

fn describe_failure(
    status: std::process::ExitStatus,
    message: &str,
    sandbox: &CompileSandbox,
) -> String {
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        // SIGXCPU / SIGKILL: the CPU rlimit; SIGABRT / SIGSEGV: allocation failure under RLIMIT_AS.
        match status.signal() {
            Some(24) | Some(9) => {
                return format!(
                    "compilation exceeded its CPU bound of {} s",
                    sandbox.cpu_seconds
                );
            }
            Some(6) | Some(11) => {
                return format!(
                    "compilation exceeded its memory bound of {} bytes",
                    sandbox.memory_bytes
                );
            }
            _ => {}
        }
    }
    // Under the address-space cap an allocation failure also shows as a fallible allocation's
    // error ("out of memory") or as a failed thread spawn (EAGAIN) when the compiler starts its
    // worker threads.
    if [
        "memory allocation",
        "out of memory",
        "Resource temporarily unavailable",
    ]
    .iter()
    .any(|sign| message.contains(sign))
    {
        return format!(
            "compilation exceeded its memory bound of {} bytes",
            sandbox.memory_bytes
        );
    }
    if message.is_empty() {
        format!("compiler process failed ({status})")
    } else {
        message.to_owned()
    }
}

/// The child's side: caps itself, reads a component on stdin, writes the artifact on stdout.
/// `request` is the JSON argument the parent passed. Call it from the compile entry point of the
/// program named in [`CompileSandbox`] and exit non-zero on error.
pub fn run_compile_child(request: &str) -> Result<(), String> {
    use std::io::{Read, Write};
    let request: ChildRequest =
        serde_json::from_str(request).map_err(|e| format!("bad compile request: {e}"))?;
    rlimit::setrlimit(
        rlimit::Resource::AS,
        request.memory_bytes,
        request.memory_bytes,
    )
    .map_err(|e| format!("cannot cap address space: {e}"))?;
    rlimit::setrlimit(
        rlimit::Resource::CPU,
        request.cpu_seconds,
        request.cpu_seconds + 1,
    )
    .map_err(|e| format!("cannot cap CPU time: {e}"))?;
    let mut bytes = Vec::new();
    std::io::stdin()
        .take(request.config.max_component_bytes as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("cannot read the component: {e}"))?;
    if bytes.len() > request.config.max_component_bytes {
        return Err("component exceeds the size limit".to_owned());
    }
    let engine = engine::build(&request.config, Allocation::OnDemand)
        .map_err(|e| format!("cannot create the engine: {e:#}"))?;
    let artifact = compile_trusted(&engine, &bytes)?;
    let mut out = std::io::stdout().lock();
    out.write_all(&artifact)
        .and_then(|()| out.flush())
        .map_err(|e| format!("cannot write the artifact: {e}"))
}
