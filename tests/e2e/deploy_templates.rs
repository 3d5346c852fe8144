//! The AWS CloudFormation templates of `deploy/aws/`, generated here so they cannot drift from
//! what they describe:
//!
//! - `scanner-role.yaml`, the tenant's read-only role: its policy names the IAM action behind
//!   every operation the built-in collectors' manifests request (read from the loaded plugins),
//!   and nothing that writes;
//! - `platform.yaml`: `deploy/dynamodb-tables.json`'s tables (generated from the DynamoDB store's
//!   definitions) with point-in-time recovery, encryption and deletion protection, and the bucket
//!   for plugins and reports, which the built-in S3 rules evaluate as the collector would see it.
//!
//! Each test compares its file with what it generates; `LGP_BLESS=1` rewrites the files first.
//! cfn-lint and yamllint validate the files when they are installed (tests/run.sh installs them).

use crate::support::ctx;
use lgp_model::{PluginKind, Status};
use lgp_runtime::{Runtime, RuntimeConfig, Trust};
use serde_json::{Map, Value, json};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

/// How to regenerate the templates, named in every drift failure.
const BLESS: &str = "LGP_BLESS=1 cargo nextest run -p lgp-e2e deploy_templates";

/// Operations the scan makes itself, outside any collector: region discovery
/// (`lgp_aws_api::discovery`). Its `sts:GetCallerIdentity` needs no permission.
const HOST_OPERATIONS: &[&str] = &["aws:ec2:DescribeRegions"];

/// S3's IAM actions, which often differ from the API operation they authorize (the Service
/// Authorization Reference, "Actions defined by Amazon S3"). Every S3 and S3 Control operation a
/// collector requests must be listed: a guessed name would be a policy that silently denies.
/// EC2 and IAM actions are named as their operations (`ec2:DescribeInstanceAttribute`).
const S3_ACTIONS: &[(&str, &str)] = &[
    ("aws:s3:ListBuckets", "s3:ListAllMyBuckets"),
    ("aws:s3:GetBucketLocation", "s3:GetBucketLocation"),
    ("aws:s3:GetBucketTagging", "s3:GetBucketTagging"),
    (
        "aws:s3:GetBucketEncryption",
        "s3:GetEncryptionConfiguration",
    ),
    ("aws:s3:GetBucketVersioning", "s3:GetBucketVersioning"),
    ("aws:s3:GetBucketLogging", "s3:GetBucketLogging"),
    (
        "aws:s3:GetPublicAccessBlock",
        "s3:GetBucketPublicAccessBlock",
    ),
    ("aws:s3:GetBucketPolicy", "s3:GetBucketPolicy"),
    ("aws:s3:GetBucketPolicyStatus", "s3:GetBucketPolicyStatus"),
    ("aws:s3:GetBucketAcl", "s3:GetBucketAcl"),
    (
        "aws:s3:GetBucketOwnershipControls",
        "s3:GetBucketOwnershipControls",
    ),
    (
        "aws:s3:GetBucketLifecycleConfiguration",
        "s3:GetLifecycleConfiguration",
    ),
    (
        "aws:s3:GetBucketReplication",
        "s3:GetReplicationConfiguration",
    ),
    (
        "aws:s3:GetObjectLockConfiguration",
        "s3:GetBucketObjectLockConfiguration",
    ),
    (
        "aws:s3:GetBucketNotificationConfiguration",
        "s3:GetBucketNotification",
    ),
    (
        "aws:s3control:GetPublicAccessBlock",
        "s3:GetAccountPublicAccessBlock",
    ),
];

/// The IAM action that authorizes `capability` (`aws:<service>:<Operation>`).
fn iam_action(capability: &str) -> String {
    let mut parts = capability.splitn(3, ':');
    let (Some("aws"), Some(service), Some(operation)) = (parts.next(), parts.next(), parts.next())
    else {
        panic!("`{capability}` is not an aws:<service>:<Operation> capability");
    };
    match service {
        "ec2" | "iam" => format!("{service}:{operation}"),
        "s3" | "s3control" => S3_ACTIONS
            .iter()
            .find(|(c, _)| *c == capability)
            .map(|(_, action)| (*action).to_owned())
            .unwrap_or_else(|| {
                panic!(
                    "`{capability}`: add its IAM action to S3_ACTIONS in {}",
                    file!()
                )
            }),
        _ => panic!(
            "`{capability}`: add how service {service} names its IAM actions to iam_action in {}",
            file!()
        ),
    }
}

/// Whether `action` only reads. An allow-list of prefixes rather than a deny-list of verbs, so a
/// new verb is refused until someone looks at it; `iam:GenerateCredentialReport` only asks IAM
/// to assemble the report `GetCredentialReport` then reads.
fn is_read_only(action: &str) -> bool {
    let Some((_, name)) = action.split_once(':') else {
        return false;
    };
    !action.contains('*')
        && (["Describe", "Get", "List"]
            .iter()
            .any(|p| name.starts_with(p))
            || action == "iam:GenerateCredentialReport")
}

