//! Secret detection for text a collector reads but must never store, such as EC2 user data.
//!
//! A collector runs [`detect`] (or [`inspect_base64`] for AWS's base64 attributes) inside the
//! sandbox and keeps only the [`Detection`]s: which kind of secret, on which line. The text
//! itself never leaves the collector, so no inventory, event or report can leak it.
//!
//! ```
//! use lgp_sdk::secrets::detect;
//!
//! let script = "#!/bin/bash\nexport AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE\nDB_PASSWORD=${DB_PASSWORD}\n";
//! let found = detect(script);
//! assert_eq!(found.len(), 1); // the variable reference is not a secret
//! assert_eq!((found[0].kind.as_str(), found[0].line), ("aws_access_key_id", 2));
//! ```
//!
//! What it deliberately does not do: decompress (gzip user data is reported as not inspected,
//! the SDK carries no decompressor), follow `#include` URLs, or judge whether a secret is still
//! valid. Patterns favour precision: a generic `password=`/`token=` assignment counts only when
//! its value is long and varied enough and is not a variable reference or a placeholder.

use serde::{Deserialize, Serialize};
use std::fmt;

/// An AWS access key id (`AKIA…` long-term, `ASIA…` temporary).
pub const AWS_ACCESS_KEY_ID: &str = "aws_access_key_id";
/// A 40-character AWS secret access key, on a line naming a secret or near an access key id.
pub const AWS_SECRET_ACCESS_KEY: &str = "aws_secret_access_key";
/// A PEM private key (`-----BEGIN … PRIVATE KEY-----`).
pub const PRIVATE_KEY: &str = "private_key";
/// A GitHub token (`ghp_`, `gho_`, `ghu_`, `ghs_`, `ghr_`, `github_pat_`).
pub const GITHUB_TOKEN: &str = "github_token";
/// A Slack token (`xoxb-`, `xoxp-`, `xoxa-`, `xoxr-`, `xoxs-`).
pub const SLACK_TOKEN: &str = "slack_token";
/// A Slack incoming webhook URL.
pub const SLACK_WEBHOOK: &str = "slack_webhook";
/// A URL with a password in it (`scheme://user:password@host`).
pub const URL_PASSWORD: &str = "url_with_password";
/// A `password=`, `secret:`, `token=`, `--password …`-style assignment with a literal value.
pub const ASSIGNED_SECRET: &str = "assigned_secret";

/// One secret found: its kind (one of this module's constants) and its 1-based line. Never the
/// text.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Detection {
    /// What was found, e.g. [`AWS_ACCESS_KEY_ID`].
    pub kind: String,
    /// The line it is on, counted from 1.
    pub line: u64,
}

/// How far (in lines) a 40-character token may sit from an access key id and still count as
/// its secret key: the pair is usually written on adjacent lines of one block.
const KEY_PAIR_DISTANCE: u64 = 3;

/// Shortest literal value a generic assignment needs to count: shorter ones are flags, ports
/// or placeholders far more often than secrets.
const MIN_ASSIGNED_LEN: usize = 8;

/// Least Shannon entropy (bits per character) of a generic assigned value: keeps out `xxxxxxxx`,
/// `********` and `aaaabbbb`, while any real password of 8+ varied characters clears it.
const MIN_ASSIGNED_ENTROPY: f64 = 2.5;

/// Key words whose assignment is a secret (`DB_PASSWORD=`, `api_key:`, `--token`).
const SECRET_KEY_WORDS: [&str; 9] = [
    "password",
    "passwd",
    "secret",
    "token",
    "apikey",
    "api_key",
    "api-key",
    "private_key",
    "credential",
];

/// Key words that make a key about a secret's location or shape, not the secret itself
/// (`password_file`, `token_path`, `secret_name`).
const NOT_A_VALUE_WORDS: [&str; 8] = [
    "file", "path", "name", "url", "length", "policy", "arn", "id",
];

/// Placeholders written where a secret would go.
const PLACEHOLDERS: [&str; 8] = [
    "changeme",
    "password",
    "example",
    "redacted",
    "placeholder",
    "your_",
    "your-",
    "secret",
];

