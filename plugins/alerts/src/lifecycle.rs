//! The alert lifecycle: what each event does to the alert it concerns, and which alert events
//! that publishes. Pure logic over a [`KeyValue`], so it is tested natively with a map.

use crate::clock::format_rfc3339;
use crate::config::Config;
use crate::kv::KeyValue;
use lgp_sdk::Severity;
use lgp_sdk::handler::{DeliveryError, Event, NewEvent};
use lgp_sdk::time::parse_rfc3339;
use serde::{Deserialize, Serialize};

/// A result that newly fails (opens or updates a compliance alert).
pub const VIOLATION: &str = "compliance.violation";
/// A failing result that passes again, is muted, or whose resource is gone.
pub const COMPLIANCE_RESOLVED: &str = "compliance.resolved";
/// A data store reachable by anyone (opens or updates a threat alert).
pub const THREAT: &str = "security.threat";
/// A threat (or misconfiguration) that is gone.
pub const SECURITY_RESOLVED: &str = "security.resolved";
/// A scan is complete: every open alert is checked against its deadline.
pub const SCAN_COMPLETED: &str = "compliance.scan.completed";

/// Published when an alert opens.
pub const TRIGGERED: &str = "alert.triggered";
/// Published when an open alert is resolved.
pub const RESOLVED: &str = "alert.resolved";
/// Published when an alert escalates (see [`Why`]).
pub const ESCALATED: &str = "alert.escalated";

/// State key prefix of the alert records: `alert/<alert id>` → JSON [`Alert`].
pub const ALERT_PREFIX: &str = "alert/";
/// State key prefix of the deadline index: `due/<due time>/<alert id>`, the due time in Unix
/// seconds over twelve digits so keys sort by it, exists while the alert is open, has a
/// deadline and has not escalated past it. A completed scan reads the index up to its own time
/// and stops: it loads only the alerts that are due, however many are open (each load is a
/// store round trip, which on DynamoDB costs milliseconds of the invocation's deadline).
pub const DUE_PREFIX: &str = "due/";
/// State key prefix of the receipt of a completed scan's deadline check:
/// `swept/<event id>/<due time>/<alert id>` for each index entry it examined, kept until the
/// next completed scan (see `sweep`).
pub const SWEPT_PREFIX: &str = "swept/";

/// Due alerts one completed scan examines (so at most this many escalations). The runtime
/// refuses more than 1,000 emitted events per invocation (and fails it); half of that leaves
/// room for the output cap and the wall-clock deadline, and the alerts beyond it escalate on the
/// next completed scan.
pub const MAX_DUE_PER_EVENT: usize = 500;

/// What raised the alert; part of its identity, since a threat and the violation it was derived
/// from are two alerts with their own severity and resolution (and reach the plugin as two
/// events that may be handled at the same time).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Origin {
    /// A `compliance.violation`, resolved by `compliance.resolved`.
    Compliance,
    /// A `security.threat`, resolved by `security.resolved`.
    Threat,
}

impl Origin {
    fn as_str(self) -> &'static str {
        match self {
            Origin::Compliance => "compliance",
            Origin::Threat => "threat",
        }
    }
}

/// Whether the alert needs attention.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AlertState {
    /// Raised and not resolved.
    Open,
    /// Resolved; a new violation reopens it (and escalates it).
    Resolved,
}

/// Why an alert was resolved (the resolution event's `reason`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    /// The check passes again.
    Passed,
    /// The resource is gone.
    ResourceRemoved,
    /// The tenant muted the result: the risk is accepted.
    Muted,
}

/// Why an alert escalated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Why {
    /// Open past its severity's deadline (once per opening).
    Deadline,
    /// A new violation raised its severity.
    SeverityRaised,
    /// It was resolved and fails again.
    Reoccurred,
}

/// An alert as the plugin keeps it in its state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Alert {
    /// [`alert_id`] of origin, check and resource.
    pub alert_id: String,
    /// What raised it.
    pub origin: Origin,
    /// The failing check.
    pub check_id: String,
    /// The resource.
    pub resource_arn: String,
    /// The resource's account.
    pub account_id: String,
    /// The resource's region.
    pub region: String,
    /// Current severity (the highest a violation of this opening had).
    pub severity: Severity,
    /// Open or resolved.
    pub state: AlertState,
    /// For threats: the exposure (`public_write`, …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exposure: Option<String>,
    /// The last scan that changed it.
    pub scan_id: String,
    /// The latest violation's message.
    pub message: String,
    /// When the current opening began (the opening event's timestamp): deadlines count from it.
    pub opened_at: String,
    /// When it first opened.
    pub first_opened_at: String,
    /// When it last changed.
    pub updated_at: String,
    /// How many times it opened (1 + reoccurrences).
    pub occurrences: u32,
    /// Whether the current opening already escalated past its deadline.
    pub deadline_escalated: bool,
    /// When it was resolved, while resolved.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resolved_at: Option<String>,
    /// Why it was resolved, while resolved.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<Reason>,
    /// Its entry in the deadline index ([`DUE_PREFIX`]), as filed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due_entry: Option<String>,
    /// The event whose effect this record holds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_input: Option<String>,
    /// The record before that event (`None`: there was none). A redelivered event — its
    /// effect stored but its emitted events never published — is applied again to this, so it
    /// emits the same events (which the host gives the same ids) instead of nothing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prior: Option<Box<Alert>>,
}

