//! Command-line arguments. Every option also reads its `LGP_*` environment variable.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::num::NonZeroU32;
use std::path::PathBuf;

/// LG-Protect: cloud security posture for AWS, with every check a sandboxed WebAssembly plugin.
#[derive(Debug, Parser)]
#[command(name = "lgp", version, about)]
pub struct Cli {
    /// Log format on stderr.
    #[arg(long, global = true, value_enum, default_value_t = LogFormat::Human, env = "LGP_LOG_FORMAT")]
    pub log_format: LogFormat,
    /// More log detail (-v debug, -vv trace).
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
    /// Options every command shares.
    #[command(flatten)]
    pub global: Global,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Options every command shares.
#[derive(Debug, Clone, Args)]
pub struct Global {
    /// Data directory (embedded store, artifact cache, keys). Default: $XDG_DATA_HOME/lg-protect.
    #[arg(long, global = true, env = "LGP_DATA_DIR")]
    pub data_dir: Option<PathBuf>,
    /// Days events stay in the audit trail. Ninety covers a quarter's review cycle.
    #[arg(
        long,
        global = true,
        env = "LGP_EVENT_RETENTION_DAYS",
        default_value_t = 90
    )]
    pub event_retention_days: u32,
    /// Where the platform keeps its data: the embedded store in the data directory, or
    /// DynamoDB (tables made by `lgp store init`).
    #[arg(
        long,
        global = true,
        value_enum,
        env = "LGP_STORE",
        default_value_t = StoreKind::Sqlite
    )]
    pub store: StoreKind,
    /// DynamoDB endpoint, e.g. an emulator (default: the region's).
    #[arg(long, global = true, env = "LGP_DYNAMODB_ENDPOINT")]
    pub dynamodb_endpoint: Option<String>,
    /// DynamoDB tables are named `<prefix>-<table>`.
    #[arg(
        long,
        global = true,
        env = "LGP_TABLE_PREFIX",
        default_value = lgp_store_dynamodb::DEFAULT_TABLE_PREFIX
    )]
    pub table_prefix: String,
    /// Limits on plugins and tenants' uploads.
    #[command(flatten)]
    pub plugins: PluginSettings,
}

/// Limits on plugin invocations and on what tenants upload.
#[derive(Debug, Clone, Args)]
pub struct PluginSettings {
    /// Wall-clock bound of one plugin invocation, in milliseconds.
    #[arg(
        long,
        global = true,
        env = "LGP_PLUGIN_TIMEOUT_MS",
        default_value_t = 10_000
    )]
    pub plugin_timeout_ms: u64,
    /// Largest plugin component a tenant may upload, in bytes.
    #[arg(long, global = true, env = "LGP_PLUGIN_MAX_BYTES", default_value_t = 32 << 20)]
    pub plugin_max_bytes: usize,
    /// Plugin versions a tenant may keep stored.
    #[arg(
        long,
        global = true,
        env = "LGP_PLUGIN_MAX_COUNT",
        default_value_t = 20
    )]
    pub plugin_max_count: usize,
    /// Total bytes of a tenant's stored plugin components.
    #[arg(long, global = true, env = "LGP_PLUGIN_MAX_TOTAL_BYTES", default_value_t = 256 << 20)]
    pub plugin_max_total_bytes: u64,
    /// Milliseconds of plugin time each tenant's uploaded plugins earn per second.
    #[arg(long, global = true, env = "LGP_TENANT_CPU_MS_PER_SECOND", default_value_t = NonZeroU32::new(500).expect("non-zero"))]
    pub tenant_cpu_ms_per_second: NonZeroU32,
    /// Milliseconds of plugin time a tenant's uploaded plugins may spend at once.
    #[arg(long, global = true, env = "LGP_TENANT_CPU_BURST_MS", default_value_t = NonZeroU32::new(10_000).expect("non-zero"))]
    pub tenant_cpu_burst_ms: NonZeroU32,
}

