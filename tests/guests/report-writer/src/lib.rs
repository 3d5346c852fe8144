//! A handler that writes reports as its event tells it, to test the host's `reports` capability:
//! the event's data is `{"writes": [{"scan_id", "format", "text"}…], "fail": bool}`. Each write
//! is one `reports.append`; the first refused one rejects the delivery with the host's message,
//! and `fail` rejects it after every write went through.

use lgp_sdk::handler::{DeliveryError, Event, reports};
use lgp_sdk::{HandlerPlugin, PluginInfo};
use serde_json::Value;

struct ReportWriter;

impl HandlerPlugin for ReportWriter {
    fn info() -> PluginInfo {
        PluginInfo::handler(
            "report-writer",
            "0.1.0",
            "Appends the report chunks its event names.",
        )
        .subscribe("compliance.scan.completed")
        .capability("reports")
    }

    fn handle(event: Event) -> Result<(), DeliveryError> {
        let data: Value = event.data()?;
        for write in data["writes"].as_array().into_iter().flatten() {
            let field = |name: &str| write[name].as_str().unwrap_or_default().to_owned();
            reports::append(
                &field("scan_id"),
                &field("format"),
                field("text").as_bytes(),
            )
            .map_err(|e| DeliveryError::Reject(e.to_string()))?;
        }
        if data["fail"] == Value::Bool(true) {
            return Err(DeliveryError::Reject("asked to fail".into()));
        }
        Ok(())
    }
}

lgp_sdk::export_handler!(ReportWriter);
