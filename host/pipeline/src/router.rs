//! Consumers of the bus for every plugin, the audit trail and the alerts table.

use crate::payload::ServiceError;
use crate::rules::{self, BuiltinRule};
use crate::tenant_rules::{self, TenantRules};
use crate::{PipelineError, Services, alerts, audit, handlers};
use crate::{TenantQuota, quota::TenantQuotas};
use lgp_bus::Delivery;
use lgp_events::{Event, EventId, EventType};
use lgp_model::PluginKind;
use lgp_notify::Dispatcher;
use lgp_runtime::Plugin;
use tokio::task::JoinSet;

/// How many consumers each group runs.
#[derive(Debug, Clone)]
pub struct RouterConfig {
    /// Concurrent consumers per plugin group. Two keeps both cores of a small machine busy
    /// while a slow plugin cannot hog more than its share.
    pub workers_per_group: usize,
    /// How webhook deliveries of handlers' notifications are retried.
    pub webhook_retry: lgp_notify::RetryPolicy,
    /// Tenants' uploaded rule plugins, each run on its own tenant's batches only; `None`: the
    /// platform runs none (the scanner must then be given none either).
    pub tenant_plugins: Option<lgp_registry::Registry>,
    /// What each tenant's uploaded plugins may use.
    pub tenant_quota: TenantQuota,
}

impl Default for RouterConfig {
    fn default() -> Self {
        RouterConfig {
            workers_per_group: 2,
            webhook_retry: lgp_notify::RetryPolicy::default(),
            tenant_plugins: None,
            tenant_quota: TenantQuota::default(),
        }
    }
}

/// The running consumers. Dropping it stops them.
pub struct Router {
    tasks: JoinSet<()>,
    bus: std::sync::Arc<dyn lgp_bus::Bus>,
    groups: Vec<String>,
    /// Handlers' webhook deliveries, running in the background.
    webhooks: Dispatcher,
}

impl std::fmt::Debug for Router {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Router")
            .field("consumers", &self.tasks.len())
            .finish()
    }
}

impl Router {
    /// Subscribes a group per plugin (`rule:<name>` on `inventory.discovered`, `handler:<name>`
    /// on its subscriptions), the tenants' uploaded rules when configured (`tenant-rules` on
    /// `inventory.discovered`), the audit trail (`host:audit` on every event) and the alerts table
    /// (`host:alerts` on `alert.*`), and starts their consumers.
    pub async fn start(
        s: Services,
        plugins: &[Plugin],
        config: RouterConfig,
    ) -> Result<Router, PipelineError> {
        let mut tasks = JoinSet::new();
        let webhooks = Dispatcher::new(config.webhook_retry);
        let mut groups = vec![audit::GROUP.to_owned(), alerts::GROUP.to_owned()];
        let workers = config.workers_per_group.max(1);
        let mutes = std::sync::Arc::new(crate::mutes::MuteCache::default());
        let checks =
            crate::TenantChecks::new(crate::checks_of(plugins), config.tenant_plugins.clone());
        for plugin in plugins {
            match plugin.kind() {
                PluginKind::Rule => {
                    let rule = BuiltinRule::new(plugin.clone(), mutes.clone());
                    let group = rule.route.group();
                    groups.push(group.clone());
                    for _ in 0..workers {
                        let mut sub = s
                            .bus
                            .subscribe(&group, &[EventType::InventoryDiscovered])
                            .await?;
                        let (s, rule) = (s.clone(), rule.clone());
                        tasks.spawn(async move {
                            while let Some(d) = sub.next().await {
                                rules::handle(&s, &rule, d).await;
                            }
                        });
                    }
                }
                PluginKind::Handler => {
                    let types: Vec<EventType> = plugin
                        .info()
                        .subscriptions
                        .iter()
                        .filter_map(|t| match t.parse() {
                            Ok(t) => Some(t),
                            Err(e) => {
                                tracing::warn!(plugin = %plugin.name(), "ignoring subscription: {e}");
                                None
                            }
                        })
                        .collect();
                    if types.is_empty() {
                        continue;
                    }
                    let group = format!("handler:{}", plugin.name());
                    groups.push(group.clone());
                    for _ in 0..workers {
                        let mut sub = s.bus.subscribe(&group, &types).await?;
                        let (s, plugin, group) = (s.clone(), plugin.clone(), group.clone());
                        let (webhooks, checks) = (webhooks.clone(), checks.clone());
                        tasks.spawn(async move {
                            while let Some(d) = sub.next().await {
                                handlers::handle(&s, &webhooks, &checks, &plugin, &group, d).await;
                            }
                        });
                    }
                }
                // Collectors are run by the scanner, not by events.
                PluginKind::Collector => {}
            }
        }
        if let Some(registry) = config.tenant_plugins {
            let quotas = TenantQuotas::new(config.tenant_quota);
            let rules = std::sync::Arc::new(TenantRules {
                in_flight: std::sync::Arc::new(tokio::sync::Semaphore::new(quotas.in_flight())),
                registry,
                quotas,
                mutes: mutes.clone(),
            });
            groups.push(tenant_rules::GROUP.to_owned());
            for _ in 0..workers {
                let sub = s
                    .bus
                    .subscribe(tenant_rules::GROUP, &[EventType::InventoryDiscovered])
                    .await?;
                tasks.spawn(tenant_rules::run(s.clone(), rules.clone(), sub));
            }
        }
        let sub = s.bus.subscribe(audit::GROUP, EventType::ALL).await?;
        tasks.spawn(audit::run(s.clone(), sub));
        let sub = s.bus.subscribe(alerts::GROUP, &alerts::TYPES).await?;
        tasks.spawn(alerts::run(s.clone(), sub));
        Ok(Router {
            tasks,
            bus: s.bus.clone(),
            groups,
            webhooks,
        })
    }

