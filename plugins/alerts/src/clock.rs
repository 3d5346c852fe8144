//! Time without a clock: the plugin measures how long an alert is open by the RFC 3339
//! timestamps of the events it receives, and writes due dates back in the same form.

/// Formats seconds since the Unix epoch as RFC 3339 UTC (`2026-11-30T06:00:00Z`).
pub fn format_rfc3339(unix_seconds: i64) -> String {
    let days = unix_seconds.div_euclid(86_400);
    let secs = unix_seconds.rem_euclid(86_400);
    let (year, month, day) = civil_from_days(days);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        secs / 3600,
        secs % 3600 / 60,
        secs % 60
    )
}

/// The proleptic Gregorian date of a day count since 1970-01-01 (Howard Hinnant's
/// `civil_from_days`, the inverse of the SDK's parser).
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;
    use lgp_sdk::time::parse_rfc3339;

    #[test]
    fn formats_what_the_sdk_parses() {
        assert_eq!(format_rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(format_rfc3339(1_709_208_000), "2024-02-29T12:00:00Z");
        assert_eq!(format_rfc3339(-1), "1969-12-31T23:59:59Z");
        for t in [
            0,
            951_782_400,
            1_735_689_599,
            4_102_444_800,
            1_798_675_200 + 86_399,
        ] {
            assert_eq!(parse_rfc3339(&format_rfc3339(t)), Ok(t), "{t}");
        }
    }
}
