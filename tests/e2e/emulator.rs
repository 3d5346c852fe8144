//! An AWS emulator for the tests: moto's server (`tests/support/moto_server.py`, which fixes two
//! S3 answers the Rust SDK rejects) on a free 127.0.0.1 port, one per test process, stopped when
//! the [`Emulator`] is dropped; and the demo account (`scripts/seed-demo-account.py`) seeded into
//! it, whose manifest says what the tests should find.
//!
//! Needs `python3` with moto 5.2.5: `python3 -m pip install 'moto[server]==5.2.5'` (tests/run.sh
//! installs it).

use std::io::{BufRead, BufReader, Read, Seek, SeekFrom};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// How long the server may take to answer `ready` (python and moto's imports take 1–3 s; a
/// machine busy compiling can be much slower).
const START_TIMEOUT: Duration = Duration::from_secs(90);
/// How long seeding may take (about 6 s on 2 cores when idle).
const SEED_TIMEOUT: Duration = Duration::from_secs(240);
const INSTALL_HINT: &str = "install moto with: python3 -m pip install 'moto[server]==5.2.5' \
                            (tests/run.sh does)";

/// The repository's root (the tests crate is `<root>/tests`).
fn repo_root() -> PathBuf {
    let tests = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    tests.parent().expect("tests/ has a parent").to_path_buf()
}

/// The tail of a captured stream, for panic messages.
fn tail(file: &mut std::fs::File) -> String {
    let mut text = String::new();
    let _ = file.seek(SeekFrom::Start(0));
    let _ = file.read_to_string(&mut text);
    let start = text.len().saturating_sub(4000);
    let start = (start..text.len())
        .find(|&i| text.is_char_boundary(i))
        .unwrap_or(start);
    text[start..].to_owned()
}

/// A running moto server. Dropping it kills the server.
pub struct Emulator {
    child: Child,
    port: u16,
    endpoint: String,
    /// The server's stderr (kept for panic messages; deleted with the emulator).
    stderr: std::fs::File,
}

