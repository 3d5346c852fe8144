//! `lgp plugin upload|list|enable|disable|delete` against a running server, as the tenant of the
//! bearer token in `LGP_TOKEN`.

use crate::args::{Format, Remote, RemoteVersion};
use anyhow::{Context, bail};
use comfy_table::Table;
use serde::Deserialize;
use std::path::Path;
use std::process::ExitCode;

/// The environment variable holding the bearer token (never a flag: argv is visible to every
/// user of the machine).
const TOKEN_ENV: &str = "LGP_TOKEN";

/// A stored plugin version as the server answers it.
#[derive(Debug, Deserialize, serde::Serialize)]
struct PluginView {
    name: String,
    version: String,
    kind: String,
    content_hash: String,
    size: u64,
    enabled: bool,
    active: bool,
    uploaded_at: String,
    #[serde(default)]
    checks: Vec<CheckView>,
}

#[derive(Debug, Deserialize, serde::Serialize)]
struct CheckView {
    id: String,
    title: String,
    severity: String,
}

#[derive(Debug, Deserialize)]
struct Listing {
    items: Vec<PluginView>,
}

#[derive(Debug, Deserialize)]
struct ErrorBody {
    error: ErrorDetail,
}

#[derive(Debug, Deserialize)]
struct ErrorDetail {
    code: String,
    message: String,
}

/// A client of one server with the token's credentials.
struct Client {
    http: reqwest::Client,
    base: String,
    token: String,
}

impl Client {
    fn new(remote: &Remote) -> anyhow::Result<Client> {
        let token = std::env::var(TOKEN_ENV)
            .ok()
            .filter(|t| !t.trim().is_empty())
            .with_context(|| {
                format!(
                    "set {TOKEN_ENV} to a bearer token of the tenant \
                     (for development: lgp token --tenant TENANT --role admin)"
                )
            })?;
        let base = remote.server.trim_end_matches('/').to_owned();
        if !(base.starts_with("http://") || base.starts_with("https://")) {
            bail!("--server must be an http:// or https:// URL, not {base:?}");
        }
        Ok(Client {
            http: reqwest::Client::new(),
            base,
            token: token.trim().to_owned(),
        })
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    fn version_path(v: &RemoteVersion) -> String {
        format!(
            "/v1/plugins/{}/{}",
            percent_encoding::utf8_percent_encode(&v.name, percent_encoding::NON_ALPHANUMERIC),
            percent_encoding::utf8_percent_encode(&v.version, percent_encoding::NON_ALPHANUMERIC)
        )
    }

    /// Sends `request` with the token; a refusal becomes `Err(status, code, message)`.
    async fn send(
        &self,
        request: reqwest::RequestBuilder,
    ) -> anyhow::Result<Result<reqwest::Response, Refused>> {
        let response = request
            .bearer_auth(&self.token)
            .send()
            .await
            .with_context(|| format!("cannot reach {}", self.base))?;
        let status = response.status();
        if status.is_success() {
            return Ok(Ok(response));
        }
        let text = response.text().await.unwrap_or_default();
        let (code, message) = match serde_json::from_str::<ErrorBody>(&text) {
            Ok(b) => (b.error.code, b.error.message),
            Err(_) => (status.as_str().to_owned(), text),
        };
        Ok(Err(Refused {
            status: status.as_u16(),
            code,
            message,
        }))
    }
}

/// A refusal by the server.
struct Refused {
    status: u16,
    code: String,
    message: String,
}

impl std::fmt::Display for Refused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({} {})", self.message, self.status, self.code)
    }
}

