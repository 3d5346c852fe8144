//! The container and Kubernetes material: the `Dockerfile`, `deploy/compose/docker-compose.yml`
//! and the kustomize base and overlays of `deploy/kubernetes/`. They are written by hand (unlike
//! the AWS templates), so these tests hold them to what the code does:
//!
//! - every `LGP_*` variable they set is one the code reads (the string literals of `host/`'s
//!   sources), and docs/deploy.md names exactly the variables the code reads;
//! - the manifests, rendered by kustomize, pass kubernetes-validate; the YAML passes yamllint and
//!   the Dockerfile hadolint;
//! - the pieces fit: probes on the gateway's routes, the data volume where `LGP_DATA_DIR` points,
//!   the user the image runs as, the settings `lgp` parses, the compose start-up order;
//! - KEDA's triggers name the stream and consumer groups the platform really creates: a demo
//!   scan through a real redis-server, then `XINFO GROUPS`.
//!
//! A missing linter prints SKIPPED with the reason (tests/run.sh installs them from PyPI); so does
//! a missing kustomize (`kubectl kustomize` or `kustomize build`), after which each file a
//! kustomization names is validated on its own, without the overlays' patches.

use lgp_bus_redis::RedisConfig;
use lgp_bus_redis::testing::RedisServer;
use lgp_events::EventType;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::OnceLock;

const LGP: &str = env!("CARGO_BIN_EXE_lgp-under-test");

/// The kustomizations: the base and each overlay.
const TARGETS: &[&str] = &["base", "overlays/keda", "overlays/hpa"];

/// An older Kubernetes the manifests must still apply to, besides the newest that
/// kubernetes-validate knows: nothing in them is newer (autoscaling/v2, policy/v1 and
/// seccompProfile all predate it), and clusters lag the newest release by several minors.
const OLDEST_KUBERNETES: &str = "1.31.0";

/// The API group of KEDA's custom resources, for which kubernetes-validate has no schema.
const KEDA_API: &str = "keda.sh/";

/// The files the build needs in the image's build context (`.dockerignore` must keep them).
const BUILD_INPUTS: &[&str] = &[
    "Cargo.toml",
    "Cargo.lock",
    "host",
    "host/cli/demo",
    "host/cli/templates",
    "plugins",
    "sdk",
    "tests",
    "wit",
];

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn kubernetes_dir() -> PathBuf {
    root().join("deploy/kubernetes")
}

fn compose_file() -> PathBuf {
    root().join("deploy/compose/docker-compose.yml")
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Runs `program args… files…` if it is installed; `None` (after saying SKIPPED) if not.
fn run_tool(program: &str, args: &[&str], files: &[PathBuf]) -> Option<Output> {
    match Command::new(program).args(args).args(files).output() {
        Ok(output) => Some(output),
        Err(err) => {
            println!("SKIPPED {program}: cannot run it ({err}); tests/run.sh installs it");
            None
        }
    }
}

/// Every document of a YAML text, as JSON, read by PyYAML (which yamllint, cfn-lint and
/// kubernetes-validate bring). `None`, after saying SKIPPED, without python3 or PyYAML.
fn yaml_documents(yaml: &str, what: &str) -> Option<Vec<Value>> {
    static AVAILABLE: OnceLock<Result<(), String>> = OnceLock::new();
    let available = AVAILABLE.get_or_init(|| {
        match Command::new("python3").args(["-c", "import yaml"]).output() {
            Ok(out) if out.status.success() => Ok(()),
            Ok(out) => Err(format!("no PyYAML ({})", text(&out.stderr).trim())),
            Err(err) => Err(format!("no python3 ({err})")),
        }
    });
    if let Err(why) = available {
        println!("SKIPPED reading {what}: {why}");
        return None;
    }
    let mut child = Command::new("python3")
        .args([
            "-c",
            "import json, sys, yaml\n\
             docs = yaml.safe_load_all(sys.stdin.read())\n\
             json.dump([d for d in docs if d is not None], sys.stdout)",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("python3 runs");
    child
        .stdin
        .take()
        .expect("piped stdin")
        .write_all(yaml.as_bytes())
        .expect("python3 reads the YAML");
    let out = child.wait_with_output().expect("python3 finishes");
    assert!(
        out.status.success(),
        "{what} is not YAML:\n{}",
        text(&out.stderr)
    );
    Some(serde_json::from_slice(&out.stdout).expect("python prints JSON"))
}

fn yaml_file(path: &Path) -> Option<Vec<Value>> {
    yaml_documents(&read(path), &path.display().to_string())
}

/// The one document of `kind` among `docs`.
fn find<'a>(docs: &'a [Value], kind: &str) -> &'a Value {
    let found: Vec<&Value> = docs.iter().filter(|d| d["kind"] == kind).collect();
    assert_eq!(found.len(), 1, "exactly one {kind}");
    found[0]
}

fn string<'a>(value: &'a Value, what: &str) -> &'a str {
    value
        .as_str()
        .unwrap_or_else(|| panic!("{what} is a string, not {value}"))
}