/// The deterministic id of the alert of `origin` × `check_id` × `resource_arn`:
/// [`lgp_sdk::ids::stable_id`] of the three. An identifier, not a secret: the tenant is not part
/// of it because the host keys alerts by tenant already.
pub fn alert_id(origin: Origin, check_id: &str, resource_arn: &str) -> String {
    lgp_sdk::ids::stable_id(&[origin.as_str(), check_id, resource_arn])
}

/// The fields of a compliance or security event this plugin reads.
#[derive(Debug, Deserialize)]
struct Change {
    scan_id: String,
    check_id: String,
    resource_arn: String,
    account_id: String,
    region: String,
    severity: Severity,
    message: String,
    #[serde(default)]
    exposure: Option<String>,
    #[serde(default)]
    reason: Option<Reason>,
}

/// The payload of the three alert events (documented in `docs/events.md`).
#[derive(Debug, Serialize)]
struct Payload<'a> {
    alert_id: &'a str,
    origin: Origin,
    check_id: &'a str,
    resource_arn: &'a str,
    account_id: &'a str,
    region: &'a str,
    severity: Severity,
    state: AlertState,
    #[serde(skip_serializing_if = "Option::is_none")]
    exposure: Option<&'a str>,
    scan_id: &'a str,
    opened_at: &'a str,
    due_at: Option<String>,
    occurrences: u32,
    message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    why: Option<Why>,
    #[serde(skip_serializing_if = "Option::is_none")]
    previous_severity: Option<Severity>,
    #[serde(skip_serializing_if = "Option::is_none")]
    open_hours: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    reason: Option<Reason>,
    #[serde(skip_serializing_if = "Option::is_none")]
    resolved_at: Option<&'a str>,
}

/// What one event does beyond the alert's own fields.
#[derive(Debug, Default)]
struct Extra {
    why: Option<Why>,
    previous_severity: Option<Severity>,
    open_hours: Option<i64>,
}

/// The alert events `event` calls for, after updating the alerts it concerns in `kv`. Event
/// types the plugin does not handle give nothing; a payload it cannot read is rejected.
pub fn react(event: &Event, kv: &mut impl KeyValue) -> Result<Vec<NewEvent>, DeliveryError> {
    let (origin, resolving) = match event.event_type.as_str() {
        VIOLATION => (Origin::Compliance, false),
        COMPLIANCE_RESOLVED => (Origin::Compliance, true),
        THREAT => (Origin::Threat, false),
        SECURITY_RESOLVED => (Origin::Threat, true),
        SCAN_COMPLETED => return sweep(event, kv),
        _ => return Ok(Vec::new()),
    };
    let now = event_time(event)?;
    let change: Change = event.data().map_err(|e| malformed(event, e))?;
    let config = Config::load(kv)?;
    let id = alert_id(origin, &change.check_id, &change.resource_arn);
    let at = event.timestamp.as_str();
    if resolving {
        let Some(reason) = change.reason else {
            return Err(DeliveryError::Reject(format!(
                "{} event {} about {} has no reason",
                event.event_type, event.id, change.resource_arn
            )));
        };
        return apply(kv, &config, &id, &event.id, None, |base| {
            resolve(base, &change, reason, at, &config)
        });
    }
    apply(kv, &config, &id, &event.id, None, |base| {
        fail(base, &id, origin, &change, at, now, &config)
    })
}

