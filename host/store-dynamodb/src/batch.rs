//! The bulk calls: BatchWriteItem and BatchGetItem in DynamoDB's batch sizes with their
//! unprocessed items retried, and queries read page after page.

use crate::codec::{Expr, Item, backend, sdk_error};
use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::types::{DeleteRequest, KeysAndAttributes, PutRequest, WriteRequest};
use futures::{StreamExt, TryStreamExt};
use lgp_store::StoreError;
use std::time::Duration;

/// Most requests one BatchWriteItem takes (DynamoDB's limit; dynalite refuses 26).
pub(crate) const WRITE_BATCH: usize = 25;

/// Most keys one BatchGetItem takes (DynamoDB's limit).
const GET_BATCH: usize = 100;

/// Rounds of retrying unprocessed items before giving up. DynamoDB returns unprocessed items
/// when a partition is throttled; with the backoff below, ten rounds wait about 25 s in total,
/// far longer than a throttled partition takes to recover.
const UNPROCESSED_ROUNDS: u32 = 10;

/// The first pause before retrying unprocessed items; it doubles each round, up to
/// [`MAX_PAUSE`].
const FIRST_PAUSE: Duration = Duration::from_millis(50);
const MAX_PAUSE: Duration = Duration::from_secs(5);

/// The pause before retry round `round` (0-based).
fn pause(round: u32) -> Duration {
    FIRST_PAUSE
        .saturating_mul(2u32.saturating_pow(round))
        .min(MAX_PAUSE)
}

/// A put of `item`.
pub(crate) fn put(operation: &'static str, item: Item) -> Result<WriteRequest, StoreError> {
    let put = PutRequest::builder()
        .set_item(Some(item))
        .build()
        .map_err(|err| backend(operation, err.to_string()))?;
    Ok(WriteRequest::builder().put_request(put).build())
}

/// A delete of the item with `key`.
pub(crate) fn delete(operation: &'static str, key: Item) -> Result<WriteRequest, StoreError> {
    let delete = DeleteRequest::builder()
        .set_key(Some(key))
        .build()
        .map_err(|err| backend(operation, err.to_string()))?;
    Ok(WriteRequest::builder().delete_request(delete).build())
}

/// Writes `requests` to `table` in batches of [`WRITE_BATCH`], `concurrency` batches in flight,
/// retrying unprocessed items with backoff. The requests must not name one key twice (DynamoDB
/// refuses such a batch).
pub(crate) async fn write_all(
    client: &Client,
    operation: &'static str,
    table: &str,
    requests: Vec<WriteRequest>,
    concurrency: usize,
) -> Result<(), StoreError> {
    let batches: Vec<Vec<WriteRequest>> = requests
        .chunks(WRITE_BATCH)
        .map(<[WriteRequest]>::to_vec)
        .collect();
    futures::stream::iter(batches)
        .map(|batch| write_batch(client, operation, table, batch))
        .buffer_unordered(concurrency.max(1))
        .try_collect::<()>()
        .await
}

async fn write_batch(
    client: &Client,
    operation: &'static str,
    table: &str,
    mut batch: Vec<WriteRequest>,
) -> Result<(), StoreError> {
    for round in 0..=UNPROCESSED_ROUNDS {
        if batch.is_empty() {
            return Ok(());
        }
        if round > 0 {
            tokio::time::sleep(pause(round - 1)).await;
        }
        let out = client
            .batch_write_item()
            .request_items(table, batch)
            .send()
            .await
            .map_err(|err| sdk_error(operation, err))?;
        batch = out
            .unprocessed_items
            .and_then(|mut left| left.remove(table))
            .unwrap_or_default();
    }
    Err(backend(
        operation,
        format!(
            "{} items of {table} stayed unprocessed after {UNPROCESSED_ROUNDS} retries",
            batch.len()
        ),
    ))
}

/// Reads the items of `keys` from `table` (strongly consistent), in batches of 100, retrying
/// unprocessed keys with backoff. Missing items are simply absent from the answer, whose order
/// is unspecified. The keys must be distinct.
pub(crate) async fn get_all(
    client: &Client,
    operation: &'static str,
    table: &str,
    keys: Vec<Item>,
    concurrency: usize,
) -> Result<Vec<Item>, StoreError> {
    let batches: Vec<Vec<Item>> = keys.chunks(GET_BATCH).map(<[Item]>::to_vec).collect();
    let found: Vec<Vec<Item>> = futures::stream::iter(batches)
        .map(|batch| get_batch(client, operation, table, batch))
        .buffer_unordered(concurrency.max(1))
        .try_collect()
        .await?;
    Ok(found.into_iter().flatten().collect())
}

