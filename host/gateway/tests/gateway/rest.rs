//! The REST routes: what they answer, and that a tenant only ever sees its own data.

use crate::support::{ACCOUNT, Server, error_code, event, resource, tenant};
use lgp_events::EventType;
use lgp_store::Store;
use lgp_tenant::Role;
use serde_json::{Value, json};

#[tokio::test]
async fn another_tenants_objects_are_404_never_403() {
    let server = Server::start().await;
    let scan_id = server.start_scan("acme").await;
    let results = server
        .record_results("acme", &scan_id, "s3_bucket_public", 2)
        .await;
    server
        .store
        .put_report(&tenant("acme"), &scan_id, "json", b"{}")
        .await
        .expect("report");
    server.record_alert("acme", "alert-a", "open").await;
    let acme = server.token("acme", Role::Admin);
    let bravo = server.token("bravo", Role::Admin);
    let paths = [
        format!("/v1/scans/{scan_id}"),
        format!("/v1/findings/{}", results[0]),
        format!("/v1/scans/{scan_id}/reports/json"),
    ];
    for path in &paths {
        assert_eq!(server.get(path, &acme).await.status(), 200, "{path}");
        let response = server.get(path, &bravo).await;
        assert_eq!(response.status(), 404, "{path}");
        assert_eq!(error_code(response).await, "not_found");
    }
    let ack = server
        .post("/v1/alerts/alert-a/acknowledge", &bravo, &json!({}))
        .await;
    assert_eq!(ack.status(), 404);
    for listing in ["/v1/scans", "/v1/findings", "/v1/alerts"] {
        let page = server.get_json(listing, &bravo).await;
        assert_eq!(page["items"], json!([]), "{listing}");
    }
}

#[tokio::test]
async fn starting_a_scan_answers_202_with_its_location_and_progress() {
    let server = Server::start().await;
    let analyst = server.token("acme", Role::Analyst);
    let response = server
        .post(
            "/v1/scans",
            &analyst,
            &json!({"account_id": ACCOUNT, "regions": ["eu-west-1"]}),
        )
        .await;
    assert_eq!(response.status(), 202);
    let location = response.headers()["location"]
        .to_str()
        .expect("ascii")
        .to_owned();
    let body: Value = response.json().await.expect("JSON");
    let scan_id = body["scan_id"].as_str().expect("scan id");
    assert_eq!(location, format!("/v1/scans/{scan_id}"));
    let scan = server.get_json(&location, &analyst).await;
    assert_eq!(scan["status"], "running");
    assert_eq!(scan["counters"]["resources"], 0);
    assert!(scan["errors"].is_object());

    let unknown = server
        .post(
            "/v1/scans",
            &analyst,
            &json!({"account_id": "999999999999"}),
        )
        .await;
    assert_eq!(unknown.status(), 422);
    assert_eq!(error_code(unknown).await, "unknown_account");
    for bad in [json!({"account_id": ""}), json!({"account": ACCOUNT})] {
        let response = server.post("/v1/scans", &analyst, &bad).await;
        assert_eq!(response.status(), 422, "{bad}");
        assert_eq!(error_code(response).await, "invalid_body");
    }
}