/// Every secret in `text`, in line order, at most one per kind and line.
pub fn detect(text: &str) -> Vec<Detection> {
    let lines: Vec<&str> = text.lines().collect();
    let mut found: Vec<Detection> = Vec::new();
    let mut add = |kind: &str, line: u64| {
        let d = Detection {
            kind: kind.to_owned(),
            line,
        };
        if !found.contains(&d) {
            found.push(d);
        }
    };
    let key_id_lines: Vec<u64> = numbered(&lines)
        .filter(|(_, l)| !access_key_ids(l).is_empty())
        .map(|(n, _)| n)
        .collect();
    for (n, line) in numbered(&lines) {
        let mut specific = false;
        let mut hit = |kind: &str| {
            specific = true;
            add(kind, n);
        };
        if key_id_lines.contains(&n) {
            hit(AWS_ACCESS_KEY_ID);
        }
        let near_key_id = key_id_lines
            .iter()
            .any(|k| k.abs_diff(n) <= KEY_PAIR_DISTANCE);
        let names_secret = line.to_ascii_lowercase().contains("secret");
        if (near_key_id || names_secret) && has_secret_access_key(line) {
            hit(AWS_SECRET_ACCESS_KEY);
        }
        if line.contains("-----BEGIN ") && line.contains("PRIVATE KEY") {
            hit(PRIVATE_KEY);
        }
        if has_github_token(line) {
            hit(GITHUB_TOKEN);
        }
        if has_slack_token(line) {
            hit(SLACK_TOKEN);
        }
        if line.contains("https://hooks.slack.com/services/T") {
            hit(SLACK_WEBHOOK);
        }
        if has_url_password(line) {
            hit(URL_PASSWORD);
        }
        // A line already explained by a precise pattern is not counted again generically.
        if !specific && has_assigned_secret(line) {
            add(ASSIGNED_SECRET, n);
        }
    }
    found
}

fn numbered<'a>(lines: &'a [&'a str]) -> impl Iterator<Item = (u64, &'a str)> {
    (1u64..).zip(lines.iter().copied())
}

/// The maximal runs of characters satisfying `keep`.
fn words(line: &str, keep: impl Fn(char) -> bool) -> impl Iterator<Item = &str> {
    line.split(move |c: char| !keep(c))
        .filter(|w| !w.is_empty())
}

fn access_key_ids(line: &str) -> Vec<&str> {
    words(line, |c| c.is_ascii_alphanumeric())
        .filter(|w| {
            w.len() == 20
                && ["AKIA", "ASIA"].iter().any(|p| w.starts_with(p))
                && w[4..]
                    .chars()
                    .all(|c| c.is_ascii_uppercase() || ('2'..='7').contains(&c))
        })
        .collect()
}

fn has_secret_access_key(line: &str) -> bool {
    words(line, |c| c.is_ascii_alphanumeric() || c == '/' || c == '+').any(|w| {
        w.len() == 40
            && w.chars().any(|c| c.is_ascii_lowercase())
            && w.chars().any(|c| c.is_ascii_uppercase())
            && w.chars()
                .any(|c| c.is_ascii_digit() || c == '/' || c == '+')
    })
}

fn has_github_token(line: &str) -> bool {
    words(line, |c| c.is_ascii_alphanumeric() || c == '_').any(|w| {
        let classic = ["ghp_", "gho_", "ghu_", "ghs_", "ghr_"]
            .iter()
            .any(|p| w.starts_with(p) && w.len() >= 40);
        classic || (w.starts_with("github_pat_") && w.len() >= 40)
    })
}

fn has_slack_token(line: &str) -> bool {
    words(line, |c| c.is_ascii_alphanumeric() || c == '-').any(|w| {
        ["xoxb-", "xoxp-", "xoxa-", "xoxr-", "xoxs-"]
            .iter()
            .any(|p| w.starts_with(p) && w.len() >= 20)
    })
}

