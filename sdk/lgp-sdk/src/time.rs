//! RFC 3339 timestamps without a clock: parse them to Unix seconds and measure ages against the
//! scan's reference time ([`Context::now_unix_seconds`](crate::Context)).
//!
//! Guests have no clock (`std::time` would pull in `wasi:clocks`), and AWS timestamps are all
//! RFC 3339, so this small parser is all rules need.

use std::fmt;

/// Why a timestamp could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimeError {
    input: String,
    reason: &'static str,
}

impl fmt::Display for TimeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "invalid RFC 3339 timestamp {:?}: {}",
            self.input, self.reason
        )
    }
}

impl std::error::Error for TimeError {}

const SECONDS_PER_DAY: i64 = 86_400;

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's `days_from_civil`).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        _ => 28,
    }
}

/// Parses an RFC 3339 timestamp (`2024-05-01T12:30:00Z`, `2024-05-01T12:30:00.123+02:00`; a
/// space or lowercase `t`/`z` are accepted) into seconds since the Unix epoch. Fractions of a
/// second are dropped; a leap second counts as the next second.
pub fn parse_rfc3339(input: &str) -> Result<i64, TimeError> {
    let err = |reason| TimeError {
        input: input.to_owned(),
        reason,
    };
    let b = input.as_bytes();
    let num = |range: std::ops::Range<usize>| -> Result<i64, TimeError> {
        let digits = b.get(range).ok_or_else(|| err("too short"))?;
        digits.iter().try_fold(0i64, |acc, &d| {
            if d.is_ascii_digit() {
                Ok(acc * 10 + i64::from(d - b'0'))
            } else {
                Err(err("expected a digit"))
            }
        })
    };
    if b.len() < 20 {
        return Err(err("too short"));
    }
    if b[4] != b'-' || b[7] != b'-' || !matches!(b[10], b'T' | b't' | b' ') {
        return Err(err("expected YYYY-MM-DDTHH:MM:SS"));
    }
    if b[13] != b':' || b[16] != b':' {
        return Err(err("expected YYYY-MM-DDTHH:MM:SS"));
    }
    let (year, month, day) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (hour, minute, second) = (num(11..13)?, num(14..16)?, num(17..19)?);
    if !(1..=12).contains(&month) || day < 1 || day > days_in_month(year, month) {
        return Err(err("date out of range"));
    }
    if hour > 23 || minute > 59 || second > 60 {
        return Err(err("time out of range"));
    }
    let mut i = 19;
    if b[i] == b'.' {
        i += 1;
        let start = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        if i == start {
            return Err(err("empty fraction"));
        }
    }
    let offset = match b.get(i) {
        Some(b'Z' | b'z') if i + 1 == b.len() => 0,
        Some(sign @ (b'+' | b'-')) if i + 6 == b.len() && b[i + 3] == b':' => {
            let (oh, om) = (num(i + 1..i + 3)?, num(i + 4..i + 6)?);
            if oh > 23 || om > 59 {
                return Err(err("offset out of range"));
            }
            let minutes = oh * 60 + om;
            if *sign == b'+' { minutes } else { -minutes }
        }
        _ => return Err(err("expected Z or an offset such as +02:00 at the end")),
    };
    Ok(
        days_from_civil(year, month, day) * SECONDS_PER_DAY + hour * 3600 + minute * 60 + second
            - offset * 60,
    )
}

/// Whole days from `timestamp` to `now_unix_seconds`, rounded down (negative in the future).
pub fn age_in_days(timestamp: &str, now_unix_seconds: i64) -> Result<i64, TimeError> {
    let then = parse_rfc3339(timestamp)?;
    Ok((now_unix_seconds - then).div_euclid(SECONDS_PER_DAY))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_common_forms() {
        assert_eq!(parse_rfc3339("1970-01-01T00:00:00Z"), Ok(0));
        assert_eq!(parse_rfc3339("2025-01-01T00:00:00Z"), Ok(1_735_689_600));
        assert_eq!(
            parse_rfc3339("2025-01-01T02:00:00+02:00"),
            Ok(1_735_689_600)
        );
        assert_eq!(
            parse_rfc3339("2024-12-31t19:00:00.999999-05:00"),
            Ok(1_735_689_600)
        );
        assert_eq!(parse_rfc3339("2024-02-29 12:00:00z"), Ok(1_709_208_000));
        assert_eq!(parse_rfc3339("1969-12-31T23:59:59Z"), Ok(-1));
    }

    #[test]
    fn rejects_malformed() {
        for bad in [
            "2024-02-30T00:00:00Z",
            "2023-02-29T00:00:00Z",
            "2024-13-01T00:00:00Z",
            "2024-01-01T24:00:00Z",
            "2024-01-01T00:00:00",
            "2024-01-01",
            "2024-01-01T00:00:00.Z",
            "2024-01-01T00:00:00+0200",
            "20x4-01-01T00:00:00Z",
            "2024-01-01T00:00:00Zjunk",
        ] {
            let e = parse_rfc3339(bad).expect_err(bad);
            assert!(e.to_string().contains(bad), "{e}");
        }
    }

    #[test]
    fn ages_round_down() {
        let now = parse_rfc3339("2025-01-10T12:00:00Z").expect("valid");
        assert_eq!(age_in_days("2025-01-01T12:00:00Z", now), Ok(9));
        assert_eq!(age_in_days("2025-01-01T12:00:01Z", now), Ok(8));
        assert_eq!(age_in_days("2025-01-10T12:00:01Z", now), Ok(-1));
        assert_eq!(age_in_days("2024-01-10T12:00:00Z", now), Ok(366));
    }
}
