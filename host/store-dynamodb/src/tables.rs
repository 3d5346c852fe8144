//! The tables: one definition, from which [`create_tables`] creates them and
//! [`cloudformation_template`] writes `deploy/dynamodb-tables.json` (a test checks the file is
//! what the definitions make, so the two cannot drift).
//!
//! Every key attribute is a string. Every table's partition key is `tenant_id` or starts with
//! it (`tenant|…`), except the tenant listing's index, which is platform-wide by design.

use crate::codec::{backend, sdk_error};
use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::types::{
    AttributeDefinition, BillingMode, GlobalSecondaryIndex, KeySchemaElement, KeyType, Projection,
    ProjectionType, ScalarAttributeType, TableStatus, TimeToLiveSpecification,
};
use lgp_store::StoreError;
use serde_json::{Value, json};
use std::time::Duration;

/// A table: its name after the prefix, keys, indexes, and TTL attribute.
#[derive(Debug)]
pub struct TableDef {
    /// The name after `<prefix>-`.
    pub suffix: &'static str,
    /// Partition key attribute.
    pub pk: &'static str,
    /// Sort key attribute.
    pub sk: Option<&'static str>,
    /// Global secondary indexes (every one projects all attributes).
    pub indexes: &'static [IndexDef],
    /// The attribute DynamoDB's time to live reads (epoch seconds), if any.
    pub ttl: Option<&'static str>,
}

/// A global secondary index.
#[derive(Debug)]
pub struct IndexDef {
    /// Index name.
    pub name: &'static str,
    /// Partition key attribute.
    pub pk: &'static str,
    /// Sort key attribute.
    pub sk: &'static str,
}

/// Tenants (`sk` = `tenant`) and their accounts (`sk` = `account|<id>`).
pub(crate) const TENANTS: TableDef = TableDef {
    suffix: "tenants",
    pk: "tenant_id",
    sk: Some("sk"),
    // Only tenant items carry `listing`: the platform-wide, ordered tenant listing.
    indexes: &[IndexDef {
        name: "by-listing",
        pk: "listing",
        sk: "tenant_id",
    }],
    ttl: None,
};

/// Scans with their counters.
pub(crate) const SCANS: TableDef = TableDef {
    suffix: "scans",
    pk: "tenant_id",
    sk: Some("scan_id"),
    // Only completed scans carry `completed_account` (`tenant|account`): the previous
    // completed scan of an account is one query.
    indexes: &[IndexDef {
        name: "completed-by-account",
        pk: "completed_account",
        sk: "scan_id",
    }],
    ttl: None,
};

/// The current inventory, with tombstones for removed resources.
pub(crate) const INVENTORY: TableDef = TableDef {
    suffix: "inventory",
    pk: "tenant_id",
    sk: Some("arn"),
    indexes: &[
        IndexDef {
            name: "by-kind",
            pk: "tenant_kind",
            sk: "arn",
        },
        IndexDef {
            name: "by-region",
            pk: "tenant_region",
            sk: "arn",
        },
    ],
    ttl: None,
};

/// Every resource version a scan recorded (`scan_arn` = `scan_id|arn`).
pub(crate) const VERSIONS: TableDef = TableDef {
    suffix: "inventory-versions",
    pk: "tenant_id",
    sk: Some("scan_arn"),
    indexes: &[],
    ttl: None,
};

/// Check results (the seed's `compliance` table).
pub(crate) const RESULTS: TableDef = TableDef {
    suffix: "compliance",
    pk: "tenant_id",
    sk: Some("result_id"),
    indexes: &[
        // The listing order, check then resource.
        IndexDef {
            name: "by-check",
            pk: "tenant_id",
            sk: "check_resource",
        },
        // Every result of a resource (retirement, the resource filter).
        IndexDef {
            name: "by-resource",
            pk: "tenant_id",
            sk: "resource_check",
        },
    ],
    ttl: None,
};

/// Alerts.
pub(crate) const ALERTS: TableDef = TableDef {
    suffix: "alerts",
    pk: "tenant_id",
    sk: Some("alert_id"),
    indexes: &[
        IndexDef {
            name: "by-update",
            pk: "tenant_id",
            sk: "updated_key",
        },
        IndexDef {
            name: "by-state",
            pk: "tenant_state",
            sk: "updated_key",
        },
    ],
    ttl: None,
};

/// The audit trail.
pub(crate) const EVENTS: TableDef = TableDef {
    suffix: "events",
    pk: "tenant_id",
    sk: Some("event_id"),
    // Only events of a scan carry `tenant_correlation`.
    indexes: &[IndexDef {
        name: "by-correlation",
        pk: "tenant_correlation",
        sk: "event_id",
    }],
    ttl: Some("expires_at"),
};

/// Plugin versions (`plugin_key` = JSON `[name, version]`).
pub(crate) const PLUGINS: TableDef = TableDef {
    suffix: "plugins",
    pk: "tenant_id",
    sk: Some("plugin_key"),
    indexes: &[],
    ttl: None,
};