/// Store backends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum StoreKind {
    /// One SQLite file in the data directory (one machine).
    Sqlite,
    /// Amazon DynamoDB (several replicas share it).
    Dynamodb,
}

/// Log formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    /// Readable lines.
    Human,
    /// One JSON object per line.
    Json,
}

/// Output formats of listings and scans.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Tables for people.
    Table,
    /// JSON for machines.
    Json,
    /// One row per result.
    Csv,
    /// A self-contained page.
    Html,
    /// OCSF 1.x findings.
    Ocsf,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Scan an AWS account (or the bundled demo account) with every plugin.
    Scan(ScanArgs),
    /// Record or inspect snapshots: every AWS answer of a scan, replayable offline.
    Snapshot(SnapshotArgs),
    /// Run the platform: API gateway, plugin host, bus consumers.
    Serve(crate::commands::serve::ServeArgs),
    /// Mint a development JWT.
    Token(TokenArgs),
    /// The plugin author's tools.
    Plugin(PluginArgs),
    /// List the checks.
    Checks(ChecksArgs),
    /// List the frameworks and how checks cover their controls.
    Frameworks(FrameworksArgs),
    /// Manage the tenant's mutelist: accepted results, kept and reported apart, raising no
    /// violation and so no alert.
    Mute(MuteArgs),
    /// Administer the store: `init` creates DynamoDB's tables.
    Store(StoreArgs),
    /// The tenant's alerts (raised by the alert plugin): list them, acknowledge one.
    Alerts(AlertsArgs),
    /// The tenant's webhook endpoints, which receive its alert events: add, list, remove.
    Webhook(WebhookArgs),
}

/// Which AWS account to read, and how.
#[derive(Debug, Clone, Args)]
pub struct AccountArgs {
    /// Regions to scan (default: every enabled region; a snapshot's recorded regions).
    #[arg(long, value_delimiter = ',', env = "LGP_REGIONS")]
    pub regions: Vec<String>,
    /// AWS endpoint URL, e.g. an emulator (S3 is then addressed path-style).
    #[arg(long, env = "AWS_ENDPOINT_URL")]
    pub endpoint_url: Option<String>,
    /// Assume this role (STS AssumeRole) for every call, e.g. a tenant's scanner role.
    #[arg(long, env = "LGP_ROLE_ARN")]
    pub role_arn: Option<String>,
    /// The external id the role's trust policy requires.
    #[arg(long, env = "LGP_EXTERNAL_ID", requires = "role_arn")]
    pub external_id: Option<String>,
    /// AWS calls in flight at once, across regions and services.
    #[arg(long, env = "LGP_AWS_CONCURRENCY", default_value_t = 16)]
    pub aws_concurrency: usize,
}

/// `lgp scan`.
#[derive(Debug, Args)]
pub struct ScanArgs {
    /// Scan the bundled demo account snapshot instead of a live one; needs no AWS account.
    #[arg(long, conflicts_with = "snapshot")]
    pub demo: bool,
    /// Replay a recorded snapshot (`lgp snapshot record`) instead of calling AWS.
    #[arg(long, value_name = "FILE")]
    pub snapshot: Option<PathBuf>,
    /// The account to scan.
    #[command(flatten)]
    pub account: AccountArgs,
    /// The tenant the scan belongs to.
    #[arg(long, env = "LGP_TENANT", default_value = "local")]
    pub tenant: String,
    /// Directory for the reports.
    #[arg(long, default_value = "lgp-reports")]
    pub out: PathBuf,
    /// Output: `table` prints a summary, `json` prints the whole JSON report; `csv`, `html` and
    /// `ocsf` write those reports to --out too. The JSON report is always written to --out.
    #[arg(long, value_enum, value_delimiter = ',', default_value = "table")]
    pub format: Vec<Format>,
}

/// `lgp snapshot`.
#[derive(Debug, Args)]
pub struct SnapshotArgs {
    /// What to do.
    #[command(subcommand)]
    pub command: SnapshotCommand,
}