/// The IAM actions behind every operation the built-in collectors request, and the scan's own.
async fn collector_actions() -> BTreeSet<String> {
    let runtime = Runtime::new(RuntimeConfig::default(), None).expect("runtime starts");
    let mut capabilities: BTreeSet<String> =
        HOST_OPERATIONS.iter().map(|&c| c.to_owned()).collect();
    let mut collectors = 0;
    for builtin in lgp_builtins::BUILTINS {
        let plugin = runtime
            .load(builtin.name, builtin.wasm, Trust::Trusted)
            .await
            .unwrap_or_else(|e| panic!("built-in {} loads: {e:#}", builtin.name));
        if plugin.kind() == PluginKind::Collector {
            collectors += 1;
            capabilities.extend(
                plugin
                    .info()
                    .capabilities
                    .iter()
                    .filter(|c| c.starts_with("aws:"))
                    .cloned(),
            );
        }
    }
    assert!(
        collectors >= 3,
        "the built-in collectors load ({collectors})"
    );
    capabilities.iter().map(|c| iam_action(c)).collect()
}

/// The tenant's scanner role.
fn scanner_role(actions: &BTreeSet<String>) -> Value {
    json!({
        "AWSTemplateFormatVersion": "2010-09-09",
        "Description": "LG-Protect scanner role: lets the LG-Protect platform read this account's configuration, read-only, from the platform's account and with the external id you agreed on.",
        "Parameters": {
            "PlatformAccountId": {
                "Type": "String",
                "AllowedPattern": "^[0-9]{12}$",
                "ConstraintDescription": "a 12-digit AWS account id",
                "Description": "The AWS account LG-Protect runs in (your LG-Protect operator gives it).",
            },
            "ExternalId": {
                "Type": "String",
                "NoEcho": true,
                // Long enough that it cannot be guessed: the external id is what stops another
                // customer of the same platform from having it scan this account (confused deputy).
                "MinLength": 16,
                "MaxLength": 1224,
                "AllowedPattern": "^[A-Za-z0-9+=,.@:/_-]+$",
                "ConstraintDescription": "16 to 1224 characters of A-Z a-z 0-9 + = , . @ : / _ -",
                "Description": "The external id LG-Protect presents when it assumes the role (lgp scan --external-id): unique to this tenant, at least 16 characters.",
            },
            "RoleName": {
                "Type": "String",
                "Default": "LGProtectScanner",
                "Description": "The role's name.",
            },
            "Permissions": {
                "Type": "String",
                "AllowedValues": ["least-privilege", "security-audit"],
                "Default": "least-privilege",
                "Description": "least-privilege: an inline policy naming exactly the read operations LG-Protect's collectors call. security-audit: the AWS managed SecurityAudit policy instead (broader, kept current by AWS).",
            },
        },
        "Conditions": {
            "UseSecurityAudit": { "Fn::Equals": [{ "Ref": "Permissions" }, "security-audit"] },
        },
        "Resources": {
            "ScannerRole": {
                "Type": "AWS::IAM::Role",
                "Properties": {
                    "RoleName": { "Ref": "RoleName" },
                    "Description": "LG-Protect read-only scanner",
                    "MaxSessionDuration": 3600,
                    "AssumeRolePolicyDocument": {
                        "Version": "2012-10-17",
                        "Statement": [{
                            "Sid": "LgProtectPlatform",
                            "Effect": "Allow",
                            "Principal": {
                                "AWS": { "Fn::Sub": "arn:${AWS::Partition}:iam::${PlatformAccountId}:root" },
                            },
                            "Action": "sts:AssumeRole",
                            "Condition": {
                                "StringEquals": { "sts:ExternalId": { "Ref": "ExternalId" } },
                            },
                        }],
                    },
                    "ManagedPolicyArns": {
                        "Fn::If": [
                            "UseSecurityAudit",
                            [{ "Fn::Sub": "arn:${AWS::Partition}:iam::aws:policy/SecurityAudit" }],
                            { "Ref": "AWS::NoValue" },
                        ],
                    },
                    "Policies": {
                        "Fn::If": [
                            "UseSecurityAudit",
                            { "Ref": "AWS::NoValue" },
                            [{
                                "PolicyName": "lg-protect-read-only",
                                "PolicyDocument": {
                                    "Version": "2012-10-17",
                                    "Statement": [{
                                        "Sid": "CollectorReads",
                                        "Effect": "Allow",
                                        "Action": actions,
                                        "Resource": "*",
                                    }],
                                },
                            }],
                        ],
                    },
                    "Tags": [{ "Key": "lg-protect:purpose", "Value": "scanner" }],
                },
            },
        },
        "Outputs": {
            "RoleArn": {
                "Description": "The role to give LG-Protect: lgp scan --role-arn <this> --external-id <ExternalId>.",
                "Value": { "Fn::GetAtt": ["ScannerRole", "Arn"] },
            },
        },
    })
}

