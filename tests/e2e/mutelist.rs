//! The mutelist end to end: mute rules stored for a tenant change what the pipeline reports —
//! muted failures are kept and marked but raise no violation, muting a counted failure resolves
//! it, and an expired rule stops applying by itself, so its failure becomes a violation again.

use crate::pipeline::{failures, fixture, of_type, pairs, platform, s3_rules, scan, tenant};
use lgp_events::EventType;
use lgp_mutelist::{MuteRuleSpec, persist};
use lgp_runtime::{Runtime, RuntimeConfig};
use lgp_store::{PageRequest, ResultFilter};
use std::time::Duration;
use time::OffsetDateTime;

/// How long the expiring rule lives: long enough to cover one scan of the fixture.
const SHORT_LIFE: Duration = Duration::from_secs(3);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn muted_failures_raise_nothing_muting_resolves_and_expiry_brings_them_back() {
    let runtime = Runtime::new(RuntimeConfig::default(), None).expect("runtime");
    let rules = s3_rules(&runtime).await;
    let p = platform(std::slice::from_ref(&rules)).await;
    let acme = tenant("acme");
    let store = p.services.store.clone();
    let resources = fixture();
    let fails = failures(&rules, &resources).await;

    // What to mute: every failure of the web team's buckets in US regions, by a tag rule that
    // expires soon, and later one failure of another bucket, by check + ARN.
    let web: std::collections::BTreeSet<&str> = resources
        .iter()
        .filter(|r| {
            r.tags.get("owner").map(String::as_str) == Some("web") && r.region.starts_with("us-")
        })
        .map(|r| r.arn.as_str())
        .collect();
    let by_tag: Vec<(String, String)> = fails
        .iter()
        .filter(|(_, arn)| web.contains(arn.as_str()))
        .cloned()
        .collect();
    assert!(
        !by_tag.is_empty(),
        "the fixture's web buckets fail some checks"
    );
    let later = fails
        .iter()
        .find(|(_, arn)| !web.contains(arn.as_str()))
        .cloned()
        .expect("another failure");

    let now = OffsetDateTime::now_utc();
    let expiring = MuteRuleSpec {
        tags: [("owner".to_owned(), "w*b".to_owned())]
            .into_iter()
            .collect(),
        regions: vec!["us-*".into()],
        reason: "public website, public by design".into(),
        owner: "web-team".into(),
        expires_at: Some(now + SHORT_LIFE),
        ..MuteRuleSpec::default()
    }
    .validate(now)
    .expect("valid rule");
    persist::add(store.as_ref(), &acme, &expiring)
        .await
        .expect("stored");
    // Another tenant's rule never applies to acme.
    let other = MuteRuleSpec {
        checks: vec!["*".into()],
        resources: vec!["arn:aws:s3:::acme-*".into()],
        reason: "not acme's".into(),
        owner: "globex".into(),
        ..MuteRuleSpec::default()
    }
    .validate(now)
    .expect("valid rule");
    persist::add(store.as_ref(), &tenant("globex"), &other)
        .await
        .expect("stored");

    // Scan 1: the website's failures are stored muted and raise no violation.
    let (scan1, events1) = scan(&p, &acme, resources.clone()).await;
    let expected: std::collections::BTreeSet<_> = fails
        .iter()
        .filter(|pair| !by_tag.contains(pair))
        .cloned()
        .collect();
    assert_eq!(pairs(&events1, EventType::ComplianceViolation), expected);
    let muted = store
        .list_results(
            &acme,
            &ResultFilter {
                muted: Some(true),
                scan_id: Some(scan1.clone()),
                ..ResultFilter::default()
            },
            &PageRequest::first(1000),
        )
        .await
        .expect("list");
    assert!(
        muted
            .items
            .iter()
            .all(|r| web.contains(r.resource_arn.as_str()))
    );
    let muted_failing: Vec<(String, String)> = muted
        .items
        .iter()
        .filter(|r| r.status == lgp_model::Status::Fail)
        .map(|r| (r.check_id.clone(), r.resource_arn.clone()))
        .collect();
    assert_eq!(muted_failing, by_tag, "muted failures are kept, marked");
    let s1 = store.get_scan(&acme, &scan1).await.expect("scan");
    assert_eq!(s1.counters.muted as usize, muted.items.len());
    assert_eq!(s1.counters.failed as usize, expected.len());

    // Scan 2, after a rule for a counted failure is added: that failure resolves ("muted").
    let targeted = MuteRuleSpec {
        checks: vec![later.0.clone()],
        resources: vec![later.1.clone()],
        reason: "risk accepted in ticket SEC-42".into(),
        owner: "security".into(),
        ..MuteRuleSpec::default()
    }
    .validate(OffsetDateTime::now_utc())
    .expect("valid rule");
    persist::add(store.as_ref(), &acme, &targeted)
        .await
        .expect("stored");
    let (_, events2) = scan(&p, &acme, resources.clone()).await;
    assert!(of_type(&events2, EventType::ComplianceViolation).is_empty());
    let resolved = of_type(&events2, EventType::ComplianceResolved);
    assert_eq!(resolved.len(), 1, "{resolved:?}");
    assert_eq!(resolved[0].data["check_id"], later.0.as_str());
    assert_eq!(resolved[0].data["reason"], "muted");

    // Scan 3, once the tag rule has expired: the website's failures are violations again,
    // with nobody deleting the rule.
    let left = (now + SHORT_LIFE) - OffsetDateTime::now_utc();
    if left.is_positive() {
        tokio::time::sleep(left.unsigned_abs() + Duration::from_millis(50)).await;
    }
    let (_, events3) = scan(&p, &acme, resources.clone()).await;
    assert_eq!(
        pairs(&events3, EventType::ComplianceViolation),
        by_tag.iter().cloned().collect(),
        "expired mutes stop applying"
    );
    for v in of_type(&events3, EventType::ComplianceViolation) {
        assert_eq!(v.data["previous_status"], "fail");
    }
    assert_eq!(
        persist::list(store.as_ref(), &acme)
            .await
            .expect("list")
            .len(),
        2,
        "an expired rule stays listed until removed"
    );
    p.router.shutdown().await;
}