/// `kustomize build` of `dir`, by `kubectl kustomize` or a standalone kustomize: `Err` says why
/// neither could run. A kustomization that does not build fails the test.
fn kustomize(dir: &Path) -> Result<String, String> {
    let mut why = Vec::new();
    for (program, subcommand) in [("kubectl", "kustomize"), ("kustomize", "build")] {
        match Command::new(program).arg(subcommand).arg(dir).output() {
            Ok(out) => {
                assert!(
                    out.status.success(),
                    "{program} {subcommand} {} failed:\n{}",
                    dir.display(),
                    text(&out.stderr)
                );
                return Ok(text(&out.stdout));
            }
            Err(err) => why.push(format!("{program}: {err}")),
        }
    }
    Err(why.join("; "))
}

/// The manifest files a kustomization names, its bases' included: what is validated when no
/// kustomize renders it. `None` when they cannot be read (no PyYAML).
fn kustomization_files(dir: &Path) -> Option<Vec<PathBuf>> {
    let docs = yaml_file(&dir.join("kustomization.yaml"))?;
    let mut files = Vec::new();
    for entry in docs[0]["resources"]
        .as_array()
        .expect("a kustomization lists resources")
    {
        let path = dir.join(string(entry, "a resource"));
        if path.is_dir() {
            files.extend(kustomization_files(&path)?);
        } else {
            files.push(path);
        }
    }
    Some(files)
}

/// A Kubernetes manifest of the base, read on its own.
fn base_manifest(file: &str, kind: &str) -> Option<Value> {
    let docs = yaml_file(&kubernetes_dir().join("base").join(file))?;
    Some(find(&docs, kind).clone())
}

/// `labels` ⊆ `of`: the selector picks the pods.
fn selects(selector: &Value, labels: &Value) -> bool {
    let selector = selector.as_object().expect("a selector is a map");
    !selector.is_empty() && selector.iter().all(|(k, v)| labels.get(k) == Some(v))
}

// The Dockerfile.

/// The Dockerfile's instructions: (keyword, arguments), continuation lines joined, comments and
/// parser directives dropped.
fn dockerfile_instructions() -> Vec<(String, String)> {
    let mut instructions = Vec::new();
    let mut current = String::new();
    for line in read(&root().join("Dockerfile")).lines() {
        let line = line.trim();
        if line.starts_with('#') || (line.is_empty() && current.is_empty()) {
            continue;
        }
        if let Some(head) = line.strip_suffix('\\') {
            current.push_str(head);
            current.push(' ');
            continue;
        }
        current.push_str(line);
        let (keyword, args) = current
            .split_once(char::is_whitespace)
            .unwrap_or((current.as_str(), ""));
        instructions.push((keyword.to_ascii_uppercase(), args.trim().to_owned()));
        current.clear();
    }
    instructions
}

/// The image's own settings: the last stage's instructions by keyword, `ENV`s as a map.
struct Image {
    /// Every stage's instructions, in order.
    stages: Vec<Vec<(String, String)>>,
    /// The runtime stage's `ENV` variables.
    env: BTreeMap<String, String>,
}

impl Image {
    fn read() -> Image {
        let mut stages: Vec<Vec<(String, String)>> = Vec::new();
        for (keyword, args) in dockerfile_instructions() {
            if keyword == "FROM" {
                stages.push(Vec::new());
            }
            stages
                .last_mut()
                .expect("the Dockerfile starts with FROM")
                .push((keyword, args));
        }
        assert!(stages.len() >= 2, "a multi-stage build");
        let mut env = BTreeMap::new();
        for (_, args) in stages[stages.len() - 1].iter().filter(|(k, _)| k == "ENV") {
            for pair in args.split_whitespace() {
                let (name, value) = pair.split_once('=').expect("ENV name=value");
                env.insert(name.to_owned(), value.to_owned());
            }
        }
        Image { stages, env }
    }

    /// The arguments of the runtime stage's one `keyword`.
    fn last(&self, keyword: &str) -> &str {
        let found: Vec<&str> = self.stages[self.stages.len() - 1]
            .iter()
            .filter(|(k, _)| k == keyword)
            .map(|(_, a)| a.as_str())
            .collect();
        assert_eq!(found.len(), 1, "the runtime stage has one {keyword}");
        found[0]
    }

    /// A JSON-form instruction (`ENTRYPOINT ["lgp"]`).
    fn exec_form(&self, keyword: &str) -> Vec<String> {
        serde_json::from_str(self.last(keyword))
            .unwrap_or_else(|e| panic!("{keyword} in JSON form: {e}"))
    }

    /// The port `lgp serve` listens on in the container (`LGP_LISTEN`).
    fn port(&self) -> u16 {
        listen_port(
            self.env
                .get("LGP_LISTEN")
                .expect("the image sets LGP_LISTEN"),
        )
    }

    /// The uid the image runs as.
    fn uid(&self) -> u64 {
        let user = self.last("USER");
        user.split(':')
            .next()
            .and_then(|u| u.parse().ok())
            .unwrap_or_else(|| panic!("USER {user}: a numeric uid, which runAsNonRoot can check"))
    }
}

