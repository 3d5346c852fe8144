//! A throw-away `redis-server` for tests: a free loopback port, its data in a temporary
//! directory, AOF on with an fsync per write (so that killing it loses nothing acknowledged),
//! killed when dropped. It can be killed and restarted on the same port and data, to test what
//! happens when Redis goes away.

use std::net::{Ipv4Addr, TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// How long the server may take to accept connections (it starts in milliseconds; a machine busy
/// compiling can be much slower, and a restart replays the AOF).
const START_TIMEOUT: Duration = Duration::from_secs(30);

/// Where the server binary is looked for when `REDIS_SERVER` does not name one.
const DEFAULT_BINARY: &str = "redis-server";

/// A running redis-server. Dropping it kills the server and deletes its data.
#[derive(Debug)]
pub struct RedisServer {
    child: Option<Child>,
    port: u16,
    dir: tempfile::TempDir,
    extra: Vec<String>,
}

impl RedisServer {
    /// Starts a server on a free port of 127.0.0.1. Panics, saying how to install one, when
    /// `redis-server` cannot be started.
    pub fn start() -> RedisServer {
        RedisServer::start_with(&[])
    }

    /// Starts a server with extra `redis-server` arguments, which override the defaults (e.g.
    /// `["--appendfsync", "everysec"]` for a benchmark that should not measure the disk).
    pub fn start_with(extra: &[&str]) -> RedisServer {
        let mut server = RedisServer {
            child: None,
            port: free_port(),
            dir: tempfile::tempdir().expect("a temporary directory for redis data"),
            extra: extra.iter().map(|s| (*s).to_owned()).collect(),
        };
        // A port picked here may be taken before the server binds it: try a few.
        for _ in 0..5 {
            if server.spawn() {
                return server;
            }
            server.port = free_port();
        }
        panic!("redis-server did not start on a free port in 5 attempts");
    }

    /// The URL of this server (database 0).
    pub fn url(&self) -> String {
        format!("redis://127.0.0.1:{}/0", self.port)
    }

    /// The server's process id, while it runs.
    pub fn pid(&self) -> Option<u32> {
        self.child.as_ref().map(Child::id)
    }

    /// Kills the server at once (SIGKILL: no shutdown, no final save).
    pub fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Starts the server again on the same port and data (after [`kill`](Self::kill)).
    pub fn restart(&mut self) {
        self.kill();
        assert!(
            self.spawn(),
            "redis-server did not restart on port {}",
            self.port
        );
    }

    /// Starts the process and waits until it accepts connections; false if it exited.
    fn spawn(&mut self) -> bool {
        let binary = std::env::var("REDIS_SERVER").unwrap_or_else(|_| DEFAULT_BINARY.to_owned());
        let child = Command::new(&binary)
            .args(args(self.port, self.dir.path()))
            .args(&self.extra)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap_or_else(|e| {
                panic!(
                    "cannot run {binary}: {e}; install it (apt-get install -y redis-server; tests/run.sh does) or set REDIS_SERVER"
                )
            });
        self.child = Some(child);
        let started = Instant::now();
        while started.elapsed() < START_TIMEOUT {
            if let Some(child) = self.child.as_mut()
                && let Ok(Some(_)) = child.try_wait()
            {
                self.child = None;
                return false;
            }
            if ready(self.port) {
                return true;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        panic!(
            "redis-server on port {} did not accept connections within {START_TIMEOUT:?}",
            self.port
        );
    }
}

impl Drop for RedisServer {
    fn drop(&mut self) {
        self.kill();
    }
}

fn args(port: u16, dir: &Path) -> Vec<String> {
    [
        "--port",
        &port.to_string(),
        "--bind",
        "127.0.0.1",
        "--save",
        "",
        "--appendonly",
        "yes",
        "--appendfsync",
        "always",
        "--dir",
        &dir.display().to_string(),
        "--loglevel",
        "warning",
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .collect()
}

fn free_port() -> u16 {
    TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free loopback port")
}

/// Whether the server answers PING (a listening socket alone may still be loading the AOF).
fn ready(port: u16) -> bool {
    use std::io::{Read, Write};
    let Ok(mut s) = TcpStream::connect((Ipv4Addr::LOCALHOST, port)) else {
        return false;
    };
    let _ = s.set_read_timeout(Some(Duration::from_millis(500)));
    if s.write_all(b"PING\r\n").is_err() {
        return false;
    }
    let mut buf = [0u8; 16];
    matches!(s.read(&mut buf), Ok(n) if buf[..n].starts_with(b"+PONG"))
}
