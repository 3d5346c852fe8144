//! `lgp serve`: the platform — the embedded platform (store, bus, plugins, consumers) behind the
//! API gateway, until SIGINT or SIGTERM.

use crate::args::Global;
use crate::launcher::{AccountAccess, PipelineLauncher};
use crate::platform::Platform;
use anyhow::Context;
use clap::Args;
use lgp_gateway::{Gateway, GatewayConfig, ScanLauncher};
use lgp_tenant::{AuthConfig, Verifier};
use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::Arc;

/// Arguments of `lgp serve`.
#[derive(Debug, Clone, Args)]
pub struct ServeArgs {
    /// Address to listen on (loopback by default: put a TLS-terminating proxy in front to
    /// serve others).
    #[arg(long, env = "LGP_LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,
    /// Let every tenant scan the bundled demo account, as account id `demo` (no AWS needed).
    #[arg(long, env = "LGP_DEMO")]
    pub demo: bool,
    /// AWS endpoint URL for tenants' scans, e.g. an emulator.
    #[arg(long, env = "AWS_ENDPOINT_URL")]
    pub endpoint_url: Option<String>,
    /// AWS calls in flight at once, per scan.
    #[arg(long, env = "LGP_AWS_CONCURRENCY", default_value_t = 16)]
    pub aws_concurrency: usize,
}

/// Runs `lgp serve`.
pub async fn run(global: &Global, args: ServeArgs) -> anyhow::Result<ExitCode> {
    // Configuration is checked before anything is opened or bound.
    let verifier = Verifier::new(&AuthConfig::from_env())
        .context("lgp serve needs token verification configured")?;
    let platform = Platform::embedded(global).await?;
    let launcher: Arc<dyn ScanLauncher> = Arc::new(PipelineLauncher::new(
        &platform,
        AccountAccess {
            endpoint_url: args.endpoint_url.clone(),
            aws_concurrency: args.aws_concurrency,
            demo: args.demo,
        },
    ));
    let state = Gateway {
        store: platform.services.store.clone(),
        bus: platform.services.bus.clone(),
        verifier,
        cipher: platform.services.cipher.clone(),
        checks: platform.checks(),
        plugins: Some(platform.registry.clone()),
        catalogue: lgp_frameworks::Catalogue::builtin(),
        launcher,
        config: GatewayConfig::from_env().context("invalid gateway settings")?,
    }
    .into_state();
    let listener = tokio::net::TcpListener::bind(args.listen)
        .await
        .with_context(|| format!("cannot listen on {}", args.listen))?;
    let address = listener
        .local_addr()
        .context("the listener has no address")?;
    tracing::info!(%address, "serving the API");
    eprintln!("lgp serve: listening on http://{address}");
    lgp_gateway::serve(listener, state, stop_requested())
        .await
        .context("the gateway failed")?;
    platform.shutdown().await;
    Ok(ExitCode::SUCCESS)
}

/// Resolves on SIGINT (Ctrl-C) or SIGTERM (what orchestrators send).
async fn stop_requested() {
    let interrupt = async {
        if let Err(err) = tokio::signal::ctrl_c().await {
            tracing::error!("cannot listen for Ctrl-C: {err}");
            std::future::pending::<()>().await;
        }
    };
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut term) => {
                term.recv().await;
            }
            Err(err) => {
                tracing::error!("cannot listen for SIGTERM: {err}");
                std::future::pending::<()>().await;
            }
        }
    };
    tokio::select! {
        () = interrupt => {},
        () = terminate => {},
    }
}