/// `lgp snapshot` subcommands.
#[derive(Debug, Subcommand)]
pub enum SnapshotCommand {
    /// Scan a live account and record every AWS answer to a file (gzip when it ends in .gz).
    Record {
        /// The snapshot file to write.
        #[arg(long)]
        out: PathBuf,
        /// The account to record.
        #[command(flatten)]
        account: AccountArgs,
        /// The tenant the recording scan belongs to.
        #[arg(long, env = "LGP_TENANT", default_value = "local")]
        tenant: String,
        /// Directory for the recording scan's reports.
        #[arg(long, default_value = "lgp-reports")]
        reports: PathBuf,
    },
}

/// `lgp token`: a development token signed with `LGP_JWT_SECRET` (HS256), printed on stdout.
#[derive(Debug, Args)]
pub struct TokenArgs {
    /// The tenant the token belongs to.
    #[arg(long)]
    pub tenant: String,
    /// The role: viewer, analyst, admin or platform-admin.
    #[arg(long)]
    pub role: lgp_tenant::Role,
    /// How long the token is valid: a number with s, m, h or d (at most 1d).
    #[arg(long, default_value = "1h", value_parser = crate::commands::token::parse_ttl)]
    pub ttl: std::time::Duration,
    /// Whom the token is issued to (its `sub` claim).
    #[arg(long, default_value = "lgp-dev")]
    pub subject: String,
}

/// `lgp plugin`.
#[derive(Debug, Args)]
pub struct PluginArgs {
    /// What to do.
    #[command(subcommand)]
    pub command: PluginCommand,
}

