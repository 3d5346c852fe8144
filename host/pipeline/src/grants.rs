//! The `state`, `query`, `notify` and `reports` capabilities of handler plugins, over the store
//! (`query` in [`crate::query`], `reports` in [`crate::reports`]).
//!
//! [`handler_services`] binds them to one delivery: the event's tenant and the plugin's name come
//! from the host side, so a guest can neither name another tenant nor reach another plugin's
//! state, nor any endpoint but its tenant's webhooks. The runtime decides whether the plugin's
//! manifest earns them.

use crate::TenantChecks;
use crate::query::StoreQuery;
use crate::reports::StoreReports;
use lgp_events::{Event, EventId, EventType, TenantId};
use lgp_notify::{Dispatcher, Envelope, Webhook};
use lgp_runtime::{
    HandlerServices, MAX_QUERY_PAGE_ITEMS, Notification, Notifier, PluginState, QueryPage,
    ServiceError,
};
use lgp_store::{Cursor, PageRequest, Store, StoreError};
use std::sync::Arc;
use tokio::sync::Mutex;

/// The key/value namespace of a plugin's state. Prefixed, so that no plugin name (not even
/// `lgp-pipeline`) reaches the pipeline's own bookkeeping.
pub(crate) fn state_namespace(plugin: &str) -> String {
    format!("plugin/{plugin}")
}

/// The services of one delivery of `cause` (an event of `tenant`) to `plugin`; its notifications
/// go out through `dispatcher`; `checks` are those of the rule plugins running for the tenant.
pub(crate) fn handler_services(
    store: &Arc<dyn Store>,
    dispatcher: &Dispatcher,
    checks: &TenantChecks,
    tenant: &TenantId,
    plugin: &str,
    cause: &Event,
) -> HandlerServices {
    HandlerServices {
        state: Some(Arc::new(StoreState {
            store: store.clone(),
            tenant: tenant.clone(),
            namespace: state_namespace(plugin),
        })),
        query: Some(Arc::new(StoreQuery {
            store: store.clone(),
            tenant: tenant.clone(),
            checks: checks.clone(),
            inventory: Mutex::new(None),
            previous: Mutex::new(None),
        })),
        notify: Some(Arc::new(StoreNotifier {
            store: store.clone(),
            dispatcher: dispatcher.clone(),
            tenant: tenant.clone(),
            key: format!("{}/{plugin}/notify", cause.event_id),
            at: cause.timestamp,
            webhooks: std::sync::Mutex::new(None),
        })),
        reports: Some(Arc::new(StoreReports {
            store: store.clone(),
            tenant: tenant.clone(),
        })),
    }
}

/// The one place store failures become what the guest is told. Backend details stay in the
/// host's log; the guest learns only that it may retry.
pub(crate) fn to_service_error(err: StoreError) -> ServiceError {
    match err {
        StoreError::BadCursor => {
            ServiceError::Invalid("the cursor was not issued by this listing".into())
        }
        StoreError::NotFound { what, id } => ServiceError::Invalid(format!("no {what} {id:?}")),
        StoreError::Invalid { field, reason } => {
            ServiceError::Invalid(format!("invalid {field}: {reason}"))
        }
        err @ StoreError::Backend { .. } => {
            tracing::warn!("a handler's store call failed: {err}");
            ServiceError::Unavailable("the store failed; try again later".into())
        }
    }
}

pub(crate) fn page_request(cursor: Option<&str>, limit: u32) -> PageRequest {
    PageRequest {
        limit: limit.min(MAX_QUERY_PAGE_ITEMS),
        cursor: cursor.map(|c| Cursor(c.to_owned())),
    }
}

/// A plugin's state for one tenant.
struct StoreState {
    store: Arc<dyn Store>,
    tenant: TenantId,
    namespace: String,
}

#[async_trait::async_trait]
impl PluginState for StoreState {
    async fn get(&self, key: &str) -> Result<Option<Vec<u8>>, ServiceError> {
        self.store
            .kv_get(&self.tenant, &self.namespace, key)
            .await
            .map_err(to_service_error)
    }

    async fn set(&self, key: &str, value: &[u8]) -> Result<(), ServiceError> {
        self.store
            .kv_set(&self.tenant, &self.namespace, key, value)
            .await
            .map_err(to_service_error)
    }

    async fn delete(&self, key: &str) -> Result<(), ServiceError> {
        self.store
            .kv_delete(&self.tenant, &self.namespace, key)
            .await
            .map_err(to_service_error)
    }