fn listen_port(listen: &str) -> u16 {
    listen
        .parse::<SocketAddr>()
        .unwrap_or_else(|e| {
            panic!("LGP_LISTEN {listen:?} is what `lgp serve --listen` parses: {e}")
        })
        .port()
}

/// The value of `key = "…"` on a line of a Cargo manifest.
fn manifest_value(manifest: &str, key: &str) -> String {
    manifest
        .lines()
        .find_map(|line| {
            let (k, v) = line.split_once('=')?;
            (k.trim() == key).then(|| v.trim().trim_matches('"').to_owned())
        })
        .unwrap_or_else(|| panic!("{key} in the manifest"))
}

#[test]
fn the_image_is_built_and_run_as_the_code_expects() {
    let image = Image::read();
    // Builder: the workspace's toolchain and the plugins' wasm target.
    let rust_version = manifest_value(&read(&root().join("Cargo.toml")), "rust-version");
    let builder = &image.stages[0];
    let from = &builder[0].1;
    assert!(
        from.starts_with(&format!("rust:{rust_version}-")),
        "the builder is the workspace's rust-version {rust_version}: FROM {from}"
    );
    let runs: Vec<&str> = builder
        .iter()
        .filter(|(k, _)| k == "RUN")
        .map(|(_, a)| a.as_str())
        .collect();
    assert!(
        runs.iter()
            .any(|r| r.contains("rustup target add wasm32-wasip2")),
        "the builder adds wasm32-wasip2, which host/builtins' build script compiles plugins/ for"
    );
    let cli = read(&root().join("host/cli/Cargo.toml"));
    let (package, bin) = (
        manifest_value(&cli, "name"),
        cli.split("[[bin]]")
            .nth(1)
            .map(|b| manifest_value(b, "name"))
            .expect("lgp-cli has a [[bin]]"),
    );
    assert!(
        runs.iter().any(|r| r.contains(&format!("-p {package}"))
            && r.contains(&format!("target/release/{bin}"))),
        "the builder builds package {package} and takes its binary {bin}: {runs:?}"
    );

    // Runtime: `lgp serve` reachable from outside the container, data on the volume, non-root.
    assert_eq!(image.exec_form("ENTRYPOINT"), [bin.as_str()]);
    assert_eq!(image.exec_form("CMD"), ["serve"]);
    let listen = &image.env["LGP_LISTEN"];
    assert!(
        listen.starts_with("0.0.0.0:"),
        "LGP_LISTEN {listen}: every interface of the container"
    );
    let port = image.port();
    assert_eq!(image.last("EXPOSE"), port.to_string());
    let data_dir = image.env.get("LGP_DATA_DIR").expect("LGP_DATA_DIR");
    assert_eq!(
        image.exec_form("VOLUME"),
        [data_dir.as_str()],
        "the data directory is the volume"
    );
    assert_ne!(image.uid(), 0, "the image runs as a non-root user");
    let healthcheck = image.last("HEALTHCHECK");
    assert!(
        healthcheck.contains(&format!(":{port}/healthz")),
        "HEALTHCHECK asks /healthz on the port served: {healthcheck}"
    );
    assert!(
        gateway_routes().contains("/healthz"),
        "the gateway serves /healthz"
    );

    // The build context keeps what cargo reads.
    let ignore = read(&root().join(".dockerignore"));
    let patterns: Vec<&str> = ignore
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect();
    for needed in [".git", "**/target"] {
        assert!(
            patterns.contains(&needed),
            ".dockerignore leaves out {needed}"
        );
    }
    for input in BUILD_INPUTS {
        for pattern in &patterns {
            let pattern = pattern.trim_start_matches('/').trim_end_matches('/');
            assert!(
                pattern != *input && !input.starts_with(&format!("{pattern}/")) && pattern != "*",
                ".dockerignore pattern {pattern:?} drops {input}, which the build needs"
            );
        }
    }
}

#[test]
fn the_dockerfile_passes_hadolint() {
    let dockerfile = root().join("Dockerfile");
    // Every finding fails, style included; an ignore pragma in the file must say why.
    if let Some(out) = run_tool(
        "hadolint",
        &["--no-color", "--failure-threshold", "style"],
        &[dockerfile],
    ) {
        assert!(
            out.status.success(),
            "hadolint:\n{}{}",
            text(&out.stdout),
            text(&out.stderr)
        );
    }
}

// Kubernetes.