/// `deploy/dynamodb-tables.json`, the DynamoDB store's own tables.
fn store_tables() -> Value {
    let path = deploy_dir().join("dynamodb-tables.json");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).expect("dynamodb-tables.json is JSON")
}

/// The platform's tables, key and bucket.
fn platform() -> Value {
    let store = store_tables();
    let mut resources = Map::new();
    let tables = store["Resources"]
        .as_object()
        .expect("the store's resources");
    for (logical, table) in tables {
        let mut table = table.clone();
        let properties = table["Properties"]
            .as_object_mut()
            .expect("a table has properties");
        properties.insert(
            "PointInTimeRecoverySpecification".into(),
            json!({ "PointInTimeRecoveryEnabled": true }),
        );
        // The AWS managed key aws/dynamodb: the platform's own role reads the tables, and a
        // customer managed key would add a key grant to every replica's role for no reader less.
        properties.insert("SSESpecification".into(), json!({ "SSEEnabled": true }));
        properties.insert("DeletionProtectionEnabled".into(), json!(true));
        table["DeletionPolicy"] = json!("Retain");
        table["UpdateReplacePolicy"] = json!("Retain");
        resources.insert(logical.clone(), table);
    }
    let bucket_arn = json!({ "Fn::GetAtt": ["ArtifactsBucket", "Arn"] });
    let extra = json!({
        "DataKey": {
            "Type": "AWS::KMS::Key",
            "DeletionPolicy": "Retain",
            "UpdateReplacePolicy": "Retain",
            "Properties": {
                "Description": "LG-Protect: encrypts the plugins and reports bucket",
                "EnableKeyRotation": true,
                "KeyPolicy": {
                    "Version": "2012-10-17",
                    "Statement": [{
                        "Sid": "AccountIamPoliciesGrantUse",
                        "Effect": "Allow",
                        "Principal": { "AWS": { "Fn::Sub": "arn:${AWS::Partition}:iam::${AWS::AccountId}:root" } },
                        "Action": "kms:*",
                        "Resource": "*",
                    }],
                },
            },
        },
        "DataKeyAlias": {
            "Type": "AWS::KMS::Alias",
            "Properties": {
                "AliasName": { "Fn::Sub": "alias/${TablePrefix}-data" },
                "TargetKeyId": { "Ref": "DataKey" },
            },
        },
        "ArtifactsBucket": {
            "Type": "AWS::S3::Bucket",
            "DeletionPolicy": "Retain",
            "UpdateReplacePolicy": "Retain",
            "Properties": {
                "BucketEncryption": {
                    "ServerSideEncryptionConfiguration": [{
                        "ServerSideEncryptionByDefault": {
                            "SSEAlgorithm": "aws:kms",
                            "KMSMasterKeyID": { "Fn::GetAtt": ["DataKey", "Arn"] },
                        },
                        "BucketKeyEnabled": true,
                    }],
                },
                "PublicAccessBlockConfiguration": {
                    "BlockPublicAcls": true,
                    "IgnorePublicAcls": true,
                    "BlockPublicPolicy": true,
                    "RestrictPublicBuckets": true,
                },
                "OwnershipControls": { "Rules": [{ "ObjectOwnership": "BucketOwnerEnforced" }] },
                "VersioningConfiguration": { "Status": "Enabled" },
                // Without a default retention, only objects given one are locked.
                "ObjectLockEnabled": true,
                "LifecycleConfiguration": {
                    "Rules": [{
                        "Id": "noncurrent-versions",
                        "Status": "Enabled",
                        "NoncurrentVersionExpiration": { "NoncurrentDays": { "Ref": "NoncurrentVersionDays" } },
                        "AbortIncompleteMultipartUpload": { "DaysAfterInitiation": 7 },
                        "ExpiredObjectDeleteMarker": true,
                    }],
                },
                "LoggingConfiguration": {
                    "Fn::If": [
                        "HasAccessLogsBucket",
                        {
                            "DestinationBucketName": { "Ref": "AccessLogsBucket" },
                            "LogFilePrefix": { "Fn::Sub": "${TablePrefix}-artifacts/" },
                        },
                        { "Ref": "AWS::NoValue" },
                    ],
                },
                "NotificationConfiguration": {
                    "EventBridgeConfiguration": { "EventBridgeEnabled": true },
                },
                "Tags": [{ "Key": "lg-protect:purpose", "Value": "plugins-and-reports" }],
            },
        },
        "ArtifactsBucketPolicy": {
            "Type": "AWS::S3::BucketPolicy",
            "Properties": {
                "Bucket": { "Ref": "ArtifactsBucket" },
                "PolicyDocument": {
                    "Version": "2012-10-17",
                    "Statement": [{
                        "Sid": "DenyInsecureTransport",
                        "Effect": "Deny",
                        "Principal": "*",
                        "Action": "s3:*",
                        "Resource": [bucket_arn, { "Fn::Sub": "${ArtifactsBucket.Arn}/*" }],
                        "Condition": { "Bool": { "aws:SecureTransport": "false" } },
                    }],
                },
            },
        },
    });
    resources.extend(extra.as_object().expect("resources").clone());
    let mut parameters = store["Parameters"]
        .as_object()
        .expect("the store's parameters")
        .clone();
    parameters.extend(
        json!({
            "NoncurrentVersionDays": {
                "Type": "Number",
                "Default": 90,
                "MinValue": 1,
                "Description": "Days a replaced or deleted plugin or report stays recoverable in the bucket.",
            },
            "AccessLogsBucket": {
                "Type": "String",
                "Default": "",
                "Description": "An existing bucket for the bucket's S3 server access logs (empty: no access logging).",
            },
        })
        .as_object()
        .expect("parameters")
        .clone(),
    );
    json!({
        "AWSTemplateFormatVersion": "2010-09-09",
        "Description": "LG-Protect platform: the DynamoDB tables (deploy/dynamodb-tables.json's, with point-in-time recovery, encryption and deletion protection) and the encrypted, private, TLS-only bucket for plugins and reports.",
        "Parameters": parameters,
        "Conditions": {
            "HasAccessLogsBucket": { "Fn::Not": [{ "Fn::Equals": [{ "Ref": "AccessLogsBucket" }, ""] }] },
        },
        "Resources": resources,
        "Outputs": {
            "TablePrefix": {
                "Description": "LGP_TABLE_PREFIX for lgp (with LGP_STORE=dynamodb).",
                "Value": { "Ref": "TablePrefix" },
            },
            "ArtifactsBucketName": {
                "Description": "The bucket for plugins and reports.",
                "Value": { "Ref": "ArtifactsBucket" },
            },
            "DataKeyArn": {
                "Description": "The KMS key encrypting the bucket.",
                "Value": { "Fn::GetAtt": ["DataKey", "Arn"] },
            },
        },
    })
}