    async fn list_keys(
        &self,
        prefix: &str,
        cursor: Option<&str>,
        limit: u32,
    ) -> Result<QueryPage<String>, ServiceError> {
        let page = self
            .store
            .kv_list(
                &self.tenant,
                &self.namespace,
                prefix,
                &page_request(cursor, limit),
            )
            .await
            .map_err(to_service_error)?;
        Ok(QueryPage {
            items: page.items,
            next: page.next.map(|c| c.0),
        })
    }
}

/// Notifications of one delivery to its tenant's webhooks.
struct StoreNotifier {
    store: Arc<dyn Store>,
    dispatcher: Dispatcher,
    tenant: TenantId,
    /// What makes the notifications' ids: the cause's id and the plugin, so a redelivered cause
    /// gives the same ids (and endpoints that took them are not sent them again).
    key: String,
    /// The cause's time: the envelopes' timestamp.
    at: time::OffsetDateTime,
    /// The tenant's webhooks, read once per delivery.
    webhooks: std::sync::Mutex<Option<Arc<[Webhook]>>>,
}

impl StoreNotifier {
    fn cached(&self) -> Option<Arc<[Webhook]>> {
        self.webhooks
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clone()
    }

    async fn webhooks(&self) -> Result<Arc<[Webhook]>, ServiceError> {
        if let Some(hooks) = self.cached() {
            return Ok(hooks);
        }
        let hooks: Arc<[Webhook]> = lgp_notify::persist::list(&*self.store, &self.tenant)
            .await
            .map_err(|err| {
                tracing::warn!(tenant = %self.tenant, "cannot read the tenant's webhooks: {err:#}");
                ServiceError::Unavailable(
                    "the webhook configuration cannot be read; try again later".into(),
                )
            })?
            .into();
        *self
            .webhooks
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner()) = Some(hooks.clone());
        Ok(hooks)
    }
}

#[async_trait::async_trait]
impl Notifier for StoreNotifier {
    async fn endpoints(&self, event_type: &str) -> Result<u32, ServiceError> {
        let t: EventType = event_type
            .parse()
            .map_err(|e: lgp_events::UnknownEventType| ServiceError::Invalid(e.to_string()))?;
        let hooks = self.webhooks().await?;
        let n = hooks.iter().filter(|w| w.takes(t.as_str())).count();
        Ok(u32::try_from(n).unwrap_or(u32::MAX))
    }