#[test]
fn kubernetes_manifests_pass_kubernetes_validate() {
    let rendered = tempfile::tempdir().expect("tempdir");
    // The Secret's template is applied by hand, not by the kustomization: validated on its own.
    let mut inputs = vec![kubernetes_dir().join("base/secret.template.yaml")];
    for target in TARGETS {
        let dir = kubernetes_dir().join(target);
        match kustomize(&dir) {
            Ok(manifests) => {
                let file = rendered
                    .path()
                    .join(format!("{}.yaml", target.replace('/', "-")));
                std::fs::write(&file, manifests).expect("write the rendered manifests");
                inputs.push(file);
            }
            Err(why) => {
                println!(
                    "SKIPPED rendering {target} ({why}): its files are validated one by one, \
                     without its patches"
                );
                let Some(files) = kustomization_files(&dir) else {
                    return;
                };
                inputs.extend(files);
            }
        }
    }
    inputs.sort();
    inputs.dedup();
    // What kubernetes-validate must report as passed: every resource but KEDA's.
    let mut expected = 0;
    for input in &inputs {
        let Some(docs) = yaml_file(input) else {
            return;
        };
        expected += docs
            .iter()
            .filter(|d| !d["apiVersion"].as_str().unwrap_or("").starts_with(KEDA_API))
            .count();
    }
    for version in [Some(OLDEST_KUBERNETES), None] {
        let mut args = vec!["--strict"];
        if let Some(version) = version {
            args.extend(["--kubernetes-version", version]);
        }
        let Some(out) = run_tool("kubernetes-validate", &args, &inputs) else {
            return;
        };
        let report = text(&out.stdout);
        let against = version.unwrap_or("its newest Kubernetes");
        assert!(
            out.status.success(),
            "kubernetes-validate against {against}:\n{report}{}",
            text(&out.stderr)
        );
        // No schema is a warning to kubernetes-validate; here only KEDA's resources may lack one
        // (a misspelt kind or apiVersion would otherwise pass unchecked).
        let unchecked: Vec<&str> = report
            .lines()
            .filter(|l| l.starts_with("WARN") && !l.contains(KEDA_API))
            .collect();
        assert!(
            unchecked.is_empty(),
            "resources without a schema:\n{}",
            unchecked.join("\n")
        );
        let passed = report
            .lines()
            .filter(|l| l.contains(" passed for resource "))
            .count();
        assert_eq!(
            passed, expected,
            "every resource validated against {against}:\n{report}"
        );
    }
}

#[test]
fn overlays_hand_the_replica_count_to_their_autoscaler() {
    let base_replicas = 3;
    for (target, autoscaler) in [
        ("base", None),
        ("overlays/keda", Some(("ScaledObject", "minReplicaCount"))),
        (
            "overlays/hpa",
            Some(("HorizontalPodAutoscaler", "minReplicas")),
        ),
    ] {
        let manifests = match kustomize(&kubernetes_dir().join(target)) {
            Ok(manifests) => manifests,
            Err(why) => return println!("SKIPPED rendering {target}: {why}"),
        };
        let Some(docs) = yaml_documents(&manifests, target) else {
            return;
        };
        let namespace = find(&docs, "Namespace")["metadata"]["name"].clone();
        for doc in docs.iter().filter(|d| d["kind"] != "Namespace") {
            assert_eq!(
                doc["metadata"]["namespace"], namespace,
                "{target}: {} {} is in the namespace",
                doc["kind"], doc["metadata"]["name"]
            );
        }
        let deployment = find(&docs, "Deployment");
        match autoscaler {
            None => assert_eq!(deployment["spec"]["replicas"], base_replicas),
            Some((kind, min_field)) => {
                assert!(
                    deployment["spec"].get("replicas").is_none(),
                    "{target}: the autoscaler owns the replica count; an applied one resets it"
                );
                let scaler = find(&docs, kind);
                assert_eq!(
                    scaler["spec"]["scaleTargetRef"]["name"], deployment["metadata"]["name"],
                    "{target}: the {kind} scales the Deployment"
                );
                assert_eq!(
                    scaler["spec"][min_field], base_replicas,
                    "{target}: never fewer replicas than the base runs (they also serve the API)"
                );
            }
        }
    }
}

/// The routes the gateway serves, as its router source names them.
fn gateway_routes() -> String {
    let mut routes = String::new();
    for file in rust_files(&root().join("host/gateway/src")) {
        let source = read(&file);
        for (i, _) in source.match_indices(".route(\"") {
            let rest = &source[i + 8..];
            routes.push_str(&rest[..rest.find('"').unwrap_or(0)]);
            routes.push('\n');
        }
    }
    routes
}

