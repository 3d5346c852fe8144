//! `lgp store`: administration of the configured store.

use crate::args::{Global, StoreArgs, StoreCommand, StoreKind};
use crate::{host, platform};
use anyhow::Context;
use std::process::ExitCode;

/// Runs `lgp store`.
pub async fn run(global: &Global, args: StoreArgs) -> anyhow::Result<ExitCode> {
    match args.command {
        StoreCommand::Init => match global.store {
            StoreKind::Sqlite => {
                platform::open_sqlite(global)?;
                println!(
                    "the embedded store in {} is ready",
                    host::data_dir(global).display()
                );
            }
            StoreKind::Dynamodb => {
                platform::dynamo_store(global)
                    .await
                    .create_tables()
                    .await
                    .context("cannot create the DynamoDB tables")?;
                println!("the DynamoDB tables {}-* are ready", global.table_prefix);
            }
        },
    }
    Ok(ExitCode::SUCCESS)
}