/// `lgp plugin upload`: prints the verdict; non-zero exit when the server refused.
pub async fn upload(
    file: &Path,
    remote: &Remote,
    name: Option<&str>,
    version: Option<&str>,
    format: Format,
) -> anyhow::Result<ExitCode> {
    let client = Client::new(remote)?;
    let bytes = std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
    let mut query = Vec::new();
    if let Some(n) = name {
        query.push(("name", n));
    }
    if let Some(v) = version {
        query.push(("version", v));
    }
    let request = client
        .http
        .post(client.url("/v1/plugins"))
        .query(&query)
        .header(reqwest::header::CONTENT_TYPE, "application/wasm")
        .body(bytes);
    match client.send(request).await? {
        Ok(response) => {
            let created = response.status() == reqwest::StatusCode::CREATED;
            let plugin: PluginView = response
                .json()
                .await
                .context("the server's answer is not a plugin")?;
            if format == Format::Json {
                println!("{}", serde_json::to_string_pretty(&plugin)?);
            } else {
                let what = if created {
                    "uploaded"
                } else {
                    "already uploaded"
                };
                println!(
                    "{what}: {} {} ({} plugin, {} checks, {} bytes, sha256 {}){}",
                    plugin.name,
                    plugin.version,
                    plugin.kind,
                    plugin.checks.len(),
                    plugin.size,
                    plugin.content_hash,
                    if plugin.active {
                        "; active from the next scan"
                    } else {
                        "; not active (disabled, or a higher version is enabled)"
                    }
                );
                for c in &plugin.checks {
                    println!("  {} [{}] {}", c.id, c.severity, c.title);
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        Err(refused) => {
            if format == Format::Json {
                println!(
                    "{}",
                    serde_json::json!({
                        "valid": false, "status": refused.status, "code": refused.code,
                        "error": refused.message,
                    })
                );
            } else {
                eprintln!("refused: {refused}");
            }
            Ok(ExitCode::FAILURE)
        }
    }
}

/// `lgp plugin list --server`.
pub async fn list(remote: &Remote, format: Format) -> anyhow::Result<ExitCode> {
    let client = Client::new(remote)?;
    let response = match client
        .send(client.http.get(client.url("/v1/plugins")))
        .await?
    {
        Ok(r) => r,
        Err(refused) => bail!("the server refused: {refused}"),
    };
    let listing: Listing = response
        .json()
        .await
        .context("the server's answer is not a plugin listing")?;
    if format == Format::Json {
        println!("{}", serde_json::to_string_pretty(&listing.items)?);
        return Ok(ExitCode::SUCCESS);
    }
    let mut table = Table::new();
    table.set_header([
        "plugin", "version", "enabled", "active", "checks", "bytes", "uploaded",
    ]);
    for p in &listing.items {
        table.add_row([
            p.name.as_str(),
            p.version.as_str(),
            if p.enabled { "yes" } else { "no" },
            if p.active { "yes" } else { "no" },
            &p.checks.len().to_string(),
            &p.size.to_string(),
            p.uploaded_at.as_str(),
        ]);
    }
    println!("{table}");
    Ok(ExitCode::SUCCESS)
}

/// `lgp plugin enable|disable`.
pub async fn switch(target: &RemoteVersion, enabled: bool) -> anyhow::Result<ExitCode> {
    let client = Client::new(&target.remote)?;
    let request = client
        .http
        .patch(client.url(&Client::version_path(target)))
        .json(&serde_json::json!({ "enabled": enabled }));
    match client.send(request).await? {
        Ok(response) => {
            let p: PluginView = response
                .json()
                .await
                .context("the server's answer is not a plugin")?;
            println!(
                "{} {} {}; {}",
                p.name,
                p.version,
                if p.enabled { "enabled" } else { "disabled" },
                if p.active {
                    "it runs from the next scan"
                } else {
                    "it is not the version that runs"
                }
            );
            Ok(ExitCode::SUCCESS)
        }
        Err(refused) => {
            eprintln!("refused: {refused}");
            Ok(ExitCode::FAILURE)
        }
    }
}

/// `lgp plugin delete`.
pub async fn delete(target: &RemoteVersion) -> anyhow::Result<ExitCode> {
    let client = Client::new(&target.remote)?;
    let request = client
        .http
        .delete(client.url(&Client::version_path(target)));
    match client.send(request).await? {
        Ok(_) => {
            println!("deleted {} {}", target.name, target.version);
            Ok(ExitCode::SUCCESS)
        }
        Err(refused) => {
            eprintln!("refused: {refused}");
            Ok(ExitCode::FAILURE)
        }
    }
}