/// A violation or threat: opens, updates, raises or reopens the alert.
fn fail(
    base: Option<Alert>,
    id: &str,
    origin: Origin,
    c: &Change,
    at: &str,
    now: i64,
    config: &Config,
) -> Result<(Option<Alert>, Vec<NewEvent>), DeliveryError> {
    // Every threat alerts; a violation only at or above the tenant's threshold (an alert
    // already open is still kept up to date if the threshold rose since).
    let open = base.as_ref().is_some_and(|a| a.state == AlertState::Open);
    if origin == Origin::Compliance && c.severity < config.threshold && !open {
        return Ok((None, Vec::new()));
    }
    let mut events = Vec::new();
    let mut alert = match base {
        None => {
            let alert = Alert {
                alert_id: id.to_owned(),
                origin,
                check_id: c.check_id.clone(),
                resource_arn: c.resource_arn.clone(),
                account_id: c.account_id.clone(),
                region: c.region.clone(),
                severity: c.severity,
                state: AlertState::Open,
                exposure: c.exposure.clone(),
                scan_id: c.scan_id.clone(),
                message: c.message.clone(),
                opened_at: at.to_owned(),
                first_opened_at: at.to_owned(),
                updated_at: at.to_owned(),
                occurrences: 1,
                deadline_escalated: false,
                resolved_at: None,
                reason: None,
                due_entry: None,
                last_input: None,
                prior: None,
            };
            let message = format!(
                "{} alert on {} (check {}): {}",
                alert.severity, alert.resource_arn, alert.check_id, alert.message
            );
            events.push(publish(
                TRIGGERED,
                &alert,
                config,
                message,
                Extra::default(),
            )?);
            alert
        }
        Some(mut alert) if alert.state == AlertState::Resolved => {
            refresh(&mut alert, c, at);
            alert.severity = c.severity;
            alert.state = AlertState::Open;
            alert.opened_at = at.to_owned();
            alert.occurrences += 1;
            alert.deadline_escalated = false;
            alert.resolved_at = None;
            alert.reason = None;
            let message = format!(
                "{}: check {} fails again after its alert was resolved ({}): {}",
                alert.resource_arn, alert.check_id, alert.severity, alert.message
            );
            let extra = Extra {
                why: Some(Why::Reoccurred),
                ..Extra::default()
            };
            events.push(publish(ESCALATED, &alert, config, message, extra)?);
            alert
        }
        Some(mut alert) => {
            refresh(&mut alert, c, at);
            if c.severity > alert.severity {
                let previous = alert.severity;
                alert.severity = c.severity;
                let message = format!(
                    "{}: the alert of check {} rose from {previous} to {}: {}",
                    alert.resource_arn, alert.check_id, alert.severity, alert.message
                );
                let extra = Extra {
                    why: Some(Why::SeverityRaised),
                    previous_severity: Some(previous),
                    ..Extra::default()
                };
                events.push(publish(ESCALATED, &alert, config, message, extra)?);
            }
            alert
        }
    };
    events.extend(past_deadline(&mut alert, now, at, config)?);
    Ok((Some(alert), events))
}

/// Takes the latest violation's scan, message and place into an existing alert.
fn refresh(alert: &mut Alert, c: &Change, at: &str) {
    alert.scan_id = c.scan_id.clone();
    alert.message = c.message.clone();
    alert.account_id = c.account_id.clone();
    alert.region = c.region.clone();
    if c.exposure.is_some() {
        alert.exposure = c.exposure.clone();
    }
    alert.updated_at = at.to_owned();
}

/// A resolution: resolves the alert if it is open; anything else (no alert — the violation
/// was below the threshold —, or already resolved) changes nothing.
fn resolve(
    base: Option<Alert>,
    c: &Change,
    reason: Reason,
    at: &str,
    config: &Config,
) -> Result<(Option<Alert>, Vec<NewEvent>), DeliveryError> {
    let Some(mut alert) = base.filter(|a| a.state == AlertState::Open) else {
        return Ok((None, Vec::new()));
    };
    alert.state = AlertState::Resolved;
    alert.scan_id = c.scan_id.clone();
    alert.updated_at = at.to_owned();
    alert.resolved_at = Some(at.to_owned());
    alert.reason = Some(reason);
    let why = match reason {
        Reason::Passed => format!("check {} passes again", alert.check_id),
        Reason::ResourceRemoved => "the resource was removed".to_owned(),
        Reason::Muted => format!("the result of check {} is muted", alert.check_id),
    };
    let message = format!(
        "{}: the {} alert of check {} is resolved ({why})",
        alert.resource_arn, alert.severity, alert.check_id
    );
    let event = publish(RESOLVED, &alert, config, message, Extra::default())?;
    Ok((Some(alert), vec![event]))
}