#[test]
fn the_deployment_is_hardened_probed_and_scraped() {
    let (
        Some(deployment),
        Some(config),
        Some(secret),
        Some(service),
        Some(budget),
        Some(namespace),
    ) = (
        base_manifest("deployment.yaml", "Deployment"),
        base_manifest("configmap.yaml", "ConfigMap"),
        base_manifest("secret.template.yaml", "Secret"),
        base_manifest("service.yaml", "Service"),
        base_manifest("poddisruptionbudget.yaml", "PodDisruptionBudget"),
        base_manifest("namespace.yaml", "Namespace"),
    )
    else {
        return;
    };
    let image = Image::read();
    let settings = &config["data"];
    let pod = &deployment["spec"]["template"];
    let labels = &pod["metadata"]["labels"];
    let spec = &pod["spec"];
    let containers = spec["containers"].as_array().expect("containers");
    assert_eq!(containers.len(), 1, "one container");
    let lgp = &containers[0];

    // The restricted Pod Security Standard, enforced by the namespace.
    assert_eq!(
        namespace["metadata"]["labels"]["pod-security.kubernetes.io/enforce"],
        "restricted"
    );
    assert_eq!(spec["securityContext"]["runAsNonRoot"], true);
    assert_eq!(spec["securityContext"]["runAsUser"], image.uid());
    assert_eq!(
        spec["securityContext"]["seccompProfile"]["type"],
        "RuntimeDefault"
    );
    let hardening = &lgp["securityContext"];
    assert_eq!(hardening["allowPrivilegeEscalation"], false);
    assert_eq!(hardening["readOnlyRootFilesystem"], true);
    assert_eq!(
        hardening["capabilities"]["drop"],
        serde_json::json!(["ALL"])
    );
    for kind in ["requests", "limits"] {
        for resource in ["cpu", "memory"] {
            assert!(
                lgp["resources"][kind][resource].is_string(),
                "resources.{kind}.{resource} is set"
            );
        }
    }

    // Listening where the probes, the Service and Prometheus look.
    let listen = string(&settings["LGP_LISTEN"], "LGP_LISTEN");
    assert!(listen.starts_with("0.0.0.0:"), "LGP_LISTEN {listen}");
    let port = listen_port(listen);
    let ports = lgp["ports"].as_array().expect("ports");
    let named = |name: &Value| {
        ports
            .iter()
            .find(|p| &p["name"] == name)
            .unwrap_or_else(|| panic!("a container port named {name}"))["containerPort"]
            .clone()
    };
    let routes = gateway_routes();
    for (probe, path) in [
        ("startupProbe", "/healthz"),
        ("livenessProbe", "/healthz"),
        ("readinessProbe", "/readyz"),
    ] {
        let get = &lgp[probe]["httpGet"];
        assert_eq!(get["path"], path, "{probe}");
        assert_eq!(named(&get["port"]), port, "{probe} asks the port served");
        assert!(routes.contains(path), "the gateway serves {path}");
    }
    let annotations = &pod["metadata"]["annotations"];
    assert_eq!(annotations["prometheus.io/scrape"], "true");
    assert_eq!(annotations["prometheus.io/port"], port.to_string());
    assert_eq!(annotations["prometheus.io/path"], "/metrics");
    assert!(routes.contains("/metrics"), "the gateway serves /metrics");
    assert!(selects(&service["spec"]["selector"], labels));
    assert_eq!(named(&service["spec"]["ports"][0]["targetPort"]), port);

    // The Deployment, its budget and its Service pick the same pods.
    let selector = &deployment["spec"]["selector"]["matchLabels"];
    assert!(selects(selector, labels));
    assert_eq!(&budget["spec"]["selector"]["matchLabels"], selector);

    // The data directory is the writable volume; the root file system is read-only.
    let data_dir = string(&settings["LGP_DATA_DIR"], "LGP_DATA_DIR");
    assert_eq!(data_dir, image.env["LGP_DATA_DIR"]);
    let mount = lgp["volumeMounts"]
        .as_array()
        .expect("volume mounts")
        .iter()
        .find(|m| m["mountPath"] == data_dir)
        .unwrap_or_else(|| panic!("a volume is mounted at LGP_DATA_DIR {data_dir}"));
    let volume = spec["volumes"]
        .as_array()
        .expect("volumes")
        .iter()
        .find(|v| v["name"] == mount["name"])
        .expect("the mounted volume");
    assert!(volume["emptyDir"].is_object(), "an emptyDir: {volume}");

    // The settings and secrets the pods read exist, and the secrets' placeholders are refused.
    let sources = lgp["envFrom"].as_array().expect("envFrom");
    let referenced = |kind: &str| {
        sources
            .iter()
            .find_map(|s| s[kind]["name"].as_str())
            .unwrap_or_else(|| panic!("envFrom {kind}"))
            .to_owned()
    };
    assert_eq!(referenced("configMapRef"), config["metadata"]["name"]);
    assert_eq!(referenced("secretRef"), secret["metadata"]["name"]);
    let placeholders = secret["stringData"].as_object().expect("stringData");
    let keys: BTreeSet<&str> = placeholders.keys().map(String::as_str).collect();
    assert_eq!(keys, BTreeSet::from(["LGP_JWT_SECRET", "LGP_MASTER_KEY"]));
    let jwt = string(&placeholders["LGP_JWT_SECRET"], "LGP_JWT_SECRET");
    assert!(
        jwt.len() < lgp_tenant::MIN_SECRET_LEN,
        "the placeholder JWT secret {jwt:?} is too short to be accepted by mistake"
    );
    let master = string(&placeholders["LGP_MASTER_KEY"], "LGP_MASTER_KEY");
    assert!(
        lgp_crypto::MasterKey::from_hex(master).is_err(),
        "the placeholder master key {master:?} is refused"
    );

    // `lgp` parses the settings (with real secrets in place of the placeholders).
    let mut env: BTreeMap<String, String> = settings
        .as_object()
        .expect("ConfigMap data")
        .iter()
        .map(|(k, v)| (k.clone(), string(v, k).to_owned()))
        .collect();
    env.insert(
        "LGP_JWT_SECRET".into(),
        "k".repeat(lgp_tenant::MIN_SECRET_LEN),
    );
    env.insert("LGP_MASTER_KEY".into(), "0".repeat(64));
    assert_token_mints(&env, "the ConfigMap");
}