/// `lgp plugin` subcommands.
#[derive(Debug, Subcommand)]
pub enum PluginCommand {
    /// Validate a component: structure, world, imports, then a capped compile and a describe.
    Validate {
        /// The .wasm file.
        file: PathBuf,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// Evaluate a rule plugin (a built-in name or a .wasm file) on a JSON file of resources.
    Eval {
        /// Built-in plugin name or .wasm path.
        plugin: String,
        /// JSON array of resources (or an object with a `resources` array).
        #[arg(long)]
        resources: PathBuf,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// List the built-in plugins, or with `--server` the tenant's uploaded plugins there.
    List {
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
        /// An LG-Protect server: list the uploaded plugins of the token's tenant there.
        #[arg(long, env = "LGP_SERVER")]
        server: Option<String>,
    },
    /// Scaffold a plugin crate in a new directory NAME: an example, its tests (and, for a rule,
    /// fixtures), and a copy of the SDK and the WIT contract so it builds anywhere, without lgp.
    New {
        /// Plugin name, lowercase letters and digits with single dashes (e.g. acme-bucket-rules);
        /// also the crate's name and its directory's.
        name: String,
        /// What the plugin is.
        #[arg(long, value_enum, default_value_t = ScaffoldKind::Rule)]
        kind: ScaffoldKind,
    },
    /// Build a plugin crate for wasm32-wasip2 (release) and validate the component as
    /// `lgp plugin validate` does.
    Build {
        /// The plugin crate's directory.
        #[arg(default_value = ".")]
        dir: PathBuf,
        /// Output format of the verdict.
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// Run a rule plugin through the host runtime on resource fixtures and compare its findings
    /// with the expectation file beside each fixture (`NAME.expected.json` for `NAME.json`).
    Test {
        /// A plugin crate's directory (built first), a .wasm file or a built-in plugin's name.
        plugin: String,
        /// Directory of fixtures: JSON files of resources (an array, or a scan report or
        /// snapshot inventory with a `resources` array).
        #[arg(long, value_name = "DIR")]
        fixtures: PathBuf,
        /// Rewrite the expectation files with the plugin's current findings.
        #[arg(long)]
        update: bool,
    },
    /// Upload a rule plugin component to a server, for the token's tenant (`LGP_TOKEN`), and
    /// show the server's verdict. It runs from the tenant's next scan.
    Upload {
        /// The .wasm file (e.g. what `lgp plugin build` produced).
        plugin: PathBuf,
        /// Where to upload.
        #[command(flatten)]
        remote: Remote,
        /// The name the component must describe itself with (default: whatever it says).
        #[arg(long)]
        name: Option<String>,
        /// The version the component must describe itself with (default: whatever it says).
        #[arg(long)]
        version: Option<String>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// Enable an uploaded plugin version on a server (from the next scan).
    Enable(RemoteVersion),
    /// Disable an uploaded plugin version on a server (from the next scan; the highest enabled
    /// version of the name, if any, runs instead).
    Disable(RemoteVersion),
    /// Delete an uploaded plugin version from a server.
    Delete(RemoteVersion),
}

/// A server to talk to, as the tenant of the bearer token in `LGP_TOKEN`.
#[derive(Debug, Clone, Args)]
pub struct Remote {
    /// The LG-Protect server's base URL, e.g. `https://lgp.example.com`.
    #[arg(long, env = "LGP_SERVER")]
    pub server: String,
}

/// One uploaded plugin version on a server.
#[derive(Debug, Clone, Args)]
pub struct RemoteVersion {
    /// The plugin's name.
    pub name: String,
    /// The version.
    pub version: String,
    /// Where it is.
    #[command(flatten)]
    pub remote: Remote,
}

/// The kinds of plugin `lgp plugin new` scaffolds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ScaffoldKind {
    /// Evaluates resources into findings (pure): one check with fixtures.
    Rule,
    /// Reacts to events and publishes events: an alert on critical violations.
    Handler,
    /// Lists resources through the host's AWS capability: the VPC subnets of each region.
    Collector,
}

/// `lgp checks`.
#[derive(Debug, Args)]
pub struct ChecksArgs {
    /// Only checks of this service (e.g. s3).
    #[arg(long)]
    pub service: Option<String>,
    /// Only checks referencing this framework: an id of `lgp frameworks` (e.g. cis-aws-3.0).
    #[arg(long, value_name = "ID")]
    pub framework: Option<String>,
    /// Only checks of this severity.
    #[arg(long)]
    pub severity: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

/// `lgp frameworks`.
#[derive(Debug, Args)]
pub struct FrameworksArgs {
    /// List this framework's controls, each with its checks or "manual" (e.g. cis-aws-3.0).
    #[arg(long, value_name = "ID")]
    pub framework: Option<String>,
    /// Output format: `json` prints the whole coverage.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

/// `lgp mute`.
#[derive(Debug, Args)]
pub struct MuteArgs {
    /// The tenant whose mutelist to manage.
    #[arg(long, global = true, env = "LGP_TENANT", default_value = "local")]
    pub tenant: String,
    /// What to do.
    #[command(subcommand)]
    pub command: MuteCommand,
}

/// `lgp mute` subcommands.
#[derive(Debug, Subcommand)]
pub enum MuteCommand {
    /// Add a mute rule. Patterns are globs (`*`, `?`, `[a-z]`, `{a,b}`); a field given several
    /// times matches any of its patterns; every field given must match.
    Add {
        /// Check id pattern, e.g. `s3_bucket_*public*`.
        #[arg(long = "check", value_delimiter = ',')]
        checks: Vec<String>,
        /// Account id pattern.
        #[arg(long = "account", value_delimiter = ',')]
        accounts: Vec<String>,
        /// Region pattern (`global` for global resources).
        #[arg(long = "region", value_delimiter = ',')]
        regions: Vec<String>,
        /// Resource ARN pattern, e.g. `arn:aws:s3:::www-*`.
        #[arg(long = "resource")]
        resources: Vec<String>,
        /// A tag the resource must carry, `KEY=VALUE-PATTERN` (`KEY=*` for any value).
        #[arg(long = "tag")]
        tags: Vec<String>,
        /// Why these results are accepted.
        #[arg(long)]
        reason: String,
        /// Who owns the decision.
        #[arg(long)]
        owner: String,
        /// When the rule stops applying: an RFC 3339 time, or a date (valid through that day, UTC).
        #[arg(long)]
        expires: Option<String>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// List the mute rules in force (with --all, expired ones too).
    List {
        /// Include expired rules.
        #[arg(long)]
        all: bool,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// Remove a mute rule by its id.
    Remove {
        /// The rule's id (from `lgp mute list`).
        id: String,
    },
}

/// `lgp store`.
#[derive(Debug, Args)]
pub struct StoreArgs {
    /// What to do.
    #[command(subcommand)]
    pub command: StoreCommand,
}

/// `lgp store` subcommands.
#[derive(Debug, Subcommand)]
pub enum StoreCommand {
    /// Create the store's tables (DynamoDB) or file (SQLite) if missing; safe to run again.
    Init,
}

/// `lgp alerts`.
#[derive(Debug, Args)]
pub struct AlertsArgs {
    /// The tenant whose alerts to show.
    #[arg(long, global = true, env = "LGP_TENANT", default_value = "local")]
    pub tenant: String,
    /// What to do.
    #[command(subcommand)]
    pub command: AlertsCommand,
}

/// `lgp alerts` subcommands.
#[derive(Debug, Subcommand)]
pub enum AlertsCommand {
    /// List the alerts, most recently changed first.
    List {
        /// Only alerts in this state.
        #[arg(long, value_enum)]
        state: Option<AlertState>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// Acknowledge an open alert: someone is on it (it stays acknowledged through deadline and
    /// severity escalations, and resolves as usual).
    Ack {
        /// The alert's id (from `lgp alerts list`).
        alert_id: String,
        /// Who takes it on.
        #[arg(long)]
        by: String,
    },
}

/// States of an alert in the alerts table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum AlertState {
    /// Needs attention.
    Open,
    /// Someone is on it.
    Acknowledged,
    /// Resolved.
    Resolved,
}

impl AlertState {
    /// The state's name in the store.
    pub fn as_str(self) -> &'static str {
        match self {
            AlertState::Open => lgp_pipeline::ALERT_OPEN,
            AlertState::Acknowledged => lgp_pipeline::ALERT_ACKNOWLEDGED,
            AlertState::Resolved => lgp_pipeline::ALERT_RESOLVED,
        }
    }
}

/// `lgp webhook`.
#[derive(Debug, Args)]
pub struct WebhookArgs {
    /// The tenant whose webhooks to manage.
    #[arg(long, global = true, env = "LGP_TENANT", default_value = "local")]
    pub tenant: String,
    /// What to do.
    #[command(subcommand)]
    pub command: WebhookCommand,
}

/// The body an endpoint receives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum WebhookFormat {
    /// The event envelope as JSON.
    Json,
    /// A Slack-compatible `{"text": ...}` message.
    Slack,
}

/// `lgp webhook` subcommands.
#[derive(Debug, Subcommand)]
pub enum WebhookCommand {
    /// Add an endpoint. Each body is signed: `X-LGP-Signature: sha256=<hex HMAC-SHA256 of the
    /// body with the secret>`. Use an https URL in production (http is accepted, unencrypted).
    Add {
        /// Where to POST, an http(s) URL.
        url: String,
        /// The signing secret, at least 16 bytes (from the environment keeps it out of the shell
        /// history).
        #[arg(long, env = "LGP_WEBHOOK_SECRET", hide_env_values = true)]
        secret: String,
        /// The body's shape.
        #[arg(long, value_enum, default_value_t = WebhookFormat::Json)]
        format: WebhookFormat,
        /// Event types to send (default: alert.triggered, alert.resolved, alert.escalated).
        #[arg(long, value_delimiter = ',')]
        events: Vec<String>,
    },
    /// List the endpoints (secrets masked).
    List {
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// Remove an endpoint by its id.
    Remove {
        /// The webhook's id (from `lgp webhook list`).
        id: String,
    },
}