#[tokio::test]
async fn findings_filter_by_status_severity_check_muted_and_scan() {
    let server = Server::start().await;
    let scan_id = server.start_scan("acme").await;
    server
        .record_results("acme", &scan_id, "s3_bucket_public", 6)
        .await;
    let token = server.token("acme", Role::Viewer);
    let count = |page: &Value| page["items"].as_array().expect("items").len();
    let all = server.get_json("/v1/findings", &token).await;
    assert_eq!(count(&all), 6);
    let failing = server.get_json("/v1/findings?status=fail", &token).await;
    assert_eq!(count(&failing), 3);
    assert!(
        failing["items"]
            .as_array()
            .expect("items")
            .iter()
            .all(|f| f["status"] == "fail")
    );
    let muted = server.get_json("/v1/findings?muted=true", &token).await;
    assert_eq!(count(&muted), 2);
    let query = format!("/v1/findings?check=s3_bucket_public&severity=high&scan={scan_id}");
    assert_eq!(count(&server.get_json(&query, &token).await), 6);
    let none = server
        .get_json("/v1/findings?check=iam_root_mfa", &token)
        .await;
    assert_eq!(count(&none), 0);
    let one = server
        .get_json("/v1/findings?resource=arn:aws:s3:::bucket-0001", &token)
        .await;
    assert_eq!(count(&one), 1);
    for bad in [
        "/v1/findings?status=broken",
        "/v1/findings?muted=perhaps",
        "/v1/findings?colour=red",
        "/v1/findings?limit=0",
    ] {
        let response = server.get(bad, &token).await;
        assert_eq!(response.status(), 400, "{bad}");
        let code = error_code(response).await;
        assert!(
            ["invalid_query", "invalid_limit"].contains(&code.as_str()),
            "{bad}: {code}"
        );
    }
}

#[tokio::test]
async fn inventory_filters_by_kind_region_and_tag() {
    let server = Server::start().await;
    let scan_id = server.start_scan("acme").await;
    server
        .record_resources(
            "acme",
            &scan_id,
            &[
                resource(
                    "arn:aws:s3:::logs",
                    "aws:s3:bucket",
                    "eu-west-1",
                    &[("env", "prod")],
                ),
                resource(
                    "arn:aws:s3:::data",
                    "aws:s3:bucket",
                    "us-east-1",
                    &[("env", "dev")],
                ),
                resource(
                    "arn:aws:ec2:eu-west-1:1:instance/i-1",
                    "aws:ec2:instance",
                    "eu-west-1",
                    &[],
                ),
            ],
        )
        .await;
    let token = server.token("acme", Role::Viewer);
    let arns = |page: Value| -> Vec<String> {
        page["items"]
            .as_array()
            .expect("items")
            .iter()
            .map(|r| r["arn"].as_str().expect("arn").to_owned())
            .collect()
    };
    assert_eq!(
        arns(
            server
                .get_json("/v1/inventory?kind=aws:s3:bucket", &token)
                .await
        ),
        ["arn:aws:s3:::data", "arn:aws:s3:::logs"]
    );
    assert_eq!(
        arns(
            server
                .get_json("/v1/inventory?region=us-east-1", &token)
                .await
        ),
        ["arn:aws:s3:::data"]
    );
    assert_eq!(
        arns(server.get_json("/v1/inventory?tag=env", &token).await).len(),
        2
    );
    assert_eq!(
        arns(
            server
                .get_json("/v1/inventory?tag=env%3Dprod", &token)
                .await
        ),
        ["arn:aws:s3:::logs"]
    );
    let response = server.get("/v1/inventory?tag=%3Dprod", &token).await;
    assert_eq!(response.status(), 400);
}

#[tokio::test]
async fn reports_come_with_their_content_type() {
    let server = Server::start().await;
    let scan_id = server.start_scan("acme").await;
    let acme = tenant("acme");
    for (format, body) in [
        ("json", "{}"),
        ("csv", "check,status\n"),
        ("html", "<html></html>"),
        ("ocsf", "[]"),
    ] {
        server
            .store
            .put_report(&acme, &scan_id, format, body.as_bytes())
            .await
            .expect("report");
    }
    let token = server.token("acme", Role::Viewer);
    for (format, content_type) in [
        ("json", "application/json"),
        ("csv", "text/csv; charset=utf-8"),
        ("html", "text/html; charset=utf-8"),
        ("ocsf", "application/json"),
    ] {
        let response = server
            .get(&format!("/v1/scans/{scan_id}/reports/{format}"), &token)
            .await;
        assert_eq!(response.status(), 200, "{format}");
        assert_eq!(response.headers()["content-type"], content_type, "{format}");
    }
    let pdf = server
        .get(&format!("/v1/scans/{scan_id}/reports/pdf"), &token)
        .await;
    assert_eq!(pdf.status(), 400);
    assert_eq!(error_code(pdf).await, "invalid_path");
    let other = server.start_scan("acme").await;
    let missing = server
        .get(&format!("/v1/scans/{other}/reports/json"), &token)
        .await;
    assert_eq!(missing.status(), 404);
}