    fn dispatch(&self, notifications: Vec<Notification>) {
        // `endpoints` read the webhooks before any notification was kept.
        let Some(hooks) = self.cached() else {
            return;
        };
        let timestamp = self
            .at
            .format(&time::format_description::well_known::Rfc3339)
            .unwrap_or_default();
        for (i, n) in notifications.into_iter().enumerate() {
            let id = EventId::derived(self.at, format!("{}/{i}", self.key).as_bytes());
            let envelope = Arc::new(Envelope {
                id: id.to_string(),
                event_type: n.event_type,
                tenant: self.tenant.to_string(),
                timestamp: timestamp.clone(),
                data: n.data,
            });
            for hook in hooks.iter().filter(|w| w.takes(&envelope.event_type)) {
                self.dispatcher.send(
                    self.store.clone(),
                    self.tenant.clone(),
                    envelope.clone(),
                    hook.clone(),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use lgp_model::{Resource, Severity, Status};
    use lgp_runtime::{FindingQuery, InventoryQuery, ResultQuery, TenantQuery};
    use lgp_store::{NewResult, Scan, ScanCounters, ScanStatus, SqliteStore};
    use time::OffsetDateTime;

    const ACCOUNT: &str = "111122223333";

    fn tenant(id: &str) -> TenantId {
        TenantId::new(id).expect("tenant id")
    }

    fn store() -> Arc<dyn Store> {
        Arc::new(SqliteStore::open_in_memory().expect("store"))
    }

    fn scan_id(n: u32) -> String {
        format!("01JAAAAAAAAAAAAAAA{n:08}")
    }

    async fn put_scan(store: &Arc<dyn Store>, who: &TenantId, n: u32, status: ScanStatus) {
        let scan = Scan {
            scan_id: scan_id(n),
            account_id: ACCOUNT.into(),
            source: "test".into(),
            status,
            started_at: OffsetDateTime::UNIX_EPOCH,
            finished_at: None,
            collected: true,
            counters: ScanCounters::default(),
            errors: Default::default(),
        };
        store.create_scan(who, &scan).await.expect("scan");
    }

    fn resource(arn: &str, kind: &str) -> Resource {
        lgp_model::parse_resources(&format!(
            r#"[{{"arn":"{arn}","kind":"{kind}","account":"{ACCOUNT}","region":"us-east-1","name":"n","tags":{{}},"properties":{{"x":1}}}}]"#
        ))
        .expect("resource")
        .remove(0)
    }

    fn result(check: &str, arn: &str, status: Status) -> NewResult {
        NewResult {
            check_id: check.into(),
            service: "s3".into(),
            resource_arn: arn.into(),
            account_id: ACCOUNT.into(),
            region: "us-east-1".into(),
            status,
            severity: Severity::High,
            message: format!("{check} on {arn}"),
            evidence: serde_json::json!({ "check": check }),
            muted: false,
        }
    }

    fn services(store: &Arc<dyn Store>, who: &str, plugin: &str) -> HandlerServices {
        let cause = Event::new(
            EventType::ComplianceScanCompleted,
            tenant(who),
            "test",
            None,
            serde_json::json!({}),
        );
        let dispatcher = Dispatcher::new(lgp_notify::RetryPolicy::default());
        handler_services(
            store,
            &dispatcher,
            &crate::TenantChecks::new(Vec::new().into(), None),
            &tenant(who),
            plugin,
            &cause,
        )
    }

    fn state(s: &HandlerServices) -> &dyn PluginState {
        s.state.as_deref().expect("state offered")
    }

    fn query(s: &HandlerServices) -> &dyn TenantQuery {
        s.query.as_deref().expect("query offered")
    }

    #[tokio::test]
    async fn notify_counts_only_the_tenants_endpoints_for_the_type() {
        let store = store();
        let hook = lgp_notify::WebhookSpec {
            url: "https://hooks.example.com/lgp".into(),
            secret: "0123456789abcdef".into(),
            events: vec!["alert.triggered".into()],
            ..lgp_notify::WebhookSpec::default()
        }
        .validate(OffsetDateTime::UNIX_EPOCH)
        .expect("valid");
        lgp_notify::persist::add(&*store, &tenant("acme"), &hook)
            .await
            .expect("add");
        let acme = services(&store, "acme", "alerts");
        let notify = acme.notify.as_deref().expect("notify offered");
        assert_eq!(notify.endpoints("alert.triggered").await.expect("count"), 1);
        assert_eq!(notify.endpoints("alert.resolved").await.expect("count"), 0);
        let err = notify
            .endpoints("alert.exploded")
            .await
            .expect_err("an unknown type");
        assert!(matches!(err, ServiceError::Invalid(_)), "{err:?}");
        let globex = services(&store, "globex", "alerts");
        let notify = globex.notify.as_deref().expect("notify offered");
        assert_eq!(notify.endpoints("alert.triggered").await.expect("count"), 0);
    }

    #[tokio::test]
    async fn state_is_private_to_the_plugin_and_the_tenant() {
        let store = store();
        let acme = services(&store, "acme", "alerts");
        state(&acme).set("count/a", b"1").await.expect("set");
        state(&acme).set("count/b", b"2").await.expect("set");
        state(&acme).set("other", b"3").await.expect("set");
        assert_eq!(
            state(&acme).get("count/a").await.expect("get"),
            Some(b"1".to_vec())
        );
        let page = state(&acme)
            .list_keys("count/", None, 1)
            .await
            .expect("list");
        assert_eq!(page.items, vec!["count/a"]);
        let page = state(&acme)
            .list_keys("count/", page.next.as_deref(), 10)
            .await
            .expect("list");
        assert_eq!(page.items, vec!["count/b"]);
        assert_eq!(page.next, None);

        // Another tenant, another plugin, and the pipeline's own bookkeeping see nothing of it.
        for (who, plugin) in [("globex", "alerts"), ("acme", "reports")] {
            let other = services(&store, who, plugin);
            assert_eq!(state(&other).get("count/a").await.expect("get"), None);
            assert!(
                state(&other)
                    .list_keys("", None, 100)
                    .await
                    .expect("list")
                    .items
                    .is_empty()
            );
        }
        assert_eq!(
            store
                .kv_get(&tenant("acme"), "alerts", "count/a")
                .await
                .expect("get"),
            None
        );
        store
            .kv_set(&tenant("acme"), crate::BOOKKEEPING, "secret", b"x")
            .await
            .expect("set");
        let impostor = services(&store, "acme", crate::BOOKKEEPING);
        assert_eq!(state(&impostor).get("secret").await.expect("get"), None);

        state(&acme).delete("count/a").await.expect("delete");
        state(&acme)
            .delete("count/a")
            .await
            .expect("deleting again");
        assert_eq!(state(&acme).get("count/a").await.expect("get"), None);
        let err = state(&acme)
            .list_keys("", Some("forged"), 10)
            .await
            .expect_err("a forged cursor");
        assert!(matches!(err, ServiceError::Invalid(_)), "{err:?}");
    }

    #[tokio::test]
    async fn findings_are_the_tenants_results_of_the_scan_paged_and_filtered() {
        let store = store();
        let acme = tenant("acme");
        put_scan(&store, &acme, 1, ScanStatus::Running).await;
        let results: Vec<NewResult> = (0..5)
            .flat_map(|i| {
                let arn = format!("arn:aws:s3:::b{i}");
                [
                    result("check_a", &arn, Status::Fail),
                    result("check_b", &arn, Status::Pass),
                ]
            })
            .collect();
        store
            .apply_results(&acme, &scan_id(1), OffsetDateTime::UNIX_EPOCH, &results)
            .await
            .expect("results");

        let q = services(&store, "acme", "reports");
        let mut seen = Vec::new();
        let mut cursor = None;
        loop {
            let page = query(&q)
                .findings(&FindingQuery {
                    scan_id: scan_id(1),
                    check_id: None,
                    cursor: cursor.take(),
                    limit: 3,
                })
                .await
                .expect("findings");
            assert!(page.items.len() <= 3);
            seen.extend(page.items);
            match page.next {
                Some(next) => cursor = Some(next),
                None => break,
            }
        }
        assert_eq!(seen.len(), 10);
        let a = seen.iter().find(|f| f.check_id == "check_a").expect("a");
        assert_eq!(a.status, Status::Fail);
        assert_eq!(a.evidence.get(), r#"{"check":"check_a"}"#);

        let only_b = query(&q)
            .findings(&FindingQuery {
                scan_id: scan_id(1),
                check_id: Some("check_b".into()),
                cursor: None,
                limit: 100,
            })
            .await
            .expect("findings");
        assert_eq!(only_b.items.len(), 5);
        assert!(only_b.items.iter().all(|f| f.check_id == "check_b"));

        // The same scan id is unknown to another tenant.
        let globex = services(&store, "globex", "reports");
        let err = query(&globex)
            .findings(&FindingQuery {
                scan_id: scan_id(1),
                check_id: None,
                cursor: None,
                limit: 100,
            })
            .await
            .expect_err("another tenant's scan");
        assert!(matches!(err, ServiceError::Invalid(_)), "{err:?}");
    }

    #[tokio::test]
    async fn inventory_pages_by_arn_within_a_kind_and_previous_scan_is_the_accounts() {
        let store = store();
        let acme = tenant("acme");
        put_scan(&store, &acme, 1, ScanStatus::Completed).await;
        put_scan(&store, &acme, 2, ScanStatus::Running).await;
        let resources: Vec<Resource> = (0..7)
            .map(|i| {
                let kind = if i % 2 == 0 {
                    "aws:s3:bucket"
                } else {
                    "aws:ec2:volume"
                };
                resource(&format!("arn:aws:x:::r{i}"), kind)
            })
            .collect();
        store
            .put_resources(&acme, &scan_id(2), &resources)
            .await
            .expect("resources");

        let q = services(&store, "acme", "reports");
        let mut arns = Vec::new();
        let mut cursor = None;
        loop {
            let page = query(&q)
                .inventory(&InventoryQuery {
                    scan_id: scan_id(2),
                    kind: Some("aws:s3:bucket".into()),
                    cursor: cursor.take(),
                    limit: 3,
                })
                .await
                .expect("inventory");
            arns.extend(page.items.into_iter().map(|r| r.arn));
            match page.next {
                Some(next) => cursor = Some(next),
                None => break,
            }
        }
        assert_eq!(
            arns,
            ["r0", "r2", "r4", "r6"].map(|r| format!("arn:aws:x:::{r}"))
        );
        let all = query(&q)
            .inventory(&InventoryQuery {
                scan_id: scan_id(2),
                kind: None,
                cursor: None,
                limit: 100,
            })
            .await
            .expect("inventory");
        assert_eq!((all.items.len(), all.next), (7, None));

        assert_eq!(
            query(&q)
                .previous_scan(&scan_id(2))
                .await
                .expect("previous"),
            Some(scan_id(1))
        );
        assert_eq!(
            query(&q)
                .previous_scan(&scan_id(1))
                .await
                .expect("previous"),
            None
        );
        let globex = services(&store, "globex", "reports");
        assert!(query(&globex).previous_scan(&scan_id(2)).await.is_err());
        assert!(
            query(&globex)
                .inventory(&InventoryQuery {
                    scan_id: scan_id(2),
                    kind: None,
                    cursor: None,
                    limit: 100,
                })
                .await
                .is_err()
        );
    }

    #[tokio::test]
    async fn results_carry_their_outcome_at_the_previous_completed_scan() {
        let store = store();
        let acme = tenant("acme");
        put_scan(&store, &acme, 1, ScanStatus::Completed).await;
        put_scan(&store, &acme, 2, ScanStatus::Running).await;
        let at = OffsetDateTime::UNIX_EPOCH;
        let first = [
            result("check_a", "arn:aws:s3:::kept", Status::Fail),
            result("check_b", "arn:aws:s3:::kept", Status::Pass),
            result("check_a", "arn:aws:s3:::gone", Status::Fail),
        ];
        store
            .apply_results(&acme, &scan_id(1), at, &first)
            .await
            .expect("first scan");
        let second = [
            result("check_a", "arn:aws:s3:::kept", Status::Pass),
            result("check_b", "arn:aws:s3:::kept", Status::Fail),
            result("check_a", "arn:aws:s3:::new", Status::Fail),
        ];
        store
            .apply_results(&acme, &scan_id(2), at, &second)
            .await
            .expect("second scan");

        let q = services(&store, "acme", "reports");
        let page = query(&q)
            .results(&ResultQuery {
                scan_id: scan_id(2),
                cursor: None,
                limit: 100,
            })
            .await
            .expect("results");
        let previous: Vec<(&str, &str, Option<Status>)> = page
            .items
            .iter()
            .map(|r| {
                (
                    r.check_id.as_str(),
                    r.resource_arn.as_str(),
                    r.previous.map(|p| Status::from(p.status)),
                )
            })
            .collect();
        assert_eq!(
            previous,
            vec![
                ("check_a", "arn:aws:s3:::kept", Some(Status::Fail)),
                ("check_a", "arn:aws:s3:::new", None),
                ("check_b", "arn:aws:s3:::kept", Some(Status::Pass)),
            ]
        );
        assert_eq!(page.next, None);

        // The first scan was the last to see only the result whose resource went away; it has
        // no scan before it.
        let older = query(&q)
            .results(&ResultQuery {
                scan_id: scan_id(1),
                cursor: None,
                limit: 100,
            })
            .await
            .expect("results");
        assert_eq!(older.items.len(), 1);
        assert_eq!(older.items[0].resource_arn, "arn:aws:s3:::gone");
        assert_eq!(Status::from(older.items[0].status), Status::Fail);
        assert!(older.items[0].previous.is_none());

        // Another tenant knows neither scan.
        let globex = services(&store, "globex", "reports");
        let err = query(&globex)
            .results(&ResultQuery {
                scan_id: scan_id(2),
                cursor: None,
                limit: 100,
            })
            .await
            .expect_err("not globex's scan");
        assert!(matches!(err, ServiceError::Invalid(_)), "{err:?}");
        assert!(query(&globex).scan(&scan_id(2)).await.is_err());
        let summary = query(&q).scan(&scan_id(1)).await.expect("summary");
        assert_eq!(
            (summary.account.as_str(), summary.status.as_str()),
            (ACCOUNT, "completed")
        );
    }

    #[tokio::test]
    async fn reports_are_stored_only_for_the_tenants_scans() {
        let store = store();
        let acme = tenant("acme");
        put_scan(&store, &acme, 1, ScanStatus::Completed).await;
        let reports = |who: &str| {
            services(&store, who, "reports")
                .reports
                .expect("reports offered")
        };
        reports("acme")
            .check_scan(&scan_id(1))
            .await
            .expect("acme's scan");
        let err = reports("globex")
            .check_scan(&scan_id(1))
            .await
            .expect_err("not globex's scan");
        assert!(matches!(err, ServiceError::Invalid(_)), "{err:?}");
        reports("acme")
            .store(vec![lgp_runtime::RenderedReport {
                scan_id: scan_id(1),
                format: "csv".into(),
                body: b"check_id\n".to_vec(),
            }])
            .await
            .expect("stored");
        assert_eq!(
            store
                .get_report(&acme, &scan_id(1), "csv")
                .await
                .expect("report"),
            b"check_id\n"
        );
        assert!(
            store
                .get_report(&tenant("globex"), &scan_id(1), "csv")
                .await
                .is_err()
        );
    }
}