/// The deadline escalation of an open alert, once per opening, when `now` is past its
/// severity's deadline.
fn past_deadline(
    alert: &mut Alert,
    now: i64,
    at: &str,
    config: &Config,
) -> Result<Option<NewEvent>, DeliveryError> {
    if alert.state != AlertState::Open || alert.deadline_escalated {
        return Ok(None);
    }
    let Some(deadline) = config.deadline(alert.severity) else {
        return Ok(None);
    };
    let open_for = now - opened_unix(alert)?;
    if open_for <= deadline {
        return Ok(None);
    }
    alert.deadline_escalated = true;
    alert.updated_at = at.to_owned();
    let hours = open_for / 3600;
    let message = format!(
        "{}: the {} alert of check {} has been open for {hours} h, past its {} h deadline",
        alert.resource_arn,
        alert.severity,
        alert.check_id,
        deadline / 3600
    );
    let extra = Extra {
        why: Some(Why::Deadline),
        open_hours: Some(hours),
        ..Extra::default()
    };
    publish(ESCALATED, alert, config, message, extra).map(Some)
}

/// `compliance.scan.completed`: escalates the alerts whose deadline passed by the completion's
/// time, reading the deadline index in due order up to that time, at most
/// [`MAX_DUE_PER_EVENT`] entries.
///
/// Each entry examined is first copied to the completion's receipt (`swept/<event id>/…`): an
/// escalation removes the alert from the index, so a redelivered completion — its first
/// attempt failed, or its events were not published — could not find it there again. It replays
/// its receipt first, in the same order, and publishes the same escalations again.
fn sweep(event: &Event, kv: &mut impl KeyValue) -> Result<Vec<NewEvent>, DeliveryError> {
    let now = event_time(event)?;
    let config = Config::load(kv)?;
    let at = event.timestamp.as_str();
    let receipt = format!("{SWEPT_PREFIX}{}/", event.id);
    let mut out = Vec::new();
    let mut examined = 0;
    let check = |base: Option<Alert>| {
        let Some(mut alert) = base else {
            return Ok((None, Vec::new()));
        };
        if let Some(e) = past_deadline(&mut alert, now, at, &config)? {
            return Ok((Some(alert), vec![e]));
        }
        // Not due by today's settings: re-file it if its entry no longer fits.
        if due_key(&alert, &config)? != alert.due_entry {
            return Ok((Some(alert), Vec::new()));
        }
        Ok((None, Vec::new()))
    };
    // Receipts of other completions are done with; this one's is replayed.
    for key in all_keys(kv, SWEPT_PREFIX)? {
        match key.strip_prefix(&receipt) {
            Some(entry) => {
                if let Some((_, id)) = parse_entry(entry) {
                    examined += 1;
                    out.extend(apply(kv, &config, id, &event.id, None, check)?);
                }
            }
            None => kv.delete(&key)?,
        }
    }
    let mut cursor: Option<String> = None;
    loop {
        let (keys, next) = kv.list_keys(DUE_PREFIX, cursor.as_deref())?;
        for key in keys {
            let entry = key.strip_prefix(DUE_PREFIX).unwrap_or_default();
            let Some((due, id)) = parse_entry(entry) else {
                // Not an entry this plugin writes: drop it rather than trip on it forever.
                kv.delete(&key)?;
                continue;
            };
            if due > now || examined >= MAX_DUE_PER_EVENT {
                return Ok(out);
            }
            examined += 1;
            kv.set(&format!("{receipt}{entry}"), b"1")?;
            // Filed under the deadlines of its time: `check` judges by today's settings, and
            // `apply` drops the entry if it is no longer the alert's.
            out.extend(apply(kv, &config, id, &event.id, Some(&key), check)?);
        }
        match next {
            Some(n) => cursor = Some(n),
            None => return Ok(out),
        }
    }
}

/// The due time and alert id of an index entry (`<due>/<alert id>`).
fn parse_entry(entry: &str) -> Option<(i64, &str)> {
    let (due, id) = entry.split_once('/')?;
    Some((due.parse().ok()?, id))
}

/// Every key starting with `prefix`, in order.
fn all_keys(kv: &impl KeyValue, prefix: &str) -> Result<Vec<String>, DeliveryError> {
    let mut keys = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let (page, next) = kv.list_keys(prefix, cursor.as_deref())?;
        keys.extend(page);
        match next {
            Some(n) => cursor = Some(n),
            None => return Ok(keys),
        }
    }
}