fn has_url_password(line: &str) -> bool {
    line.match_indices("://").any(|(i, _)| {
        let rest = &line[i + 3..];
        let authority = rest
            .split(|c: char| c == '/' || c.is_whitespace() || c == '"' || c == '\'')
            .next()
            .unwrap_or("");
        let Some((userinfo, _host)) = authority.rsplit_once('@') else {
            return false;
        };
        userinfo
            .split_once(':')
            .is_some_and(|(_, password)| is_literal_secret(password, 1))
    })
}

/// Whether the line assigns a literal secret to a secret-named key: `KEY=value`, `key: value`,
/// `"key": "value"`, or a `--key value` command-line option.
fn has_assigned_secret(line: &str) -> bool {
    let assigned = line.char_indices().any(|(i, c)| {
        if c != '=' && c != ':' {
            return false;
        }
        let key = line[..i].trim_end().trim_end_matches(['"', '\'']);
        let key = key
            .rsplit(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.')))
            .next()
            .unwrap_or("");
        is_secret_key(key) && is_literal_secret(first_value(&line[i + 1..]), MIN_ASSIGNED_LEN)
    });
    if assigned {
        return true;
    }
    let tokens: Vec<&str> = line.split_whitespace().collect();
    tokens.windows(2).any(|pair| {
        pair[0].starts_with("--")
            && is_secret_key(pair[0])
            && is_literal_secret(first_value(pair[1]), MIN_ASSIGNED_LEN)
    })
}

fn is_secret_key(key: &str) -> bool {
    let key = key.to_ascii_lowercase();
    SECRET_KEY_WORDS.iter().any(|w| key.contains(w))
        && !NOT_A_VALUE_WORDS.iter().any(|w| {
            ['_', '-', '.']
                .iter()
                .any(|sep| key.ends_with(&format!("{sep}{w}")))
        })
}

/// The value after a separator: quotes removed, up to the closing quote or the first space,
/// comma or semicolon.
fn first_value(rest: &str) -> &str {
    let rest = rest.trim_start();
    match rest.chars().next() {
        Some(q @ ('"' | '\'')) => rest[1..].split(q).next().unwrap_or(""),
        _ => rest
            .split(|c: char| c.is_whitespace() || c == ',' || c == ';')
            .next()
            .unwrap_or(""),
    }
}

/// Whether `value` is a literal that looks like a secret: long and varied enough, and not a
/// variable reference, command substitution, template or placeholder.
fn is_literal_secret(value: &str, min_len: usize) -> bool {
    let lower = value.to_ascii_lowercase();
    let reference = value.starts_with('$')
        || value.starts_with('%')
        || value.starts_with('<')
        || value.contains("{{")
        || value.contains("${")
        || value.starts_with('`');
    let placeholder = PLACEHOLDERS.iter().any(|p| lower.starts_with(p));
    let keyword = matches!(
        lower.as_str(),
        "true" | "false" | "null" | "none" | "required"
    );
    value.chars().count() >= min_len
        && !reference
        && !placeholder
        && !keyword
        && (min_len < MIN_ASSIGNED_LEN || entropy(value) >= MIN_ASSIGNED_ENTROPY)
}

/// Shannon entropy of `s` in bits per character.
fn entropy(s: &str) -> f64 {
    let mut counts = std::collections::HashMap::new();
    let mut total = 0usize;
    for c in s.chars() {
        *counts.entry(c).or_insert(0usize) += 1;
        total += 1;
    }
    if total == 0 {
        return 0.0;
    }
    // Counts are at most a line's length: far below f64's exact integer range.
    let n = total as f64;
    counts
        .values()
        .map(|&k| {
            let p = k as f64 / n;
            -p * p.log2()
        })
        .sum()
}

/// Why encoded text could not be inspected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotInspected {
    /// It is gzip-compressed (cloud-init accepts that); the SDK has no decompressor.
    Compressed,
    /// It is not valid base64.
    NotBase64,
}

