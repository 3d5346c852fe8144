//! A handler plugin that misbehaves on request: the event's type picks what it does.
//!
//! - `test.few`: emits three events and acknowledges.
//! - `test.flood`: emits one event at a time until the host refuses, then acknowledges anyway
//!   (the host must still fail the invocation: a refused emit is a limit violation).
//! - `test.big`: emits one event larger than any test's output cap.
//! - `test.retry` / `test.reject`: answers with that delivery error.
//! - `test.state`: calls every `state` and `query` function, which its manifest does not ask
//!   for, and emits one event listing each call's answer.

wit_bindgen::generate!({
    path: "../../../wit",
    world: "lg-protect:plugin/handler",
});

use exports::lg_protect::plugin::handle::Guest;
use lg_protect::plugin::emit::emit;
use lg_protect::plugin::types::{
    DeliveryError, Event, HostError, NewEvent, PluginInfo, PluginKind,
};
use lg_protect::plugin::{query, state};

struct Hostile;

impl Guest for Hostile {
    fn describe() -> PluginInfo {
        PluginInfo {
            name: "hostile-handler".into(),
            version: "0.1.0".into(),
            kind: PluginKind::Handler,
            description: "Misbehaves as each event's type asks, to test the sandbox.".into(),
            subscriptions: [
                "test.few",
                "test.flood",
                "test.big",
                "test.retry",
                "test.reject",
                "test.state",
            ]
            .map(String::from)
            .to_vec(),
            capabilities: Vec::new(),
        }
    }

    fn handle(event: Event) -> Result<(), DeliveryError> {
        match event.event_type.as_str() {
            "test.few" => {
                for i in 0..3 {
                    emit(&[out(&event, i, String::new())])
                        .map_err(|e| DeliveryError::Retry(format!("{e:?}")))?;
                }
                Ok(())
            }
            "test.flood" => {
                for i in 0..100_000 {
                    if emit(&[out(&event, i, String::new())]).is_err() {
                        break;
                    }
                }
                Ok(())
            }
            "test.big" => {
                let _ = emit(&[out(&event, 0, "z".repeat(1 << 20))]);
                Ok(())
            }
            "test.state" => {
                let answers = unrequested_capabilities();
                let data = format!(
                    "{{\"answers\":[{}]}}",
                    answers
                        .iter()
                        .map(|a| format!("{a:?}"))
                        .collect::<Vec<_>>()
                        .join(",")
                );
                emit(&[NewEvent {
                    event_type: "test.out".into(),
                    correlation_id: event.correlation_id.clone(),
                    data,
                }])
                .map_err(|e| DeliveryError::Retry(format!("{e:?}")))
            }
            "test.retry" => Err(DeliveryError::Retry("hostile: try again later".into())),
            "test.reject" => Err(DeliveryError::Reject(
                "hostile: this event is poison".into(),
            )),
            other => Err(DeliveryError::Reject(format!(
                "unexpected event type {other}"
            ))),
        }
    }
}

/// Calls every `state` and `query` function; each answer as `ok` or `<error case>: <message>`.
fn unrequested_capabilities() -> Vec<String> {
    fn answer<T>(r: Result<T, HostError>) -> String {
        match r {
            Ok(_) => "ok".into(),
            Err(HostError::Denied(m)) => format!("denied: {m}"),
            Err(HostError::LimitExceeded(m)) => format!("limit-exceeded: {m}"),
            Err(HostError::InvalidArgument(m)) => format!("invalid-argument: {m}"),
            Err(HostError::Unavailable(m)) => format!("unavailable: {m}"),
        }
    }
    let scan = "01JAAAAAAAAAAAAAAAAAAAAAAA".to_owned();
    vec![
        answer(state::get("k")),
        answer(state::set("k", b"v")),
        answer(state::delete("k")),
        answer(state::list_keys("", None)),
        answer(query::findings(&query::FindingQuery {
            scan_id: scan.clone(),
            check_id: None,
            cursor: None,
            limit: 10,
        })),
        answer(query::inventory(&query::InventoryQuery {
            scan_id: scan.clone(),
            kind: None,
            cursor: None,
            limit: 10,
        })),
        answer(query::previous_scan(&scan)),
    ]
}

fn out(event: &Event, i: u32, padding: String) -> NewEvent {
    NewEvent {
        event_type: "test.out".into(),
        correlation_id: event.correlation_id.clone(),
        data: format!(
            "{{\"n\":{i},\"cause\":\"{}\",\"pad\":\"{padding}\"}}",
            event.id
        ),
    }
}

export!(Hostile);