#[tokio::test]
async fn alerts_list_by_state_and_acknowledge_once_open() {
    let server = Server::start().await;
    server.record_alert("acme", "a-open", "open").await;
    server.record_alert("acme", "a-resolved", "resolved").await;
    let analyst = server.token("acme", Role::Analyst);
    let open = server.get_json("/v1/alerts?state=open", &analyst).await;
    assert_eq!(open["items"].as_array().expect("items").len(), 1);
    let acked = server
        .post("/v1/alerts/a-open/acknowledge", &analyst, &json!({}))
        .await;
    assert_eq!(acked.status(), 200);
    let alert: Value = acked.json().await.expect("JSON");
    assert_eq!(alert["state"], "acknowledged");
    assert_eq!(alert["acknowledged_by"], "tester");
    let listed = server
        .get_json("/v1/alerts?state=acknowledged", &analyst)
        .await;
    assert_eq!(listed["items"][0]["alert_id"], "a-open");
    let resolved = server
        .post("/v1/alerts/a-resolved/acknowledge", &analyst, &json!({}))
        .await;
    assert_eq!(resolved.status(), 409);
    assert_eq!(error_code(resolved).await, "alert_resolved");
    let bad = server.get("/v1/alerts?state=sleeping", &analyst).await;
    assert_eq!(bad.status(), 400);
}

#[tokio::test]
async fn the_audit_trail_is_opened_and_filtered() {
    let server = Server::start().await;
    let mut events = vec![
        event("acme", EventType::InventoryScanStarted, 0),
        event("acme", EventType::ComplianceViolation, 1),
        event("acme", EventType::ComplianceViolation, 2),
    ];
    events[2].correlation_id = Some("scan-2".into());
    server.record_events("acme", &events).await;
    server
        .record_events("bravo", &[event("bravo", EventType::AlertTriggered, 9)])
        .await;
    let token = server.token("acme", Role::Viewer);
    let all = server.get_json("/v1/events", &token).await;
    let items = all["items"].as_array().expect("items");
    assert_eq!(items.len(), 3, "bravo's event stays bravo's");
    assert_eq!(items[1]["data"], json!({"n": 1}), "data is opened");
    assert_eq!(items[0]["event_id"], events[0].event_id.to_string());
    let violations = server
        .get_json("/v1/events?type=compliance.violation", &token)
        .await;
    assert_eq!(violations["items"].as_array().expect("items").len(), 2);
    let scan2 = server.get_json("/v1/events?scan=scan-2", &token).await;
    assert_eq!(scan2["items"].as_array().expect("items").len(), 1);
    let future = server
        .get_json("/v1/events?since=2200-01-01T00:00:00Z", &token)
        .await;
    assert_eq!(future["items"], json!([]));
    for bad in [
        "/v1/events?since=yesterday",
        "/v1/events?type=alert.exploded",
    ] {
        let response = server.get(bad, &token).await;
        assert_eq!(response.status(), 400, "{bad}");
        assert_eq!(error_code(response).await, "invalid_query");
    }
}

