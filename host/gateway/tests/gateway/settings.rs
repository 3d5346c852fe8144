//! The tenant's settings (mutelist, webhooks, accounts) and the platform's tenants.

use crate::support::{ACCOUNT, Server, error_code};
use lgp_tenant::Role;
use serde_json::{Value, json};

fn items(page: &Value) -> &Vec<Value> {
    page["items"].as_array().expect("items")
}

#[tokio::test]
async fn mute_rules_are_added_listed_and_removed_per_tenant() {
    let server = Server::start().await;
    let analyst = server.token("acme", Role::Analyst);
    let rule = json!({
        "checks": ["s3_bucket_*public*"], "resources": ["arn:aws:s3:::www-*"],
        "reason": "static website", "owner": "web-team"
    });
    let added = server.post("/v1/mutes", &analyst, &rule).await;
    assert_eq!(added.status(), 201);
    let added: Value = added.json().await.expect("JSON");
    let id = added["id"].as_str().expect("rule id").to_owned();
    let listed = server.get_json("/v1/mutes", &analyst).await;
    assert_eq!(items(&listed)[0]["id"], id.as_str());

    let bravo = server.token("bravo", Role::Admin);
    assert!(items(&server.get_json("/v1/mutes", &bravo).await).is_empty());
    let theirs = server
        .http
        .delete(format!("{}/v1/mutes/{id}", server.base))
        .bearer_auth(&bravo)
        .send()
        .await
        .expect("request");
    assert_eq!(theirs.status(), 404);

    let everything = json!({"reason": "lazy", "owner": "me"});
    let refused = server.post("/v1/mutes", &analyst, &everything).await;
    assert_eq!(refused.status(), 422);
    assert_eq!(error_code(refused).await, "invalid_body");

    let removed = server
        .http
        .delete(format!("{}/v1/mutes/{id}", server.base))
        .bearer_auth(&analyst)
        .send()
        .await
        .expect("request");
    assert_eq!(removed.status(), 200);
    assert!(items(&server.get_json("/v1/mutes", &analyst).await).is_empty());
}

#[tokio::test]
async fn webhook_secrets_are_never_answered() {
    let server = Server::start().await;
    let admin = server.token("acme", Role::Admin);
    let secret = "s3cr3t-s3cr3t-s3cr3t-s3cr3t";
    let added = server
        .post(
            "/v1/webhooks",
            &admin,
            &json!({"url": "https://hooks.example/lgp", "secret": secret, "format": "slack"}),
        )
        .await;
    assert_eq!(added.status(), 201);
    let text = added.text().await.expect("body");
    assert!(!text.contains(secret), "{text}");
    let listed = server.get_json("/v1/webhooks", &admin).await;
    assert_eq!(items(&listed).len(), 1);
    assert_eq!(items(&listed)[0]["format"], "slack");
    assert!(!listed.to_string().contains(secret));
    let bad = server
        .post(
            "/v1/webhooks",
            &admin,
            &json!({"url": "ftp://hooks.example", "secret": secret}),
        )
        .await;
    assert_eq!(bad.status(), 422);
    let bravo = server.token("bravo", Role::Admin);
    assert!(items(&server.get_json("/v1/webhooks", &bravo).await).is_empty());
}

#[tokio::test]
async fn accounts_show_whether_an_external_id_is_set_never_its_value() {
    let server = Server::start().await;
    let admin = server.token("acme", Role::Admin);
    let response = server
        .http
        .put(format!("{}/v1/accounts/210987654321", server.base))
        .bearer_auth(&admin)
        .json(&json!({
            "name": "staging",
            "role_arn": "arn:aws:iam::210987654321:role/lg-protect-scanner",
            "external_id": "ext-7f3a9c"
        }))
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), 200);
    let listed = server
        .get_json("/v1/accounts", &server.token("acme", Role::Viewer))
        .await;
    let ids: Vec<&str> = items(&listed)
        .iter()
        .map(|a| a["account_id"].as_str().expect("id"))
        .collect();
    assert!(
        ids.contains(&ACCOUNT) && ids.contains(&"210987654321"),
        "{listed}"
    );
    assert!(!listed.to_string().contains("ext-7f3a9c"));
    let staging = items(&listed)
        .iter()
        .find(|a| a["account_id"] == "210987654321")
        .expect("staging");
    assert_eq!(staging["external_id_set"], true);
    for (path, body, status) in [
        ("/v1/accounts/12345", json!({"name": "x"}), 400),
        (
            "/v1/accounts/210987654321",
            json!({"name": "x", "role_arn": "admin"}),
            422,
        ),
        ("/v1/accounts/210987654321", json!({"name": ""}), 422),
    ] {
        let response = server
            .http
            .put(format!("{}{path}", server.base))
            .bearer_auth(&admin)
            .json(&body)
            .send()
            .await
            .expect("request");
        assert_eq!(response.status(), status, "{path} {body}");
    }
}

#[tokio::test]
async fn platform_admins_create_and_list_tenants() {
    let server = Server::start().await;
    let operator = server.token("acme", Role::PlatformAdmin);
    let put = |id: &str, name: &str| {
        server
            .http
            .put(format!("{}/v1/tenants/{id}", server.base))
            .bearer_auth(&operator)
            .json(&json!({"name": name}))
            .send()
    };
    let created = put("newco", "NewCo").await.expect("request");
    assert_eq!(created.status(), 200);
    let created: Value = created.json().await.expect("JSON");
    let renamed: Value = put("newco", "NewCo Ltd")
        .await
        .expect("request")
        .json()
        .await
        .expect("JSON");
    assert_eq!(renamed["name"], "NewCo Ltd");
    assert_eq!(
        renamed["created_at"], created["created_at"],
        "creation time kept"
    );
    let listed = server.get_json("/v1/tenants", &operator).await;
    assert!(items(&listed).iter().any(|t| t["id"] == "newco"));
    let bad = put("Not A Tenant", "x").await.expect("request");
    assert_eq!(bad.status(), 400);
}
