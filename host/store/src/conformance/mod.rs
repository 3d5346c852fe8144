//! The behavioural suite every [`Store`] implementation must pass unchanged.
//!
//! [`run_all`] takes a factory of fresh, empty stores and runs every test on a store of its
//! own. Tests panic on the first broken expectation, naming what broke. The suite pins down
//! the contract the rest of the platform relies on: round trips of every method, the
//! transitions `apply_results` and `retire_results` report, idempotent redelivery, paging
//! that visits every item exactly once, and tenant isolation through every method.
//!
//! Enabled in this crate's tests and, for other implementations' tests, by the `conformance`
//! feature.

mod alerts;
mod blobs;
mod events;
mod fixtures;
mod inventory;
mod isolation;
mod paging;
mod redelivery;
mod results;
mod scans;
mod tenants;

use crate::Store;
use std::future::Future;

/// Runs the whole suite, each test on a fresh store from `make`.
pub async fn run_all<F, Fut>(make: F)
where
    F: Fn() -> Fut,
    Fut: Future<Output = Box<dyn Store>>,
{
    macro_rules! run {
        ($($test:path),* $(,)?) => {$(
            let store = make().await;
            $test(&*store).await;
        )*};
    }
    run!(
        tenants::tenants_round_trip,
        tenants::accounts_round_trip,
        scans::scan_lifecycle,
        scans::scans_newest_first,
        scans::previous_completed_scan,
        inventory::versions_and_current_inventory,
        inventory::inventory_filters,
        inventory::remove_keeps_history,
        results::transitions,
        results::mute_changes,
        results::retire_and_return,
        results::listing_and_filters,
        alerts::alerts_round_trip,
        events::events_round_trip,
        events::purge_spans_tenants,
        blobs::plugins_round_trip,
        blobs::reports_round_trip,
        blobs::kv_round_trip,
        paging::every_listing_pages_exactly_once,
        paging::page_size_is_capped,
        paging::foreign_and_garbage_cursors_are_refused,
        redelivery::redelivered_scan_changes_nothing,
        redelivery::late_redelivery_does_not_roll_back,
        isolation::reads_never_cross_tenants,
        isolation::writes_never_touch_another_tenant,
    );
}