fn deploy_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../deploy")
}

/// Where a key goes in a template: CloudFormation's customary order, then alphabetical.
fn key_rank(key: &str) -> usize {
    const ORDER: &[&str] = &[
        "AWSTemplateFormatVersion",
        "Description",
        "Parameters",
        "Conditions",
        "Resources",
        "Outputs",
        "Type",
        "DeletionPolicy",
        "UpdateReplacePolicy",
        "Properties",
        "Version",
        "Sid",
        "Effect",
        "Principal",
        "Action",
    ];
    ORDER.iter().position(|k| *k == key).unwrap_or(ORDER.len())
}

/// The width yamllint's default configuration allows.
const LINE_WIDTH: usize = 80;

/// A scalar as YAML: plain when YAML reads it back as the same string, JSON-quoted otherwise
/// (a JSON string is a valid YAML double-quoted scalar).
fn yaml_scalar(value: &Value) -> String {
    let Value::String(s) = value else {
        return value.to_string();
    };
    let plain = s.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || " _-.:/${}()<>,@=+'".contains(c))
        && !s.contains(": ")
        && !s.ends_with([':', ' '])
        && !["true", "false", "yes", "no", "on", "off", "null", "y", "n"]
            .contains(&s.to_ascii_lowercase().as_str());
    if plain { s.clone() } else { value.to_string() }
}