/// Rendered reports (`report_key` = JSON `[scan_id, format]`).
pub(crate) const REPORTS: TableDef = TableDef {
    suffix: "reports",
    pk: "tenant_id",
    sk: Some("report_key"),
    indexes: &[],
    ttl: None,
};

/// Plugins' key/value state (`state_key` = `<plugin length>:<plugin>:<key>`).
pub(crate) const KV: TableDef = TableDef {
    suffix: "kv",
    pk: "tenant_id",
    sk: Some("state_key"),
    indexes: &[],
    ttl: None,
};

/// Chunks of values too large for one item (`chunk_key` = `<blob id>|<index>`).
pub(crate) const BLOBS: TableDef = TableDef {
    suffix: "blobs",
    pk: "tenant_id",
    sk: Some("chunk_key"),
    indexes: &[],
    ttl: None,
};

/// Every table, in creation order.
pub const TABLES: [&TableDef; 11] = [
    &TENANTS, &SCANS, &INVENTORY, &VERSIONS, &RESULTS, &ALERTS, &EVENTS, &PLUGINS, &REPORTS, &KV,
    &BLOBS,
];

/// The table names of one prefix.
#[derive(Debug, Clone)]
pub(crate) struct Names {
    prefix: String,
}

impl Names {
    pub(crate) fn new(prefix: &str) -> Self {
        Names {
            prefix: prefix.to_owned(),
        }
    }

    /// The full name of `table`.
    pub(crate) fn of(&self, table: &TableDef) -> String {
        format!("{}-{}", self.prefix, table.suffix)
    }
}

/// How long [`create_tables`] waits for a table to become ACTIVE: DynamoDB takes seconds to a
/// minute for a table with indexes; five minutes means something is wrong.
const ACTIVE_TIMEOUT: Duration = Duration::from_secs(300);

fn key_attributes(def: &TableDef) -> Vec<&'static str> {
    let mut attrs = vec![def.pk];
    attrs.extend(def.sk);
    for index in def.indexes {
        attrs.extend([index.pk, index.sk]);
    }
    let mut seen = Vec::new();
    attrs.retain(|a| {
        let new = !seen.contains(a);
        seen.push(*a);
        new
    });
    attrs
}

fn key_schema(
    pk: &str,
    sk: Option<&str>,
) -> Result<Vec<KeySchemaElement>, aws_sdk_dynamodb::error::BuildError> {
    let mut schema = vec![
        KeySchemaElement::builder()
            .attribute_name(pk)
            .key_type(KeyType::Hash)
            .build()?,
    ];
    if let Some(sk) = sk {
        schema.push(
            KeySchemaElement::builder()
                .attribute_name(sk)
                .key_type(KeyType::Range)
                .build()?,
        );
    }
    Ok(schema)
}

/// Creates every table of `names` that does not exist, waits until each is ACTIVE, and turns on
/// the events' time to live. Idempotent: existing tables are left as they are.
pub(crate) async fn create_tables(client: &Client, names: &Names) -> Result<(), StoreError> {
    const OP: &str = "create_tables";
    let build = |err: aws_sdk_dynamodb::error::BuildError| backend(OP, err.to_string());
    for def in TABLES {
        let name = names.of(def);
        let mut request = client
            .create_table()
            .table_name(&name)
            .billing_mode(BillingMode::PayPerRequest)
            .set_key_schema(Some(key_schema(def.pk, def.sk).map_err(build)?));
        for attr in key_attributes(def) {
            request = request.attribute_definitions(
                AttributeDefinition::builder()
                    .attribute_name(attr)
                    .attribute_type(ScalarAttributeType::S)
                    .build()
                    .map_err(build)?,
            );
        }
        for index in def.indexes {
            request = request.global_secondary_indexes(
                GlobalSecondaryIndex::builder()
                    .index_name(index.name)
                    .set_key_schema(Some(key_schema(index.pk, Some(index.sk)).map_err(build)?))
                    .projection(
                        Projection::builder()
                            .projection_type(ProjectionType::All)
                            .build(),
                    )
                    .build()
                    .map_err(build)?,
            );
        }
        match request.send().await {
            Ok(_) => tracing::info!(table = %name, "created table"),
            Err(err)
                if err
                    .as_service_error()
                    .is_some_and(|e| e.is_resource_in_use_exception()) =>
            {
                tracing::debug!(table = %name, "table exists");
            }
            Err(err) => return Err(sdk_error(OP, err)),
        }
    }
    for def in TABLES {
        wait_active(client, &names.of(def)).await?;
    }
    for def in TABLES {
        if let Some(attr) = def.ttl {
            enable_ttl(client, &names.of(def), attr).await?;
        }
    }
    Ok(())
}

async fn wait_active(client: &Client, name: &str) -> Result<(), StoreError> {
    const OP: &str = "create_tables";
    let deadline = tokio::time::Instant::now() + ACTIVE_TIMEOUT;
    let mut pause = Duration::from_millis(50);
    loop {
        let described = client
            .describe_table()
            .table_name(name)
            .send()
            .await
            .map_err(|err| sdk_error(OP, err))?;
        let status = described.table().and_then(|t| t.table_status());
        if status == Some(&TableStatus::Active) {
            return Ok(());
        }
        if tokio::time::Instant::now() > deadline {
            return Err(backend(
                OP,
                format!("table {name} is not ACTIVE after {ACTIVE_TIMEOUT:?} ({status:?})"),
            ));
        }
        tokio::time::sleep(pause).await;
        pause = (pause * 2).min(Duration::from_secs(2));
    }
}