impl NotInspected {
    /// A short reason, as stored in inventories.
    pub fn as_str(self) -> &'static str {
        match self {
            NotInspected::Compressed => "compressed",
            NotInspected::NotBase64 => "not_base64",
        }
    }
}

impl fmt::Display for NotInspected {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Decodes AWS's base64 text (`UserData`) and runs [`detect`] on it. Bytes that are not UTF-8
/// are read lossily: a secret in a text part of a binary blob is still a secret.
pub fn inspect_base64(encoded: &str) -> Result<Vec<Detection>, NotInspected> {
    let bytes = decode_base64(encoded).ok_or(NotInspected::NotBase64)?;
    if bytes.starts_with(&[0x1f, 0x8b]) {
        return Err(NotInspected::Compressed);
    }
    Ok(detect(&String::from_utf8_lossy(&bytes)))
}

/// Standard base64 (RFC 4648, padding optional, whitespace ignored); `None` when malformed.
fn decode_base64(encoded: &str) -> Option<Vec<u8>> {
    let sextet = |c: u8| -> Option<u32> {
        Some(u32::from(match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        }))
    };
    let symbols: Vec<u8> = encoded
        .bytes()
        .filter(|b| !b.is_ascii_whitespace())
        .collect();
    let data = match symbols.iter().position(|&b| b == b'=') {
        Some(pad)
            if symbols[pad..].iter().all(|&b| b == b'=') && symbols.len().is_multiple_of(4) =>
        {
            &symbols[..pad]
        }
        Some(_) => return None,
        None => &symbols[..],
    };
    if data.len() % 4 == 1 {
        return None;
    }
    let mut out = Vec::with_capacity(data.len() * 3 / 4);
    for chunk in data.chunks(4) {
        let mut acc = 0u32;
        for &c in chunk {
            acc = acc << 6 | sextet(c)?;
        }
        acc <<= 6 * (4 - chunk.len() as u32);
        let bytes = acc.to_be_bytes();
        out.extend_from_slice(&bytes[1..chunk.len()]);
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<(String, u64)> {
        detect(text).into_iter().map(|d| (d.kind, d.line)).collect()
    }

    fn one(kind: &str, line: u64) -> Vec<(String, u64)> {
        vec![(kind.to_owned(), line)]
    }

    #[test]
    fn aws_key_pairs() {
        let script = "#!/bin/bash\nexport AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\nexport AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE\n/opt/app/run\n";
        assert_eq!(
            kinds(script),
            vec![
                (AWS_SECRET_ACCESS_KEY.to_owned(), 2),
                (AWS_ACCESS_KEY_ID.to_owned(), 3)
            ]
        );
        // A temporary key id in a config file, its secret on the next line without the word.
        let ini = "[default]\naws_access_key_id = ASIAY34FZKBOKMUTVV7A\nkey2 = 9drTJvcXLB89EXAMPLEd/rzZbfh+fUzGTR+ExmPL\n";
        assert_eq!(
            kinds(ini),
            vec![
                (AWS_ACCESS_KEY_ID.to_owned(), 2),
                (AWS_SECRET_ACCESS_KEY.to_owned(), 3)
            ]
        );
        // A 40-character token alone, far from any key id and not named secret, is not one
        // (git commit ids, hashes).
        assert!(kinds("git checkout 0123456789abcdef0123456789abcdef01234567\n").is_empty());
        // A key id inside a longer word is not one.
        assert!(kinds("X=AKIAIOSFODNN7EXAMPLEXX\n").is_empty());
    }

    #[test]
    fn private_keys_and_tokens() {
        assert_eq!(
            kinds("cat > k <<EOF\n-----BEGIN RSA PRIVATE KEY-----\nMIIE\n"),
            one(PRIVATE_KEY, 2)
        );
        assert_eq!(
            kinds("-----BEGIN OPENSSH PRIVATE KEY-----"),
            one(PRIVATE_KEY, 1)
        );
        assert!(kinds("-----BEGIN CERTIFICATE-----\n-----BEGIN PUBLIC KEY-----\n").is_empty());
        assert_eq!(
            kinds("git clone https://ghp_0123456789abcdefghijABCDEFGHIJ012345@github.com/o/r"),
            one(GITHUB_TOKEN, 1)
        );
        assert_eq!(
            kinds("SLACK=xoxb-123456789012-abcdefghijkl"),
            one(SLACK_TOKEN, 1)
        );
        assert_eq!(
            kinds("curl -X POST https://hooks.slack.com/services/T000/B000/XXXX"),
            one(SLACK_WEBHOOK, 1)
        );
        assert!(kinds("ghp_short xoxb-1").is_empty());
    }

    #[test]
    fn urls_with_passwords() {
        assert_eq!(
            kinds("DATABASE_URL=postgres://app:s3cr3tPw@db:5432/app"),
            one(URL_PASSWORD, 1)
        );
        assert!(kinds("postgres://app:${DB_PASSWORD}@db/app").is_empty());
        assert!(kinds("postgres://app@db/app https://example.com:8443/x").is_empty());
    }

    #[test]
    fn generic_assignments_need_a_literal_varied_value() {
        for line in [
            "DB_PASSWORD=Tr0ub4dor&3xyz",
            "export API_TOKEN='q8Zr2LmP0xVn'",
            "  client_secret: \"hJ7kL9pQ2wE4\"",
            "{\"password\": \"n0t-s0-s3cret!\"}",
            "mysql --password Zx81Qw09Er",
            "app --api-key=Zx81Qw09Er",
        ] {
            assert_eq!(kinds(line), one(ASSIGNED_SECRET, 1), "{line}");
        }
        for line in [
            "password=",
            "PASSWORD=\"\"",
            "DB_PASSWORD=${DB_PASSWORD}",
            "DB_PASSWORD=$DB_PASSWORD",
            "TOKEN=$(aws ssm get-parameter --name t --query Parameter.Value)",
            "password: {{ vault_password }}",
            "password: <your password here>",
            "password=xxxxxxxxxxxx",
            "password=********",
            "password=changeme123",
            "secret_name=prod/db",
            "password_file=/run/secrets/db_password_value",
            "token_path: /var/run/secrets/kubernetes.io/token",
            "require_password: true",
            "PASSWORD_LENGTH=16",
            "short_token=abc",
            "echo hello world",
        ] {
            assert!(kinds(line).is_empty(), "{line}: {:?}", kinds(line));
        }
    }

    #[test]
    fn one_detection_per_kind_and_line() {
        let text = "a=AKIAIOSFODNN7EXAMPLE b=AKIAIOSFODNN7EXAMPLE\n";
        assert_eq!(kinds(text), one(AWS_ACCESS_KEY_ID, 1));
        assert!(detect("").is_empty());
    }

    #[test]
    fn base64_user_data() {
        // "#!/bin/bash\nexport AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE\n"
        let encoded =
            "IyEvYmluL2Jhc2gKZXhwb3J0IEFXU19BQ0NFU1NfS0VZX0lEPUFLSUFJT1NGT0ROTjdFWEFNUExFCg==";
        assert_eq!(
            inspect_base64(encoded),
            Ok(vec![Detection {
                kind: AWS_ACCESS_KEY_ID.to_owned(),
                line: 2
            }])
        );
        assert_eq!(inspect_base64("IyEvYmluL2Jhc2g="), Ok(Vec::new()));
        // Unpadded and wrapped input decodes too.
        assert_eq!(decode_base64("YWJj\nZA"), Some(b"abcd".to_vec()));
        assert_eq!(decode_base64("YQ=="), Some(b"a".to_vec()));
        // gzip magic (1f 8b 08 …).
        assert_eq!(
            inspect_base64("H4sIAAAAAAAA"),
            Err(NotInspected::Compressed)
        );
        assert_eq!(inspect_base64("not base64!"), Err(NotInspected::NotBase64));
        assert_eq!(inspect_base64("YQ=x"), Err(NotInspected::NotBase64));
        assert_eq!(NotInspected::Compressed.to_string(), "compressed");
    }
}