/// Applies `step` to alert `id` as it was before event `input` (see [`Alert::prior`]), stores
/// the result when `step` changed it, keeps the deadline index in step (removing `seen`, the
/// entry that led here, if it is not the alert's entry), and returns the events.
fn apply(
    kv: &mut impl KeyValue,
    config: &Config,
    id: &str,
    input: &str,
    seen: Option<&str>,
    step: impl FnOnce(Option<Alert>) -> Result<(Option<Alert>, Vec<NewEvent>), DeliveryError>,
) -> Result<Vec<NewEvent>, DeliveryError> {
    let key = format!("{ALERT_PREFIX}{id}");
    let current = read(kv, &key)?;
    let base = match &current {
        Some(c) if c.last_input.as_deref() == Some(input) => c.prior.clone().map(|b| *b),
        other => other.clone(),
    };
    let (next, events) = step(base.clone())?;
    // Index entries to drop: `seen`, and when the record is replaced, the entries filed for
    // the records it replaces (both: a failed attempt may have stored one but not the other).
    let mut stale: Vec<String> = seen.map(str::to_owned).into_iter().collect();
    let changed = next.is_some();
    let wanted = match next {
        Some(mut next) => {
            for old in [&current, &base].into_iter().flatten() {
                stale.extend(old.due_entry.clone());
            }
            next.due_entry = due_key(&next, config)?;
            next.last_input = Some(input.to_owned());
            next.prior = base.map(|mut b| {
                b.last_input = None;
                b.prior = None;
                Box::new(b)
            });
            let json = serde_json::to_vec(&next)
                .map_err(|e| DeliveryError::Reject(format!("cannot encode alert {id}: {e}")))?;
            kv.set(&key, &json)?;
            next.due_entry
        }
        None => current.and_then(|c| c.due_entry),
    };
    stale.sort();
    stale.dedup();
    for old in stale.iter().filter(|k| Some(*k) != wanted.as_ref()) {
        kv.delete(old)?;
    }
    if let Some(wanted) = wanted
        && (changed || seen.is_some())
        && seen != Some(wanted.as_str())
    {
        kv.set(&wanted, b"1")?;
    }
    Ok(events)
}

/// The alert's entry in the deadline index, if it needs one.
fn due_key(alert: &Alert, config: &Config) -> Result<Option<String>, DeliveryError> {
    if alert.state != AlertState::Open || alert.deadline_escalated {
        return Ok(None);
    }
    Ok(due_unix(alert, config)?
        .map(|due| format!("{DUE_PREFIX}{:012}/{}", due.max(0), alert.alert_id)))
}

/// When the alert's current opening is due, by `config`'s deadline for its severity.
fn due_unix(alert: &Alert, config: &Config) -> Result<Option<i64>, DeliveryError> {
    match config.deadline(alert.severity) {
        Some(d) => Ok(Some(opened_unix(alert)? + d)),
        None => Ok(None),
    }
}

fn read(kv: &impl KeyValue, key: &str) -> Result<Option<Alert>, DeliveryError> {
    match kv.get(key)? {
        None => Ok(None),
        Some(raw) => serde_json::from_slice(&raw)
            .map(Some)
            .map_err(|e| DeliveryError::Reject(format!("stored alert {key} is unreadable: {e}"))),
    }
}

fn publish(
    event_type: &str,
    alert: &Alert,
    config: &Config,
    message: String,
    extra: Extra,
) -> Result<NewEvent, DeliveryError> {
    let due_at = due_unix(alert, config)?.map(format_rfc3339);
    let payload = Payload {
        alert_id: &alert.alert_id,
        origin: alert.origin,
        check_id: &alert.check_id,
        resource_arn: &alert.resource_arn,
        account_id: &alert.account_id,
        region: &alert.region,
        severity: alert.severity,
        state: alert.state,
        exposure: alert.exposure.as_deref(),
        scan_id: &alert.scan_id,
        opened_at: &alert.opened_at,
        due_at,
        occurrences: alert.occurrences,
        message,
        why: extra.why,
        previous_severity: extra.previous_severity,
        open_hours: extra.open_hours,
        reason: alert.reason,
        resolved_at: alert.resolved_at.as_deref(),
    };
    NewEvent::new(event_type, payload)
        .map_err(|e| DeliveryError::Reject(format!("cannot encode the {event_type} event: {e}")))
}

fn opened_unix(alert: &Alert) -> Result<i64, DeliveryError> {
    parse_rfc3339(&alert.opened_at).map_err(|e| {
        DeliveryError::Reject(format!(
            "stored alert {} is unreadable: {e}",
            alert.alert_id
        ))
    })
}

fn event_time(event: &Event) -> Result<i64, DeliveryError> {
    parse_rfc3339(&event.timestamp).map_err(|e| {
        DeliveryError::Reject(format!(
            "{} event {} has no usable timestamp: {e}",
            event.event_type, event.id
        ))
    })
}

fn malformed(event: &Event, e: serde_json::Error) -> DeliveryError {
    DeliveryError::Reject(format!(
        "malformed {} event {}: {e}",
        event.event_type, event.id
    ))
}