/// Runs `lgp token --tenant demo --role admin` with `env` (and no other `LGP_*` variable): the
/// global settings must parse and the secret must sign.
fn assert_token_mints(env: &BTreeMap<String, String>, what: &str) {
    let mut cmd = Command::new(LGP);
    cmd.args(["token", "--tenant", "demo", "--role", "admin"]);
    for (name, _) in std::env::vars_os() {
        if name.to_string_lossy().starts_with("LGP_") {
            cmd.env_remove(name);
        }
    }
    let out = cmd.envs(env).output().expect("lgp runs");
    assert!(
        out.status.success(),
        "lgp token with the settings of {what}:\n{}",
        text(&out.stderr)
    );
    let token = text(&out.stdout);
    assert_eq!(
        token.trim().split('.').count(),
        3,
        "a JWT from {what}: {token}"
    );
}

/// The Redis stream of `inventory.discovered`, as the bus names it (`<prefix>:{events}:<type>`,
/// host/bus-redis/src/keys.rs) under the prefix `lgp serve` uses.
fn inventory_stream() -> String {
    let prefix = RedisConfig::new("redis://unused").key_prefix;
    format!("{prefix}:{{events}}:{}", EventType::InventoryDiscovered)
}

/// `XINFO GROUPS stream` through redis-cli: each group's fields by name. `None` (after saying
/// SKIPPED) without redis-cli.
fn stream_groups(url: &str, stream: &str) -> Option<BTreeMap<String, BTreeMap<String, String>>> {
    let out = match Command::new("redis-cli")
        .args(["-u", url, "XINFO", "GROUPS", stream])
        .output()
    {
        Ok(out) => out,
        Err(err) => {
            println!("SKIPPED reading the consumer groups: no redis-cli ({err})");
            return None;
        }
    };
    let reply = text(&out.stdout);
    assert!(
        out.status.success() && !reply.starts_with("ERR"),
        "XINFO GROUPS {stream}: {reply}{}",
        text(&out.stderr)
    );
    // Without a terminal, redis-cli prints each element of the reply on its own line: for each
    // group, field and value alternately, starting with `name`.
    let lines: Vec<&str> = reply.lines().collect();
    let mut groups = BTreeMap::new();
    let mut current: Option<(String, BTreeMap<String, String>)> = None;
    for pair in lines.chunks(2) {
        let (field, value) = (pair[0], pair.get(1).copied().unwrap_or(""));
        if field == "name" {
            groups.extend(current.take());
            current = Some((value.to_owned(), BTreeMap::new()));
        } else if let Some((_, fields)) = current.as_mut() {
            fields.insert(field.to_owned(), value.to_owned());
        }
    }
    groups.extend(current);
    Some(groups)
}

#[test]
fn keda_scales_on_the_stream_and_groups_the_platform_creates() {
    let (Some(config), Some(scaled)) = (
        base_manifest("configmap.yaml", "ConfigMap"),
        yaml_file(&kubernetes_dir().join("overlays/keda/scaledobject.yaml")),
    ) else {
        return;
    };
    let scaled = find(&scaled, "ScaledObject");
    let triggers: Vec<&Value> = scaled["spec"]["triggers"]
        .as_array()
        .expect("triggers")
        .iter()
        .filter(|t| t["type"] == "redis-streams")
        .collect();
    assert!(!triggers.is_empty(), "the ScaledObject watches the bus");

    // KEDA reads the Redis the pods use, on the stream the rules consume.
    let redis_url = string(&config["data"]["LGP_REDIS_URL"], "LGP_REDIS_URL");
    let authority = redis_url
        .strip_prefix("redis://")
        .and_then(|rest| rest.split('/').next())
        .unwrap_or_else(|| panic!("LGP_REDIS_URL {redis_url}: redis://host:port/db"));
    let database = redis_url.rsplit('/').next().unwrap_or("0");
    let stream = inventory_stream();
    let mut watched = BTreeSet::new();
    for trigger in &triggers {
        let m = &trigger["metadata"];
        assert_eq!(m["address"], authority, "KEDA asks LGP_REDIS_URL's Redis");
        assert_eq!(
            m["databaseIndex"], database,
            "KEDA asks LGP_REDIS_URL's database"
        );
        assert_eq!(m["stream"], stream.as_str());
        // With lagCount KEDA scales on XINFO GROUPS' lag; without it, on the pending list, which
        // the consumers' prefetch fills even when they keep up.
        let lag: u64 = string(&m["lagCount"], "lagCount")
            .parse()
            .expect("lagCount is a number");
        assert!(lag > 0, "lagCount > 0");
        watched.insert(string(&m["consumerGroup"], "consumerGroup").to_owned());
    }

    // The groups a real platform makes: a demo scan through a real Redis.
    let server = RedisServer::start();
    let dir = tempfile::tempdir().expect("tempdir");
    let mut cmd = Command::new(LGP);
    cmd.args(["scan", "--demo", "--format", "json", "--out"])
        .arg(dir.path().join("reports"));
    for (name, _) in std::env::vars_os() {
        if name.to_string_lossy().starts_with("LGP_") {
            cmd.env_remove(name);
        }
    }
    let out = cmd
        .env("LGP_DATA_DIR", dir.path().join("data"))
        .env("LGP_REDIS_URL", server.url())
        .output()
        .expect("lgp runs");
    assert!(
        out.status.success(),
        "lgp scan --demo through Redis:\n{}",
        text(&out.stderr)
    );
    let Some(groups) = stream_groups(&server.url(), &stream) else {
        return;
    };
    // The built-in rule plugins' groups; tenants' uploaded rules (`tenant-rules`, when the
    // platform runs them) are left out on purpose, as docs/deploy.md explains.
    let rules: BTreeSet<String> = groups
        .keys()
        .filter(|g| g.starts_with("rule:"))
        .cloned()
        .collect();
    assert!(
        rules.len() >= 3,
        "the built-in rule plugins' groups on {stream}: {groups:?}"
    );
    assert_eq!(
        watched, rules,
        "KEDA watches every rule plugin's group on {stream}, and only real ones"
    );
    for group in &rules {
        let fields = &groups[group];
        // Redis 7 reports the lag KEDA's lagCount reads (an older Redis has no such field).
        assert!(
            fields.get("lag").is_some_and(|l| l.parse::<u64>().is_ok()),
            "XINFO GROUPS reports {group}'s lag: {fields:?}"
        );
        assert!(
            fields
                .get("entries-read")
                .and_then(|n| n.parse::<u64>().ok())
                .is_some_and(|n| n > 0),
            "{group} consumed the scan's inventory: {fields:?}"
        );
    }
}