async fn get_batch(
    client: &Client,
    operation: &'static str,
    table: &str,
    mut keys: Vec<Item>,
) -> Result<Vec<Item>, StoreError> {
    let mut found = Vec::with_capacity(keys.len());
    for round in 0..=UNPROCESSED_ROUNDS {
        if keys.is_empty() {
            return Ok(found);
        }
        if round > 0 {
            tokio::time::sleep(pause(round - 1)).await;
        }
        let request = KeysAndAttributes::builder()
            .set_keys(Some(keys))
            .consistent_read(true)
            .build()
            .map_err(|err| backend(operation, err.to_string()))?;
        let out = client
            .batch_get_item()
            .request_items(table, request)
            .send()
            .await
            .map_err(|err| sdk_error(operation, err))?;
        if let Some(mut responses) = out.responses {
            found.extend(responses.remove(table).unwrap_or_default());
        }
        keys = out
            .unprocessed_keys
            .and_then(|mut left| left.remove(table))
            .map(|k| k.keys)
            .unwrap_or_default();
    }
    Err(backend(
        operation,
        format!(
            "{} keys of {table} stayed unprocessed after {UNPROCESSED_ROUNDS} retries",
            keys.len()
        ),
    ))
}

/// A query: a key condition on a table or index, an optional filter, a direction and a start.
pub(crate) struct Query {
    /// The table.
    pub(crate) table: String,
    /// The index, if not the table itself.
    pub(crate) index: Option<&'static str>,
    /// Names and values of both expressions.
    pub(crate) expr: Expr,
    /// The key condition.
    pub(crate) key_condition: String,
    /// Conditions on the other attributes.
    pub(crate) filters: Vec<String>,
    /// Ascending (`true`) or descending sort key order.
    pub(crate) forward: bool,
    /// Where to start (exclusive): the key of the last item already seen.
    pub(crate) start: Option<Item>,
    /// Only these attributes (a projection expression over `expr`'s names).
    pub(crate) projection: Option<String>,
}

impl Query {
    /// A query of `table` (or its `index`) on `key_condition`, built with `expr`.
    pub(crate) fn new(
        table: String,
        index: Option<&'static str>,
        expr: Expr,
        key_condition: String,
    ) -> Self {
        Query {
            table,
            index,
            expr,
            key_condition,
            filters: Vec::new(),
            forward: true,
            start: None,
            projection: None,
        }
    }

    /// Reads matching items in order until `want` of them (or all when `None`) are read; may
    /// return a few more than `want`. Table queries are strongly consistent; index queries
    /// cannot be (DynamoDB's indexes are eventually consistent).
    pub(crate) async fn run(
        self,
        client: &Client,
        operation: &'static str,
        want: Option<usize>,
    ) -> Result<Vec<Item>, StoreError> {
        let filter = (!self.filters.is_empty()).then(|| self.filters.join(" AND "));
        let mut items = Vec::new();
        let mut start = self.start;
        loop {
            // Without a filter every item read is returned, so read exactly what is missing;
            // with one, read in larger steps (DynamoDB applies the limit before the filter).
            let limit = want.map(|w| {
                let missing = w.saturating_sub(items.len()).max(1);
                let step = if filter.is_some() {
                    missing.max(100)
                } else {
                    missing
                };
                i32::try_from(step.min(1_000)).unwrap_or(1_000)
            });
            let out = client
                .query()
                .table_name(&self.table)
                .set_index_name(self.index.map(str::to_owned))
                .key_condition_expression(&self.key_condition)
                .set_filter_expression(filter.clone())
                .set_projection_expression(self.projection.clone())
                .set_expression_attribute_names(self.expr.names())
                .set_expression_attribute_values(self.expr.values())
                .scan_index_forward(self.forward)
                .consistent_read(self.index.is_none())
                .set_exclusive_start_key(start)
                .set_limit(limit)
                .send()
                .await
                .map_err(|err| sdk_error(operation, err))?;
            items.extend(out.items.unwrap_or_default());
            start = out.last_evaluated_key.filter(|k| !k.is_empty());
            let enough = want.is_some_and(|w| items.len() >= w);
            if enough || start.is_none() {
                return Ok(items);
            }
        }
    }
}