impl Emulator {
    /// Starts the emulator and waits until it listens. Panics, saying how to install moto, when
    /// it cannot start.
    pub fn start() -> Emulator {
        let script = repo_root().join("tests/support/moto_server.py");
        let mut stderr = tempfile::tempfile().expect("a temporary file for the server's stderr");
        // Port 0: the server binds a port the system picks and reports it (no race with other
        // test processes over a port chosen here and bound later).
        let spawned = Command::new("python3")
            .arg(&script)
            .args(["--port", "0", "--exit-on-stdin-eof"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(stderr.try_clone().expect("clone the stderr file"))
            .spawn();
        let mut child = match spawned {
            Ok(child) => child,
            Err(e) => panic!("cannot run python3 for the AWS emulator ({e}); {INSTALL_HINT}"),
        };
        // Lines of stdout go to a channel; the reader thread keeps draining stdout afterwards so
        // that nothing the server prints can ever block it.
        let stdout = child.stdout.take().expect("piped stdout");
        let (tx, rx) = mpsc::channel::<String>();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                let _ = tx.send(line);
            }
        });
        let deadline = Instant::now() + START_TIMEOUT;
        let port = loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match rx.recv_timeout(left) {
                Ok(line) => {
                    if let Some(port) = line.strip_prefix("ready ") {
                        break port.trim().parse::<u16>().expect("`ready <port>`");
                    }
                }
                Err(err) => {
                    let exited = matches!(err, mpsc::RecvTimeoutError::Disconnected);
                    let _ = child.kill();
                    let _ = child.wait();
                    let log = tail(&mut stderr);
                    let hint = if log.contains("ModuleNotFoundError") || log.contains("ImportError")
                    {
                        format!("python3 cannot import moto; {INSTALL_HINT}")
                    } else {
                        INSTALL_HINT.to_owned()
                    };
                    let what = if exited {
                        "exited before it was ready".to_owned()
                    } else {
                        format!("was not ready within {START_TIMEOUT:?}")
                    };
                    panic!(
                        "the AWS emulator ({}) {what}; {hint}\n--- its stderr ---\n{log}",
                        script.display()
                    );
                }
            }
        };
        Emulator {
            child,
            port,
            endpoint: format!("http://127.0.0.1:{port}"),
            stderr,
        }
    }

    /// The endpoint to give the AWS SDK (`http://127.0.0.1:PORT`). S3 clients need
    /// `force_path_style(true)`.
    pub fn endpoint_url(&self) -> &str {
        &self.endpoint
    }

    /// The port the emulator listens on.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Resets the emulator and seeds the demo account (default account 123456789012, regions
    /// us-east-1 and eu-west-1); returns the seed script's manifest.
    pub fn seed(&self) -> serde_json::Value {
        let script = repo_root().join("scripts/seed-demo-account.py");
        let dir = tempfile::tempdir().expect("a temporary directory");
        let manifest = dir.path().join("manifest.json");
        let mut stderr = tempfile::tempfile().expect("a temporary file for stderr");
        let mut child = Command::new("python3")
            .arg(&script)
            .args(["--endpoint-url", &self.endpoint, "--reset", "--manifest"])
            .arg(&manifest)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(stderr.try_clone().expect("clone the stderr file"))
            .spawn()
            .unwrap_or_else(|e| panic!("cannot run python3 {}: {e}", script.display()));
        let deadline = Instant::now() + SEED_TIMEOUT;
        let status = loop {
            if let Some(status) = child.try_wait().expect("wait for the seed script") {
                break status;
            }
            if Instant::now() > deadline {
                let _ = child.kill();
                let _ = child.wait();
                panic!(
                    "seeding the AWS emulator took more than {SEED_TIMEOUT:?}\n--- stderr ---\n{}",
                    tail(&mut stderr)
                );
            }
            std::thread::sleep(Duration::from_millis(50));
        };
        if !status.success() {
            panic!(
                "{} failed ({status})\n--- its stderr ---\n{}\n--- the emulator's stderr ---\n{}",
                script.display(),
                tail(&mut stderr),
                tail(&mut self.stderr.try_clone().expect("clone the stderr file")),
            );
        }
        let text = std::fs::read_to_string(&manifest).expect("the seed script wrote its manifest");
        serde_json::from_str(&text).expect("the manifest is JSON")
    }
}

impl Emulator {
    /// Runs a Python program against the emulator with boto3 clients `iam`, `s3`, `ec2`, `sts`
    /// (us-east-1, the emulator's test credentials) and `ep` (the endpoint) predefined; returns
    /// what it prints. Panics with the program's stderr when it fails.
    pub fn boto(&self, program: &str) -> String {
        let prelude = "import boto3, json, sys, urllib.request\n\
            ep = sys.argv[1]\n\
            session = boto3.session.Session(aws_access_key_id='testing', \
            aws_secret_access_key='testing', region_name='us-east-1')\n\
            iam = session.client('iam', endpoint_url=ep)\n\
            s3 = session.client('s3', endpoint_url=ep)\n\
            ec2 = session.client('ec2', endpoint_url=ep)\n\
            sts = session.client('sts', endpoint_url=ep)\n";
        let output = Command::new("python3")
            .arg("-c")
            .arg(format!("{prelude}{program}"))
            .arg(&self.endpoint)
            .output()
            .expect("python3 runs");
        assert!(
            output.status.success(),
            "the set-up program failed:\n{program}\n--- stderr ---\n{}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8(output.stdout).expect("UTF-8 output")
    }

    /// From now on the emulator enforces IAM policies on every request (moto's
    /// `INITIAL_NO_AUTH_ACTION_COUNT` set to 0): calls with a user's keys get `AccessDenied` for
    /// what its policies do not allow. moto reads the raw body as the number (a form content
    /// type would leave the body empty, and JSON is not a number).
    pub fn enforce_iam(&self) {
        self.boto(
            "req = urllib.request.Request(ep + '/moto-api/reset-auth', data=b'0', \
             headers={'Content-Type': 'text/plain'}, method='POST')\n\
             assert json.loads(urllib.request.urlopen(req).read())['status'] == 'ok'\n",
        );
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