// docker-compose.

/// A compose value with `${NAME:-default}` interpolated as compose does when NAME is unset.
fn interpolate_default(value: &str) -> String {
    let mut out = String::new();
    let mut rest = value;
    while let Some(start) = rest.find("${") {
        out.push_str(&rest[..start]);
        let end = rest[start..].find('}').expect("a closed ${…}") + start;
        let inner = &rest[start + 2..end];
        out.push_str(inner.split_once(":-").map_or("", |(_, default)| default));
        rest = &rest[end + 1..];
    }
    out.push_str(rest);
    out
}

fn environment(service: &Value) -> BTreeMap<String, String> {
    service["environment"]
        .as_object()
        .expect("environment as a map")
        .iter()
        .map(|(k, v)| {
            let value = match v {
                Value::String(s) => interpolate_default(s),
                other => other.to_string(),
            };
            (k.clone(), value)
        })
        .collect()
}

#[test]
fn compose_starts_the_server_after_the_tables() {
    let path = compose_file();
    let Some(docs) = yaml_file(&path) else {
        return;
    };
    let services = &docs[0]["services"];
    let image = Image::read();
    let (lgp, init) = (&services["lgp"], &services["store-init"]);
    for (name, service) in [
        ("redis", &services["redis"]),
        ("dynamodb", &services["dynamodb"]),
    ] {
        assert!(service["image"].is_string(), "service {name}");
    }

    // Start-up order: the tables, then the server; the server also waits for a healthy Redis.
    assert_eq!(init["command"], serde_json::json!(["store", "init"]));
    assert_eq!(lgp["command"], serde_json::json!(["serve"]));
    assert_eq!(
        lgp["depends_on"]["store-init"]["condition"],
        "service_completed_successfully"
    );
    assert_eq!(lgp["depends_on"]["redis"]["condition"], "service_healthy");
    assert!(services["redis"]["healthcheck"]["test"].is_array());
    assert!(init["depends_on"]["dynamodb"].is_object());

    // Both run this repository's image, read-only, the data directory on a volume.
    let context = path
        .parent()
        .expect("a directory")
        .join(string(&lgp["build"]["context"], "build.context"));
    assert_eq!(
        context.canonicalize().expect("the build context exists"),
        root().canonicalize().expect("the root exists")
    );
    assert!(
        context
            .join(string(&lgp["build"]["dockerfile"], "dockerfile"))
            .is_file()
    );
    let data_dir = &image.env["LGP_DATA_DIR"];
    for (name, service) in [("lgp", lgp), ("store-init", init)] {
        assert_eq!(service["image"], lgp["image"], "{name} runs the image");
        assert_eq!(service["read_only"], true, "{name} has a read-only root");
        assert!(
            service["volumes"]
                .as_array()
                .expect("volumes")
                .iter()
                .any(|v| v
                    .as_str()
                    .is_some_and(|v| v.ends_with(&format!(":{data_dir}")))),
            "{name} keeps LGP_DATA_DIR {data_dir} on a volume"
        );
    }

    // Init and server agree on the backends; the backends are the compose services.
    let (server_env, init_env) = (environment(lgp), environment(init));
    for name in [
        "LGP_STORE",
        "LGP_DYNAMODB_ENDPOINT",
        "LGP_TABLE_PREFIX",
        "LGP_REDIS_URL",
    ] {
        assert_eq!(server_env.get(name), init_env.get(name), "{name}");
    }
    assert_eq!(server_env["LGP_STORE"], "dynamodb");
    assert!(
        server_env["LGP_DYNAMODB_ENDPOINT"].starts_with("http://dynamodb:"),
        "the store is the dynamodb service"
    );
    assert!(
        server_env["LGP_REDIS_URL"].starts_with("redis://redis:"),
        "the bus is the redis service"
    );
    let published = lgp["ports"][0].as_str().expect("a published port");
    assert!(
        published.starts_with("127.0.0.1:") && published.ends_with(&format!(":{}", image.port())),
        "the port lgp serves, on loopback only (the demo secret is public): {published}"
    );

    // The documented `docker compose run --rm --no-deps lgp token …` mints a token.
    assert_token_mints(&server_env, "docker-compose.yml's lgp service");
}