#[tokio::test]
async fn checks_and_frameworks_are_listed() {
    let server = Server::start().await;
    let token = server.token("acme", Role::Viewer);
    let checks = server.get_json("/v1/checks", &token).await;
    assert_eq!(
        checks["items"][0]["id"], "s3_bucket_public",
        "most severe first"
    );
    assert_eq!(checks["next"], Value::Null);
    let s3 = server.get_json("/v1/checks?service=S3", &token).await;
    assert_eq!(s3["items"].as_array().expect("items").len(), 1);
    let unknown = server.get("/v1/checks?framework=cis-aws-0.1", &token).await;
    assert_eq!(unknown.status(), 400);
    assert_eq!(error_code(unknown).await, "unknown_framework");
    let frameworks = server.get_json("/v1/frameworks", &token).await;
    let cis = frameworks["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|f| f["id"] == "cis-aws-3.0")
        .expect("cis-aws-3.0 listed");
    assert!(cis["automated"].as_u64().expect("count") >= 1);
}

#[tokio::test]
async fn findings_filter_by_framework_and_control_and_page_across_their_checks() {
    let server = Server::start().await;
    let scan_id = server.start_scan("acme").await;
    server
        .record_results("acme", &scan_id, "s3_bucket_public", 5)
        .await;
    server
        .record_results("acme", &scan_id, "iam_root_mfa", 4)
        .await;
    let token = server.token("acme", Role::Viewer);
    let checks_of = |page: &Value| -> Vec<String> {
        page["items"]
            .as_array()
            .expect("items")
            .iter()
            .map(|f| f["check_id"].as_str().expect("check").to_owned())
            .collect()
    };

    // Both checks answer CIS 3.0, read three at a time: every finding once, in check order.
    let mut seen = Vec::new();
    let mut cursor = String::new();
    loop {
        let page = server
            .get_json(
                &format!("/v1/findings?framework=cis-aws-3.0&limit=3&cursor={cursor}"),
                &token,
            )
            .await;
        assert!(page["items"].as_array().expect("items").len() <= 3);
        seen.extend(checks_of(&page));
        match page["next"].as_str() {
            Some(next) => cursor = next.to_owned(),
            None => break,
        }
    }
    let mut expected = vec!["iam_root_mfa".to_owned(); 4];
    expected.extend(vec!["s3_bucket_public".to_owned(); 5]);
    assert_eq!(seen, expected);

    let control = server
        .get_json("/v1/findings?framework=cis-aws-3.0&control=2.1.1", &token)
        .await;
    assert_eq!(checks_of(&control), vec!["s3_bucket_public"; 5]);
    let failing = server
        .get_json(
            "/v1/findings?framework=cis-aws-3.0&status=fail&check=iam_root_mfa",
            &token,
        )
        .await;
    assert_eq!(checks_of(&failing), vec!["iam_root_mfa"; 2]);
    let unmapped = server.get_json("/v1/findings?framework=soc2", &token).await;
    assert_eq!(unmapped["items"], serde_json::json!([]));
    assert_eq!(unmapped["next"], Value::Null);

    for (bad, code) in [
        ("/v1/findings?framework=cis-aws-9.9", "unknown_framework"),
        ("/v1/findings?control=2.1.1", "invalid_query"),
        (
            "/v1/findings?framework=cis-aws-3.0&cursor=garbage",
            "bad_cursor",
        ),
    ] {
        let response = server.get(bad, &token).await;
        assert_eq!(response.status(), 400, "{bad}");
        assert_eq!(error_code(response).await, code, "{bad}");
    }
}

#[tokio::test]
async fn a_running_scan_is_cancelled_once_and_only_by_its_tenant() {
    let server = Server::start().await;
    let scan_id = server.start_scan("acme").await;
    let analyst = server.token("acme", Role::Analyst);
    let cancel = |token: String| {
        let url = format!("{}/v1/scans/{scan_id}/cancel", server.base);
        let http = server.http.clone();
        async move {
            http.post(url)
                .bearer_auth(token)
                .send()
                .await
                .expect("request")
        }
    };
    let other = cancel(server.token("globex", Role::Analyst)).await;
    assert_eq!(
        other.status(),
        404,
        "another tenant's scan does not exist for it"
    );
    let viewer = cancel(server.token("acme", Role::Viewer)).await;
    assert_eq!(viewer.status(), 403);

    let cancelled = cancel(analyst.clone()).await;
    assert_eq!(cancelled.status(), 200);
    let body: Value = cancelled.json().await.expect("JSON");
    assert_eq!(body["status"], "cancelled");
    assert!(body["finished_at"].is_string());
    let stored = server
        .get_json(&format!("/v1/scans/{scan_id}"), &analyst)
        .await;
    assert_eq!(stored["status"], "cancelled");

    let again = cancel(analyst).await;
    assert_eq!(again.status(), 409);
    assert_eq!(error_code(again).await, "scan_not_running");
}
