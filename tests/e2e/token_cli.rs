//! `lgp token` as a developer runs it: with `LGP_JWT_SECRET` it prints a token that the
//! verifier accepts with the tenant and role asked for; without a usable secret, or with a
//! role that does not exist, it fails and says why.

use lgp_tenant::{AuthConfig, Permission, Role, Verifier};
use std::process::{Command, Output};

const LGP: &str = env!("CARGO_BIN_EXE_lgp-under-test");
const SECRET: &str = "e2e test secret, long enough for HS256";

fn lgp_token(args: &[&str], secret: Option<&str>) -> Output {
    let mut command = Command::new(LGP);
    command
        .arg("token")
        .args(args)
        .env_remove("LGP_JWKS_URL")
        .env_remove("LGP_JWT_ISSUER")
        .env_remove("LGP_JWT_AUDIENCE");
    match secret {
        Some(secret) => command.env("LGP_JWT_SECRET", secret),
        None => command.env_remove("LGP_JWT_SECRET"),
    };
    command.output().expect("lgp runs")
}

#[tokio::test]
async fn a_minted_token_verifies_with_its_tenant_and_role() {
    let out = lgp_token(
        &[
            "--tenant",
            "acme",
            "--role",
            "analyst",
            "--ttl",
            "10m",
            "--subject",
            "ci",
        ],
        Some(SECRET),
    );
    assert!(
        out.status.success(),
        "lgp token failed\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8(out.stdout).expect("utf-8");
    let token = stdout.trim();
    assert_eq!(token.split('.').count(), 3, "one JWT on stdout: {stdout:?}");

    let verifier = Verifier::new(&AuthConfig {
        jwt_secret: Some(SECRET.into()),
        ..AuthConfig::default()
    })
    .expect("verifier");
    let claims = verifier
        .verify_bearer(Some(&format!("Bearer {token}")))
        .await
        .expect("the verifier accepts the minted token");
    assert_eq!(claims.tenant.as_str(), "acme");
    assert_eq!(claims.roles, [Role::Analyst]);
    assert_eq!(claims.sub, "ci");
    assert!(claims.allows(Permission::Scan));
    assert!(!claims.allows(Permission::ManagePlugins));
    let lifetime = claims.exp - claims.iat.expect("iat");
    assert_eq!(lifetime, 600);

    // Another secret's verifier refuses it.
    let other = Verifier::new(&AuthConfig {
        jwt_secret: Some("a different secret, also long enough".into()),
        ..AuthConfig::default()
    })
    .expect("verifier");
    assert!(other.verify(token).await.is_err());
}

#[test]
fn without_a_usable_secret_or_with_an_unknown_role_it_fails_and_says_why() {
    let args = ["--tenant", "acme", "--role", "admin"];
    for (secret, expected) in [
        (None, "LGP_JWT_SECRET is not set"),
        (Some(""), "LGP_JWT_SECRET is not set"),
        (Some("short"), "LGP_JWT_SECRET is too short"),
    ] {
        let out = lgp_token(&args, secret);
        assert!(!out.status.success(), "secret {secret:?} accepted");
        assert!(out.stdout.is_empty(), "no token on stdout");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains(expected), "{stderr}");
    }
    let out = lgp_token(&["--tenant", "acme", "--role", "root"], Some(SECRET));
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("unknown role \"root\""),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = lgp_token(&["--tenant", "Acme Corp", "--role", "admin"], Some(SECRET));
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("invalid tenant id"));
}