    /// Waits until no group of this router has events queued or in flight and no webhook
    /// delivery is under way — the work a scan set off, handlers' reactions and notifications
    /// included, is done — polling every `poll`, for at most `patience`. Returns whether it settled. A one-shot command drains before it shuts down
    /// so no reaction is cut off half-way.
    pub async fn drain(
        &self,
        poll: std::time::Duration,
        patience: std::time::Duration,
    ) -> Result<bool, PipelineError> {
        let settle = async {
            loop {
                let mut idle = true;
                for g in &self.groups {
                    let stats = self.bus.stats(g).await?;
                    idle &= stats.queued == 0 && stats.in_flight == 0;
                }
                idle &= self.webhooks.in_flight() == 0;
                if idle {
                    return Ok::<(), PipelineError>(());
                }
                tokio::time::sleep(poll).await;
            }
        };
        match tokio::time::timeout(patience, settle).await {
            Ok(result) => result.map(|()| true),
            Err(_) => Ok(false),
        }
    }

    /// Stops every consumer (deliveries in progress are abandoned and will be redelivered).
    pub async fn shutdown(mut self) {
        self.tasks.abort_all();
        while self.tasks.join_next().await.is_some() {}
    }
}

/// Gives up on a delivery for good: reports it ([`report_failure`]) and dead-letters the event
/// with `error`.
pub(crate) async fn give_up(
    s: &Services,
    component: &str,
    category: &str,
    error: &str,
    delivery: Delivery,
) {
    report_failure(
        s,
        component,
        category,
        error,
        &delivery.event,
        delivery.attempt,
    )
    .await;
    if let Err(err) = delivery.reject(error.to_owned()).await {
        tracing::error!("cannot dead-letter: {err}");
    }
}

/// Logs a final failure and publishes `system.service.error` (unless the event is one itself,
/// which could loop).
pub(crate) async fn report_failure(
    s: &Services,
    component: &str,
    category: &str,
    error: &str,
    event: &Event,
    attempts: u32,
) {
    tracing::error!(component, event_id = %event.event_id, event_type = %event.event_type, attempts, "giving up: {error}");
    if event.event_type == EventType::SystemServiceError {
        return;
    }
    let payload = ServiceError {
        component: component.to_owned(),
        category: category.to_owned(),
        error: error.to_owned(),
        event_id: event.event_id.to_string(),
        event_type: event.event_type.to_string(),
        attempts,
    };
    let Ok(data) = serde_json::to_value(&payload) else {
        return;
    };
    let mut e = Event::new(
        EventType::SystemServiceError,
        event.tenant_id.clone(),
        component,
        event.correlation_id.clone(),
        data,
    );
    e.event_id = EventId::derived(
        event.timestamp,
        format!("{}/{component}/error", event.event_id).as_bytes(),
    );
    if let Err(err) = s.bus.publish(vec![e]).await {
        tracing::error!("cannot publish system.service.error: {err}");
    }
}