// Variables and lint.

/// Every `.rs` file under `dir`.
fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let path = entry.expect("a directory entry").path();
        if path.is_dir() {
            if path.file_name().is_some_and(|n| n != "target") {
                files.extend(rust_files(&path));
            }
        } else if path.extension().is_some_and(|e| e == "rs") {
            files.push(path);
        }
    }
    files
}

/// The `LGP_*` names in `text`: `LGP_` after a character that cannot be part of a name, then
/// upper-case letters, digits and underscores. With `quoted`, only whole string literals
/// (`"LGP_…"`).
fn variable_names(text: &str, quoted: bool) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    for (i, _) in text.match_indices("LGP_") {
        let before = text[..i].chars().next_back();
        if before.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_') {
            continue;
        }
        let len = text[i..]
            .find(|c: char| !(c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_'))
            .unwrap_or(text.len() - i);
        let after = text[i + len..].chars().next();
        // `LGP_*` (the family, in prose) is no variable.
        if len > "LGP_".len() && (!quoted || (before == Some('"') && after == Some('"'))) {
            names.insert(text[i..i + len].to_owned());
        }
    }
    names
}

/// Every `LGP_*` variable the code reads: the string literals `"LGP_…"` of host/ and sdk/
/// (clap's `env = "LGP_…"`, the constants, `std::env::var("LGP_…")`), tests' included.
fn code_variables() -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    for dir in ["host", "sdk"] {
        for file in rust_files(&root().join(dir)) {
            names.extend(variable_names(&read(&file), true));
        }
    }
    for known in [
        "LGP_LISTEN",
        "LGP_REDIS_URL",
        "LGP_MASTER_KEY",
        "LGP_JWT_SECRET",
    ] {
        assert!(names.contains(known), "the scan finds {known}: {names:?}");
    }
    names
}

/// The deployment files written by hand: the Dockerfile, the compose file, every Kubernetes file.
fn deploy_files() -> Vec<PathBuf> {
    fn walk(dir: &Path, files: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
            let path = entry.expect("a directory entry").path();
            if path.is_dir() {
                walk(&path, files);
            } else {
                files.push(path);
            }
        }
    }
    let mut files = vec![root().join("Dockerfile"), compose_file()];
    walk(&kubernetes_dir(), &mut files);
    files.sort();
    files
}

#[test]
fn deployments_set_only_variables_the_code_reads() {
    let code = code_variables();
    let mut unknown = BTreeMap::new();
    let mut set = BTreeSet::new();
    for file in deploy_files() {
        for name in variable_names(&read(&file), false) {
            if !code.contains(&name) {
                unknown.insert(name.clone(), file.display().to_string());
            }
            set.insert(name);
        }
    }
    assert!(
        unknown.is_empty(),
        "variables no code reads (a typo, or a setting that was removed): {unknown:?}"
    );
    for needed in ["LGP_LISTEN", "LGP_DATA_DIR", "LGP_REDIS_URL", "LGP_STORE"] {
        assert!(set.contains(needed), "the deployments set {needed}");
    }
}

#[test]
fn the_deploy_guide_lists_exactly_the_variables_the_code_reads() {
    let code = code_variables();
    let guide = read(&root().join("docs/deploy.md"));
    let missing: Vec<&String> = code
        .iter()
        .filter(|name| !guide.contains(&format!("`{name}`")))
        .collect();
    assert!(
        missing.is_empty(),
        "docs/deploy.md does not document {missing:?}: add them to its configuration reference"
    );
    let stale: Vec<String> = variable_names(&guide, false)
        .into_iter()
        .filter(|name| !code.contains(name))
        .collect();
    assert!(
        stale.is_empty(),
        "docs/deploy.md names variables no code reads: {stale:?}"
    );
}

#[test]
fn deploy_yaml_passes_yamllint() {
    let files: Vec<PathBuf> = deploy_files()
        .into_iter()
        .filter(|f| f.extension().is_some_and(|e| e == "yaml" || e == "yml"))
        .collect();
    assert!(files.len() >= 10, "the YAML files: {files:?}");
    // yamllint's default rules, warnings included, as for the AWS templates.
    if let Some(out) = run_tool(
        "yamllint",
        &["--strict", "-d", "{extends: default}"],
        &files,
    ) {
        assert!(
            out.status.success(),
            "yamllint:\n{}{}",
            text(&out.stdout),
            text(&out.stderr)
        );
    }
}
