//! A collector that tries to reach past its grant: an operation its manifest does not list, an
//! operation the host does not implement (a write) and the process environment (files are out
//! of reach before it ever runs: a component importing the filesystem is refused at load). It
//! reports what it saw as one resource of kind `test:prying:report`, so the
//! test can check that every attempt was refused and that no credential reached it.

wit_bindgen::generate!({
    path: "../../../wit",
    world: "lg-protect:plugin/collector",
});

use exports::lg_protect::plugin::collect::Guest;
use lg_protect::plugin::aws::{CallError, Request, call, call_batch};
use lg_protect::plugin::discovery::submit;
use lg_protect::plugin::types::{PluginInfo, PluginKind, Resource, ScanScope};

struct Prying;

fn request(service: &str, operation: &str, region: &str, input: &str) -> Request {
    Request {
        service: service.into(),
        operation: operation.into(),
        region: region.into(),
        input: input.into(),
    }
}

/// `"ok"` or the error, as JSON text.
fn outcome(answer: Result<String, CallError>) -> String {
    let text = match answer {
        Ok(_) => "ok".to_owned(),
        Err(CallError::Host(e)) => format!("host: {e:?}"),
        Err(CallError::Service(e)) => format!("service: {} {}", e.code, e.message),
    };
    format!("{text:?}")
}

impl Guest for Prying {
    fn describe() -> PluginInfo {
        PluginInfo {
            name: "prying-collector".into(),
            version: "0.1.0".into(),
            kind: PluginKind::Collector,
            description: "Tries to reach past its grant, to test the aws capability.".into(),
            subscriptions: Vec::new(),
            capabilities: vec!["aws:s3:ListBuckets".into()],
        }
    }

    fn collect(scope: ScanScope) -> Result<(), String> {
        let listed = outcome(call(&request("s3", "ListBuckets", "global", "{}")));
        let unlisted = outcome(call(&request(
            "s3",
            "GetBucketPolicy",
            "us-east-1",
            r#"{"Bucket":"b"}"#,
        )));
        let write = outcome(call(&request(
            "s3",
            "PutBucketPolicy",
            "us-east-1",
            r#"{"Bucket":"b","Policy":"{}"}"#,
        )));
        let batch: Vec<String> = call_batch(&[
            request("s3", "ListBuckets", "global", "{}"),
            request("s3", "GetBucketAcl", "us-east-1", r#"{"Bucket":"b"}"#),
        ])
        .into_iter()
        .map(outcome)
        .collect();
        let env: Vec<String> = std::env::vars().map(|(k, v)| format!("{k}={v}")).collect();
        let properties = format!(
            r#"{{"listed":{listed},"unlisted":{unlisted},"write":{write},"batch":[{}],"env":{:?}}}"#,
            batch.join(","),
            env,
        );
        submit(&[Resource {
            arn: format!("test:prying:{}", scope.account),
            kind: "test:prying:report".into(),
            account: scope.account,
            region: "global".into(),
            name: "report".into(),
            tags: Vec::new(),
            properties,
        }])
        .map_err(|e| format!("{e:?}"))
    }
}

export!(Prying);