/// What follows a key's colon or an item's dash for a value that is not a non-empty collection:
/// ` scalar` on the line, or a folded block (`>-`, lines joined by spaces) for prose too wide
/// for `LINE_WIDTH` at `indent` (where the block's lines go).
fn inline_value(value: &Value, indent: usize, used: usize) -> String {
    let text = match value {
        Value::Object(_) => "{}".to_owned(),
        Value::Array(_) => "[]".to_owned(),
        _ => yaml_scalar(value),
    };
    let foldable = value.as_str().is_some_and(|s| {
        s.contains(' ') && !s.contains("  ") && !s.contains('\n') && s.trim() == s
    });
    if used + 1 + text.len() <= LINE_WIDTH || !foldable {
        return format!(" {text}\n");
    }
    let pad = " ".repeat(indent);
    let mut out = " >-\n".to_owned();
    let mut line = String::new();
    for word in value.as_str().unwrap_or_default().split(' ') {
        if !line.is_empty() && indent + line.len() + 1 + word.len() > LINE_WIDTH {
            out.push_str(&format!("{pad}{line}\n"));
            line.clear();
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    out.push_str(&format!("{pad}{line}\n"));
    out
}

fn is_collection(value: &Value) -> bool {
    match value {
        Value::Object(m) => !m.is_empty(),
        Value::Array(a) => !a.is_empty(),
        _ => false,
    }
}

/// `value` as block-style YAML, every line indented by `indent` spaces.
fn write_yaml(value: &Value, indent: usize, out: &mut String) {
    let pad = " ".repeat(indent);
    match value {
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort_by_key(|k| (key_rank(k), k.as_str()));
            for key in keys {
                let item = &map[key.as_str()];
                let key = yaml_scalar(&Value::String(key.clone()));
                if is_collection(item) {
                    out.push_str(&format!("{pad}{key}:\n"));
                    write_yaml(item, indent + 2, out);
                } else {
                    let head = format!("{pad}{key}:");
                    let rest = inline_value(item, indent + 2, head.len());
                    out.push_str(&head);
                    out.push_str(&rest);
                }
            }
        }
        Value::Array(items) => {
            for item in items {
                if is_collection(item) {
                    // The item's first line goes after the dash.
                    let mut nested = String::new();
                    write_yaml(item, indent + 2, &mut nested);
                    out.push_str(&format!("{pad}- {}", &nested[indent + 2..]));
                } else {
                    let head = format!("{pad}-");
                    let rest = inline_value(item, indent + 2, head.len());
                    out.push_str(&head);
                    out.push_str(&rest);
                }
            }
        }
        _ => out.push_str(&format!("{pad}{}\n", yaml_scalar(value))),
    }
}

/// The file's text: a header saying where it comes from, then the template.
fn render(template: &Value, about: &str) -> String {
    let mut out = format!(
        "# {about}\n# Generated by tests/e2e/deploy_templates.rs: do not edit; regenerate with\n# {BLESS}\n---\n"
    );
    write_yaml(template, 0, &mut out);
    out
}

/// Compares `deploy/aws/<name>` with `template` (writing it first under `LGP_BLESS`).
fn assert_file(name: &str, template: &Value, about: &str) {
    let path = deploy_dir().join("aws").join(name);
    let expected = render(template, about);
    if std::env::var_os("LGP_BLESS").is_some() {
        std::fs::write(&path, &expected).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    }
    let actual = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        actual == expected,
        "{} is not what its generator makes; regenerate it with `{BLESS}`",
        path.display()
    );
    assert_reads_back(&path, template);
}