async fn enable_ttl(client: &Client, name: &str, attr: &str) -> Result<(), StoreError> {
    const OP: &str = "create_tables";
    let current = client.describe_time_to_live().table_name(name).send().await;
    match current {
        Ok(out) => {
            let on = out
                .time_to_live_description()
                .is_some_and(|d| d.attribute_name() == Some(attr));
            if on {
                return Ok(());
            }
        }
        Err(err) => return Err(sdk_error(OP, err)),
    }
    let spec = TimeToLiveSpecification::builder()
        .attribute_name(attr)
        .enabled(true)
        .build()
        .map_err(|err| backend(OP, err.to_string()))?;
    match client
        .update_time_to_live()
        .table_name(name)
        .time_to_live_specification(spec)
        .send()
        .await
    {
        Ok(_) => Ok(()),
        // An emulator without the TTL API (dynalite): events then stay until purged.
        Err(err) if is_unknown_operation(&err) => {
            tracing::warn!(table = %name, "the endpoint has no time-to-live API; events expire only by purge");
            Ok(())
        }
        Err(err) => Err(sdk_error(OP, err)),
    }
}

fn is_unknown_operation<E, R>(err: &aws_sdk_dynamodb::error::SdkError<E, R>) -> bool
where
    E: aws_sdk_dynamodb::error::ProvideErrorMetadata,
{
    err.as_service_error()
        .and_then(|e| e.code())
        .is_some_and(|code| code == "UnknownOperationException")
}

/// The tables as a CloudFormation template (JSON), parameterized by `TablePrefix`: what
/// `deploy/dynamodb-tables.json` holds.
pub fn cloudformation_template() -> Value {
    let mut resources = serde_json::Map::new();
    for def in TABLES {
        let logical: String = def
            .suffix
            .split('-')
            .map(|part| {
                let mut chars = part.chars();
                chars
                    .next()
                    .map(|c| c.to_ascii_uppercase().to_string() + chars.as_str())
                    .unwrap_or_default()
            })
            .collect::<String>()
            + "Table";
        let schema = |pk: &str, sk: Option<&str>| {
            let mut keys = vec![json!({ "AttributeName": pk, "KeyType": "HASH" })];
            keys.extend(sk.map(|sk| json!({ "AttributeName": sk, "KeyType": "RANGE" })));
            keys
        };
        let mut properties = json!({
            "TableName": { "Fn::Sub": format!("${{TablePrefix}}-{}", def.suffix) },
            "BillingMode": "PAY_PER_REQUEST",
            "AttributeDefinitions": key_attributes(def)
                .into_iter()
                .map(|a| json!({ "AttributeName": a, "AttributeType": "S" }))
                .collect::<Vec<_>>(),
            "KeySchema": schema(def.pk, def.sk),
        });
        if !def.indexes.is_empty() {
            properties["GlobalSecondaryIndexes"] = def
                .indexes
                .iter()
                .map(|i| {
                    json!({
                        "IndexName": i.name,
                        "KeySchema": schema(i.pk, Some(i.sk)),
                        "Projection": { "ProjectionType": "ALL" },
                    })
                })
                .collect();
        }
        if let Some(attr) = def.ttl {
            properties["TimeToLiveSpecification"] =
                json!({ "AttributeName": attr, "Enabled": true });
        }
        resources.insert(
            logical,
            json!({ "Type": "AWS::DynamoDB::Table", "Properties": properties }),
        );
    }
    json!({
        "AWSTemplateFormatVersion": "2010-09-09",
        "Description": "LG-Protect's DynamoDB store (generated from host/store-dynamodb/src/tables.rs; `lgp store init` creates the same tables).",
        "Parameters": {
            "TablePrefix": {
                "Type": "String",
                "Default": crate::DEFAULT_TABLE_PREFIX,
                "Description": "LGP_TABLE_PREFIX: every table is named <prefix>-<table>.",
            }
        },
        "Resources": resources,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `deploy/dynamodb-tables.json` is what the definitions make. To regenerate it after
    /// changing a definition: `LGP_BLESS=1 cargo test -p lgp-store-dynamodb`.
    #[test]
    fn deploy_template_matches_the_definitions() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../deploy/dynamodb-tables.json");
        let expected = serde_json::to_string_pretty(&cloudformation_template())
            .expect("the template serializes")
            + "\n";
        if std::env::var_os("LGP_BLESS").is_some() {
            std::fs::write(&path, &expected).expect("write the template");
        }
        let actual = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            actual == expected,
            "{} differs from the table definitions; regenerate it with \
             `LGP_BLESS=1 cargo test -p lgp-store-dynamodb`",
            path.display()
        );
    }

    #[test]
    fn every_table_is_keyed_by_tenant_first() {
        for def in TABLES {
            assert_eq!(def.pk, "tenant_id", "{}", def.suffix);
        }
    }
}
