//! A running `lgp serve --demo` for the end-to-end tests: the real binary on a free loopback
//! port, with tokens minted by `lgp token` and a real HTTP client.

use serde_json::Value;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// The binary under test.
pub const LGP: &str = env!("CARGO_BIN_EXE_lgp-under-test");
/// The JWT secret the servers and tokens share.
pub const SECRET: &str = "an e2e secret of at least thirty-two bytes";
/// How long any one step may take on a loaded machine before a test gives up.
pub const PATIENCE: Duration = Duration::from_secs(60);

/// A running `lgp serve`, killed if the test fails before stopping it.
pub struct Server {
    pub child: Child,
    pub base: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    /// Starts `lgp serve --demo` on a free loopback port with its data in `data` and the extra
    /// environment `env`, and waits for its "listening" line.
    pub fn start(data: &std::path::Path, env: &[(&str, &str)]) -> Server {
        let mut child = Command::new(LGP)
            .args(["serve", "--demo", "--listen", "127.0.0.1:0"])
            .env("LGP_DATA_DIR", data)
            .env("LGP_JWT_SECRET", SECRET)
            .env_remove("LGP_REDIS_URL")
            .env_remove("LGP_STORE")
            .envs(env.iter().copied())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("lgp serve starts");
        let stderr = child.stderr.take().expect("stderr");
        let mut lines = BufReader::new(stderr).lines();
        let base = loop {
            let line = lines
                .next()
                .expect("lgp serve said where it listens before exiting")
                .expect("stderr line");
            if let Some(url) = line.strip_prefix("lgp serve: listening on ") {
                break url.trim().to_owned();
            }
        };
        // Keep draining stderr so the server never blocks on a full pipe.
        std::thread::spawn(move || for _ in lines {});
        Server { child, base }
    }

    /// The URL of `path` on this server.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Starts a scan of the demo account as `token`'s tenant and waits until it completed;
    /// answers the scan.
    pub async fn scan(&self, http: &reqwest::Client, token: &str) -> Value {
        let started = http
            .post(self.url("/v1/scans"))
            .bearer_auth(token)
            .json(&serde_json::json!({ "account_id": "demo" }))
            .send()
            .await
            .expect("start scan");
        assert_eq!(started.status(), 202, "{:?}", started.text().await);
        let id = started.json::<Value>().await.expect("JSON")["scan_id"]
            .as_str()
            .expect("scan id")
            .to_owned();
        let deadline = tokio::time::Instant::now() + PATIENCE * 2;
        loop {
            let scan: Value = get(http, self, &format!("/v1/scans/{id}"), token)
                .await
                .json()
                .await
                .expect("scan JSON");
            match scan["status"].as_str() {
                Some("completed") => return scan,
                Some("running") => {}
                other => panic!("scan {id} ended {other:?}: {scan}"),
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "scan {id} still running: {scan}"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

impl Server {
    /// The JSON report of scan `scan_id`, waiting for the report plugin to have written it
    /// (it reacts to `compliance.scan.completed`, after the scan reads completed).
    pub async fn json_report(&self, http: &reqwest::Client, token: &str, scan_id: &str) -> Value {
        let path = format!("/v1/scans/{scan_id}/reports/json");
        let deadline = tokio::time::Instant::now() + PATIENCE;
        loop {
            let response = get(http, self, &path, token).await;
            if response.status() == 200 {
                return response.json().await.expect("report JSON");
            }
            assert_eq!(response.status(), 404, "{path}");
            assert!(
                tokio::time::Instant::now() < deadline,
                "no report of {scan_id} in time"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

/// A token of `tenant` with `role`, minted by `lgp token`.
pub fn token(tenant: &str, role: &str) -> String {
    let out = Command::new(LGP)
        .args(["token", "--tenant", tenant, "--role", role])
        .env("LGP_JWT_SECRET", SECRET)
        .output()
        .expect("lgp token runs");
    assert!(out.status.success(), "{out:?}");
    String::from_utf8(out.stdout)
        .expect("utf-8")
        .trim()
        .to_owned()
}

/// `GET path` as `token`.
pub async fn get(
    http: &reqwest::Client,
    server: &Server,
    path: &str,
    token: &str,
) -> reqwest::Response {
    http.get(server.url(path))
        .bearer_auth(token)
        .send()
        .await
        .expect("request")
}