/// Checks that `path` reads back as `template` (with PyYAML, which cfn-lint brings): the YAML
/// writer above loses nothing.
fn assert_reads_back(path: &Path, template: &Value) {
    let python = |code: &str| {
        Command::new("python3")
            .args(["-c", code])
            .arg(path)
            .output()
    };
    match python("import yaml") {
        Ok(out) if out.status.success() => {}
        Ok(out) => {
            let why = String::from_utf8_lossy(&out.stderr);
            return println!(
                "SKIPPED reading the template back: no PyYAML ({})",
                why.trim()
            );
        }
        Err(err) => return println!("SKIPPED reading the template back: no python3 ({err})"),
    }
    let out =
        python("import json, sys, yaml; json.dump(yaml.safe_load(open(sys.argv[1])), sys.stdout)")
            .expect("python3 runs");
    assert!(
        out.status.success(),
        "{} is not YAML: {}",
        path.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    let read: Value = serde_json::from_slice(&out.stdout).expect("python prints JSON");
    assert!(
        &read == template,
        "{} does not read back as its template",
        path.display()
    );
}

const SCANNER_ABOUT: &str = "LG-Protect's scanner role, for tenant accounts (docs/deploy.md).";
const PLATFORM_ABOUT: &str =
    "LG-Protect's platform: tables, plugins and reports bucket (docs/deploy.md).";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scanner_role_grants_exactly_the_collectors_reads() {
    let actions = collector_actions().await;
    for must in [
        "s3:GetBucketPolicy",
        "s3:ListAllMyBuckets",
        "s3:GetAccountPublicAccessBlock",
        "ec2:DescribeInstanceAttribute",
        "ec2:DescribeRegions",
        "iam:GetAccountAuthorizationDetails",
    ] {
        assert!(actions.contains(must), "{must} is among {actions:?}");
    }
    let writes: Vec<_> = actions.iter().filter(|a| !is_read_only(a)).collect();
    assert!(writes.is_empty(), "actions that are not reads: {writes:?}");

    let template = scanner_role(&actions);
    assert_file("scanner-role.yaml", &template, SCANNER_ABOUT);

    let role = &template["Resources"]["ScannerRole"]["Properties"];
    let inline = &role["Policies"]["Fn::If"][2][0]["PolicyDocument"]["Statement"];
    let granted: BTreeSet<String> = inline
        .as_array()
        .expect("statements")
        .iter()
        .inspect(|s| assert_eq!(s["Effect"], "Allow"))
        .flat_map(|s| s["Action"].as_array().expect("an action list").iter())
        .map(|a| a.as_str().expect("an action").to_owned())
        .collect();
    assert_eq!(granted, actions);
    let trust = &role["AssumeRolePolicyDocument"]["Statement"][0];
    assert_eq!(
        trust["Condition"]["StringEquals"]["sts:ExternalId"],
        json!({ "Ref": "ExternalId" })
    );
    assert_eq!(template["Parameters"]["ExternalId"]["NoEcho"], true);
}

#[test]
fn only_reads_count_as_read_only() {
    for read in ["ec2:DescribeInstances", "s3:GetBucketAcl", "iam:ListUsers"] {
        assert!(is_read_only(read), "{read}");
    }
    for write in [
        "s3:PutBucketPolicy",
        "ec2:RunInstances",
        "iam:CreateAccessKey",
        "iam:GenerateServiceLastAccessedDetails",
        "s3:Get*",
        "*",
        "DescribeInstances",
    ] {
        assert!(!is_read_only(write), "{write}");
    }
}

#[test]
fn platform_tables_are_the_stores_with_recovery_and_encryption() {
    let template = platform();
    assert_file("platform.yaml", &template, PLATFORM_ABOUT);
    let store = store_tables();
    let tables = store["Resources"].as_object().expect("the store's tables");
    assert!(tables.len() >= 11, "the store's tables: {}", tables.len());
    for (logical, table) in tables {
        let deployed = &template["Resources"][logical.as_str()];
        let mut properties = deployed["Properties"].clone();
        let extras = properties.as_object_mut().expect("properties");
        let recovery = extras.remove("PointInTimeRecoverySpecification");
        let sse = extras.remove("SSESpecification");
        let protection = extras.remove("DeletionProtectionEnabled");
        assert_eq!(
            properties, table["Properties"],
            "{logical}: the store's definition"
        );
        assert_eq!(
            recovery,
            Some(json!({ "PointInTimeRecoveryEnabled": true })),
            "{logical}"
        );
        assert_eq!(sse, Some(json!({ "SSEEnabled": true })), "{logical}");
        assert_eq!(protection, Some(json!(true)), "{logical}");
        assert_eq!(
            deployed["Properties"]["BillingMode"], "PAY_PER_REQUEST",
            "{logical}"
        );
    }
    assert_eq!(
        template["Resources"]["EventsTable"]["Properties"]["TimeToLiveSpecification"],
        json!({ "AttributeName": "expires_at", "Enabled": true })
    );
}

/// The template's values as deployed in a test account: parameters, pseudo parameters and the
/// resources' `Ref`s and attributes.
struct Deployment {
    values: BTreeMap<&'static str, String>,
    conditions: BTreeMap<&'static str, bool>,
}

const ACCOUNT: &str = "111122223333";
const BUCKET: &str = "lg-protect-artifacts-1a2b3c";

impl Deployment {
    fn new(access_logs_bucket: &str) -> Self {
        let values = BTreeMap::from([
            ("AWS::Partition", "aws".to_owned()),
            ("AWS::AccountId", ACCOUNT.to_owned()),
            ("TablePrefix", "lg-protect".to_owned()),
            ("NoncurrentVersionDays", "90".to_owned()),
            ("AccessLogsBucket", access_logs_bucket.to_owned()),
            ("ArtifactsBucket", BUCKET.to_owned()),
            ("ArtifactsBucket.Arn", format!("arn:aws:s3:::{BUCKET}")),
            ("DataKey", "0a1b2c3d-0000-4000-8000-0123456789ab".to_owned()),
            (
                "DataKey.Arn",
                format!("arn:aws:kms:us-east-1:{ACCOUNT}:key/0a1b2c3d-0000-4000-8000-0123456789ab"),
            ),
        ]);
        let conditions = BTreeMap::from([("HasAccessLogsBucket", !access_logs_bucket.is_empty())]);
        Deployment { values, conditions }
    }

    fn lookup(&self, name: &str) -> String {
        self.values
            .get(name)
            .unwrap_or_else(|| panic!("no value for {name} in the test deployment"))
            .clone()
    }

    /// `value` with its intrinsic functions evaluated; `None` for `AWS::NoValue`.
    fn resolve(&self, value: &Value) -> Option<Value> {
        match value {
            Value::Object(map) if map.len() == 1 => {
                let (function, argument) = map.iter().next().expect("one entry");
                match function.as_str() {
                    "Ref" if argument == "AWS::NoValue" => None,
                    "Ref" => Some(json!(self.lookup(argument.as_str().expect("a name")))),
                    "Fn::GetAtt" => {
                        let parts = argument.as_array().expect("[resource, attribute]");
                        let name = format!(
                            "{}.{}",
                            parts[0].as_str().expect("a resource"),
                            parts[1].as_str().expect("an attribute")
                        );
                        Some(json!(self.lookup(&name)))
                    }
                    "Fn::Sub" => {
                        let mut text = argument.as_str().expect("Fn::Sub's string form").to_owned();
                        for (name, value) in &self.values {
                            text = text.replace(&format!("${{{name}}}"), value);
                        }
                        assert!(!text.contains("${"), "unresolved Fn::Sub: {text}");
                        Some(json!(text))
                    }
                    "Fn::If" => {
                        let parts = argument.as_array().expect("[condition, then, else]");
                        let condition = parts[0].as_str().expect("a condition name");
                        let holds = *self
                            .conditions
                            .get(condition)
                            .unwrap_or_else(|| panic!("no condition {condition}"));
                        self.resolve(&parts[if holds { 1 } else { 2 }])
                    }
                    _ => Some(Value::Object(self.resolve_map(map))),
                }
            }
            Value::Object(map) => Some(Value::Object(self.resolve_map(map))),
            Value::Array(items) => Some(Value::Array(
                items.iter().filter_map(|i| self.resolve(i)).collect(),
            )),
            other => Some(other.clone()),
        }
    }

    fn resolve_map(&self, map: &Map<String, Value>) -> Map<String, Value> {
        map.iter()
            .filter_map(|(k, v)| self.resolve(v).map(|v| (k.clone(), v)))
            .collect()
    }
}

/// The bucket as the S3 collector would submit it (an `aws:s3:bucket` resource), rendered from
/// the template. Read from the template: encryption, public_access_block, ownership, versioning,
/// logging, lifecycle, object_lock, notifications, policy, replication (absent). Derived from
/// what S3 does with them: acl (BucketOwnerEnforced leaves only the owner's FULL_CONTROL grant),
/// policy_status (public only with an Allow to every principal), mfa_delete (CloudFormation
/// cannot set it). Out of the template: account_public_access_block (account-wide).
fn bucket_resource(deployment: &Deployment) -> Value {
    let template = deployment.resolve(&platform()).expect("the template");
    let bucket = &template["Resources"]["ArtifactsBucket"]["Properties"];
    let policy = &template["Resources"]["ArtifactsBucketPolicy"]["Properties"];
    assert_eq!(policy["Bucket"], BUCKET, "the policy is the bucket's");
    let policy = policy["PolicyDocument"].clone();

    let sse = &bucket["BucketEncryption"]["ServerSideEncryptionConfiguration"][0];
    let block = &bucket["PublicAccessBlockConfiguration"];
    let ownership = bucket["OwnershipControls"]["Rules"][0]["ObjectOwnership"].clone();
    assert_eq!(ownership, "BucketOwnerEnforced", "ACLs are disabled");
    let owner = "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be";
    let logging = &bucket["LoggingConfiguration"];
    let rules: Vec<Value> = bucket["LifecycleConfiguration"]["Rules"]
        .as_array()
        .expect("lifecycle rules")
        .iter()
        .map(|r| {
            json!({
                "id": r["Id"],
                "status": r["Status"],
                "has_expiration": r.get("ExpirationInDays").is_some() || r.get("ExpirationDate").is_some(),
                "has_transitions": r.get("Transitions").is_some(),
                "has_noncurrent_version_expiration": r.get("NoncurrentVersionExpiration").is_some(),
                "has_abort_incomplete_multipart_upload": r.get("AbortIncompleteMultipartUpload").is_some(),
            })
        })
        .collect();
    assert!(bucket.get("ReplicationConfiguration").is_none());
    let is_public = policy["Statement"]
        .as_array()
        .expect("statements")
        .iter()
        .any(|s| s["Effect"] == "Allow" && (s["Principal"] == "*" || s["Principal"]["AWS"] == "*"));
    json!({
        "arn": format!("arn:aws:s3:::{BUCKET}"),
        "kind": "aws:s3:bucket",
        "account": ACCOUNT,
        "region": "us-east-1",
        "name": BUCKET,
        "tags": {},
        "properties": {
            "creation_date": "2026-01-01T00:00:00Z",
            "region": "us-east-1",
            "encryption": {
                "status": "enabled",
                "algorithm": sse["ServerSideEncryptionByDefault"]["SSEAlgorithm"],
                "kms_key_id": sse["ServerSideEncryptionByDefault"]["KMSMasterKeyID"],
                "bucket_key_enabled": sse["BucketKeyEnabled"],
            },
            "public_access_block": {
                "block_public_acls": block["BlockPublicAcls"],
                "ignore_public_acls": block["IgnorePublicAcls"],
                "block_public_policy": block["BlockPublicPolicy"],
                "restrict_public_buckets": block["RestrictPublicBuckets"],
            },
            "account_public_access_block": null,
            "policy": policy,
            "policy_status": { "is_public": is_public },
            "acl": {
                "owner_id": owner,
                "grants": [{
                    "grantee_type": "CanonicalUser",
                    "grantee_id": owner,
                    "grantee_uri": null,
                    "permission": "FULL_CONTROL",
                }],
            },
            "ownership": ownership,
            "versioning": {
                "status": bucket["VersioningConfiguration"]["Status"].as_str().expect("a status").to_lowercase(),
                "mfa_delete": false,
            },
            "logging": {
                "enabled": logging.is_object(),
                "target_bucket": logging["DestinationBucketName"],
                "target_prefix": logging["LogFilePrefix"],
            },
            "lifecycle": { "rules": rules },
            "replication": null,
            "object_lock": (bucket["ObjectLockEnabled"] == true)
                .then(|| json!({ "enabled": true, "mode": null, "days": null, "years": null })),
            "notifications": {
                "topics": [],
                "queues": [],
                "lambda_functions": [],
                "event_bridge": bucket["NotificationConfiguration"]["EventBridgeConfiguration"]["EventBridgeEnabled"],
            },
            "errors": {},
        },
    })
}

/// The built-in S3 rules' findings on the bucket that `access_logs_bucket` deploys: the check
/// ids that do not pass.
async fn failing_s3_checks(access_logs_bucket: &str) -> BTreeSet<String> {
    let resource = bucket_resource(&Deployment::new(access_logs_bucket));
    let resources =
        lgp_model::parse_resources(&json!([resource]).to_string()).expect("a valid resource");
    let builtin = lgp_builtins::find("rules-s3").expect("rules-s3 is a built-in plugin");
    let runtime = Runtime::new(RuntimeConfig::default(), None).expect("runtime starts");
    let plugin = runtime
        .load(builtin.name, builtin.wasm, Trust::Trusted)
        .await
        .expect("the built-in loads");
    let findings = plugin
        .evaluate(&ctx(), &resources)
        .await
        .expect("evaluates");
    assert!(findings.len() >= 15, "every bucket check ran: {findings:?}");
    for f in &findings {
        assert_ne!(
            f.status,
            Status::Error,
            "the rendered bucket is malformed: {f:?}"
        );
    }
    findings
        .iter()
        .filter(|f| f.status != Status::Pass)
        .map(|f| f.check_id.clone())
        .collect()
}

/// What the bucket deliberately does not do: only the root user, with its MFA device, can turn
/// on MFA delete (CloudFormation cannot), and replication needs a second bucket in another
/// region, the operator's choice.
const S3_GAPS: &[&str] = &[
    "s3_bucket_mfa_delete_enabled",
    "s3_bucket_cross_region_replication",
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn platform_bucket_passes_the_builtin_s3_rules() {
    let gaps: BTreeSet<String> = S3_GAPS.iter().map(|&g| g.to_owned()).collect();
    let with_logs = failing_s3_checks("acme-central-logs").await;
    assert_eq!(with_logs, gaps, "checks that do not pass");
    // Access logging needs a log bucket the operator names (AccessLogsBucket).
    let mut without_logs = gaps;
    without_logs.insert("s3_bucket_server_access_logging_enabled".into());
    assert_eq!(failing_s3_checks("").await, without_logs);
}

/// Runs `program args… <files>` if it is installed; `None` (after saying SKIPPED) if not.
fn run_linter(program: &str, args: &[&str], files: &[PathBuf]) -> Option<std::process::Output> {
    match Command::new(program).args(args).args(files).output() {
        Ok(output) => Some(output),
        Err(err) => {
            println!(
                "SKIPPED {program}: cannot run it ({err}); tests/run.sh installs it from PyPI"
            );
            None
        }
    }
}

#[test]
fn templates_pass_cfn_lint_and_yamllint() {
    let files: Vec<PathBuf> = ["scanner-role.yaml", "platform.yaml"]
        .iter()
        .map(|f| deploy_dir().join("aws").join(f))
        .collect();
    if let Some(out) = run_linter("cfn-lint", &["--format", "parseable"], &files) {
        let report = String::from_utf8_lossy(&out.stdout);
        // cfn-lint's exit code is a bit set: 2 errors, 4 warnings, 8 informational.
        let code = out.status.code().unwrap_or(1);
        assert!(
            code & !(4 | 8) == 0,
            "cfn-lint found errors (exit {code}):\n{report}{}",
            String::from_utf8_lossy(&out.stderr)
        );
        if !report.is_empty() {
            println!("cfn-lint warnings:\n{report}");
        }
    }
    if let Some(out) = run_linter(
        "yamllint",
        &["--strict", "-d", "{extends: default}"],
        &files,
    ) {
        assert!(
            out.status.success(),
            "yamllint:\n{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
}
