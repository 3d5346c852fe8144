//! LG-Protect's built-in alert engine: turns compliance and security events into alerts that
//! open, escalate and resolve.
//!
//! It subscribes to `compliance.violation`, `compliance.resolved`, `security.threat`,
//! `security.resolved` and `compliance.scan.completed`, and asks for the `state` and `notify`
//! capabilities.
//!
//! - A violation at or above the tenant's severity threshold (default [`config::DEFAULT_THRESHOLD`],
//!   HIGH), and every `security.threat`, opens an alert: `alert.triggered`. The alert's id is
//!   deterministic ([`lifecycle::alert_id`] of origin × check × resource), so a repeat
//!   violation updates the open alert and publishes nothing.
//! - `compliance.resolved` / `security.resolved` (reason `passed`, `resource_removed` or
//!   `muted`) resolve the open alert: `alert.resolved`, with the reason.
//! - `alert.escalated` says why: `deadline` — open past its severity's deadline
//!   ([`config::DEFAULT_DEADLINES`]: critical 24 h, high 72 h, medium 7 d), checked on every event
//!   about the alert and, for every open alert, on `compliance.scan.completed`, once per
//!   opening; `severity_raised` — a new violation is more severe; `reoccurred` — a resolved
//!   alert fails again, which reopens it (no second `alert.triggered`).
//!
//! The plugin has no clock: "now" is the timestamp of the event being handled. Muted results
//! raise nothing, since the pipeline publishes no violation for them (and a `compliance.resolved`
//! with reason `muted` resolves the alert). The payloads are documented in `docs/events.md`.
//!
//! # State layout
//!
//! Key/value state private to this plugin and the event's tenant:
//!
//! | key | value |
//! |---|---|
//! | `config/threshold` | optional; a severity name (`medium`, or the JSON `"medium"`) |
//! | `config/deadlines` | optional; JSON object of severity → hours, e.g. `{"high": 48, "low": 720}`; `null` removes a deadline |
//! | `alert/<alert id>` | the JSON [`lifecycle::Alert`]: identity, severity, state, current opening, whether it escalated past its deadline, and the record before the last event that changed it |
//! | `due/<due time>/<alert id>` | `1` while the alert is open, has a deadline and has not escalated past it; the due time in Unix seconds over twelve digits, so a completed scan reads the index in due order and stops at its own time |
//! | `swept/<event id>/<due time>/<alert id>` | `1` for each entry the last completed scan examined: its receipt, replayed if that completion is delivered again |
//!
//! A redelivered event is applied to the record as it was before that event, so it publishes
//! the same alert events again (to which the host gives the same ids) rather than nothing.
//! Changed deadline settings apply to an alert when it next changes or when its index entry
//! comes up (a shortened deadline is therefore noticed on the alert's next event).
//!
//! # Notifications
//!
//! Every alert event it emits is also handed to the host's `notify` capability, which sends it to
//! the webhook endpoints the tenant configured for that event type (`lgp webhook add`), signed and
//! retried by the host once the invocation succeeds. The plugin names no URL and cannot reach
//! anything else. A host that does not grant `notify` only costs the notifications.
//!
//! What it deliberately does not do: it keeps no table of its own for people — the host mirrors
//! the alert events into its alerts table (`lgp alerts`), where alerts are acknowledged.
//! Acknowledging does not change the plugin's lifecycle.

pub mod clock;
pub mod config;
pub mod kv;
pub mod lifecycle;

use kv::HostState;
use lgp_sdk::handler::{self, DeliveryError, Event};
use lgp_sdk::{HandlerPlugin, HostError, PluginInfo};
use lifecycle::{COMPLIANCE_RESOLVED, SCAN_COMPLETED, SECURITY_RESOLVED, THREAT, VIOLATION};

/// The alert handler plugin.
pub struct Alerts;

impl HandlerPlugin for Alerts {
    fn info() -> PluginInfo {
        PluginInfo::handler(
            "alerts",
            env!("CARGO_PKG_VERSION"),
            "Opens, deduplicates, escalates and resolves alerts for severe violations and security threats.",
        )
        .subscribe(VIOLATION)
        .subscribe(COMPLIANCE_RESOLVED)
        .subscribe(THREAT)
        .subscribe(SECURITY_RESOLVED)
        .subscribe(SCAN_COMPLETED)
        .capability("state")
        .capability("notify")
    }

    fn handle(event: Event) -> Result<(), DeliveryError> {
        let events = lifecycle::react(&event, &mut HostState)?;
        if !events.is_empty() {
            handler::emit(&events)?;
        }
        for e in &events {
            match handler::notify::deliver(&e.event_type, &e.data) {
                Ok(_) => {}
                // Not granted here: alerts still open and resolve, only unannounced.
                Err(HostError::Denied(why)) => {
                    lgp_sdk::log::warn(&format!("{} not sent to webhooks: {why}", e.event_type));
                    break;
                }
                Err(other) => return Err(other.into()),
            }
        }
        Ok(())
    }
}

lgp_sdk::export_handler!(Alerts);

#[cfg(test)]
mod tests;
