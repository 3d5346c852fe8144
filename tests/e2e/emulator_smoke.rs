//! The AWS emulator harness itself: moto starts, the two S3 answers the Rust SDK rejects are
//! fixed, and the demo account seeds with the resources the AWS tests count on.

use crate::emulator::Emulator;
use std::io::{Read, Write};
use std::net::TcpStream;

/// A bare HTTP GET (no HTTP client among the test dependencies); returns the whole answer.
fn http_get(port: u16, path: &str) -> String {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("connect to the emulator");
    // A SigV4-shaped header routes the request to S3, as the SDK's would.
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nAuthorization: AWS4-HMAC-SHA256 \
         Credential=testing/20240101/us-east-1/s3/aws4_request, SignedHeaders=host, \
         Signature=0\r\nConnection: close\r\n\r\n"
    )
    .expect("send the request");
    let mut answer = String::new();
    stream.read_to_string(&mut answer).expect("read the answer");
    answer
}

/// The JSON number at `pointer`.
fn count(manifest: &serde_json::Value, pointer: &str) -> u64 {
    manifest
        .pointer(pointer)
        .and_then(serde_json::Value::as_u64)
        .unwrap_or_else(|| panic!("the manifest has no count at {pointer}"))
}

#[test]
fn emulator_starts_fixes_s3_roots_and_seeds_the_demo_account() {
    let emulator = Emulator::start();
    assert!(emulator.endpoint_url().starts_with("http://127.0.0.1:"));
    let manifest = emulator.seed();

    // Both regions and IAM, with at least 260 resources in all.
    let regions: Vec<&str> = manifest["regions"]
        .as_array()
        .expect("regions")
        .iter()
        .filter_map(serde_json::Value::as_str)
        .collect();
    assert_eq!(regions, ["us-east-1", "eu-west-1"]);
    assert_eq!(manifest["account_id"], "123456789012");
    let total = count(&manifest, "/counts/total");
    assert!(total >= 260, "only {total} resources seeded");
    for region in ["us-east-1", "eu-west-1"] {
        assert!(count(&manifest, &format!("/counts/by_region/{region}")) >= 100);
        for kind in [
            "aws:ec2:instance",
            "aws:ec2:security-group",
            "aws:ec2:network-acl",
            "aws:ec2:vpc",
            "aws:ec2:flow-log",
            "aws:ec2:volume",
            "aws:ec2:snapshot",
            "aws:ec2:image",
            "aws:ec2:launch-template",
            "aws:ec2:elastic-ip",
            "aws:ec2:network-interface",
            "aws:s3:bucket",
        ] {
            let n = count(&manifest, &format!("/counts/by_kind/{kind}/{region}"));
            assert!(n >= 1, "no {kind} in {region}");
        }
    }
    for kind in [
        "aws:iam:user",
        "aws:iam:group",
        "aws:iam:role",
        "aws:iam:policy",
        "aws:iam:mfa-device",
        "aws:iam:server-certificate",
        "aws:iam:saml-provider",
    ] {
        assert!(count(&manifest, &format!("/counts/by_kind/{kind}/global")) >= 1);
    }
    // The per-kind counts add up to the total.
    let sum: u64 = manifest["counts"]["by_kind"]
        .as_object()
        .expect("by_kind")
        .values()
        .flat_map(|regions| regions.as_object().expect("per region").values())
        .filter_map(serde_json::Value::as_u64)
        .sum();
    assert_eq!(sum, total);

    // Mixed on purpose: some buckets public, some security groups open to the world.
    let buckets = manifest["s3"]["buckets"].as_array().expect("buckets");
    assert!(buckets.iter().any(|b| b["public"] == true));
    assert!(buckets.iter().any(|b| b["public"] == false));
    let groups = manifest["ec2"]["us-east-1"]["security_groups"]
        .as_array()
        .expect("security groups");
    assert!(groups.iter().any(|g| {
        g["open_to_world"]
            .as_array()
            .is_some_and(|open| open.iter().any(|rule| rule["from_port"] == 22))
    }));

    // GetBucketVersioning / GetBucketNotificationConfiguration come back with S3's root elements.
    let versioned = buckets
        .iter()
        .find(|b| b["versioning"] == "Enabled")
        .and_then(|b| b["name"].as_str())
        .expect("a versioned bucket");
    let answer = http_get(emulator.port(), &format!("/{versioned}?versioning"));
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    let (head, body) = answer.split_once("\r\n\r\n").expect("headers end");
    let length = head
        .lines()
        .find_map(|l| {
            l.to_ascii_lowercase()
                .strip_prefix("content-length:")
                .map(|v| v.trim().to_owned())
        })
        .expect("a Content-Length");
    assert_eq!(
        length,
        body.len().to_string(),
        "Content-Length fixed: {answer}"
    );
    assert!(answer.contains("<VersioningConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Status>Enabled</Status></VersioningConfiguration>"), "{answer}");
    let notified = buckets
        .iter()
        .find(|b| b["notifications"].as_array().is_some_and(|n| !n.is_empty()))
        .and_then(|b| b["name"].as_str())
        .expect("a bucket with notifications");
    let answer = http_get(emulator.port(), &format!("/{notified}?notification"));
    assert!(
        answer.contains("<NotificationConfiguration xmlns="),
        "{answer}"
    );
    assert!(answer.contains("<QueueConfiguration>"), "{answer}");
    assert!(
        answer.trim_end().ends_with("</NotificationConfiguration>"),
        "{answer}"
    );
    // Other answers are untouched; errors keep their <Error> root.
    let answer = http_get(emulator.port(), "/no-such-bucket-lgp?versioning");
    assert!(
        answer.contains("<Error><Code>NoSuchBucket</Code>"),
        "{answer}"
    );
}
