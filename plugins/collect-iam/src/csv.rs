//! A small CSV reader for the IAM credential report: a header line, then one line per user,
//! comma-separated. The report never quotes today, but a quoted field (`"a,b"`, `""` for a quote)
//! is read correctly anyway, and `\r\n` line ends and blank lines are tolerated.

use std::collections::BTreeMap;

/// One data line, by column name. Columns missing at the end of a short line are absent.
pub type Record = BTreeMap<String, String>;

/// Reads `text` into records keyed by the header's column names.
pub fn records(text: &str) -> Vec<Record> {
    let mut lines = text
        .lines()
        .map(|l| l.strip_suffix('\r').unwrap_or(l))
        .filter(|l| !l.trim().is_empty());
    let Some(header) = lines.next() else {
        return Vec::new();
    };
    let columns: Vec<String> = fields(header)
        .into_iter()
        .map(|c| c.trim().to_owned())
        .collect();
    lines
        .map(|line| columns.iter().cloned().zip(fields(line)).collect())
        .collect()
}

/// Splits one line into its fields, unquoting quoted ones.
fn fields(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' if quoted && chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            '"' => quoted = !quoted,
            ',' if !quoted => out.push(std::mem::take(&mut field)),
            c => field.push(c),
        }
    }
    out.push(field);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_reports_shape() {
        let text = "user,arn,password_enabled\r\n<root_account>,arn:aws:iam::1:root,not_supported\r\n\r\nbob,arn:aws:iam::1:user/bob,true\n";
        let rows = records(text);
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0]["user"], "<root_account>");
        assert_eq!(rows[1]["password_enabled"], "true");
        assert_eq!(rows[1]["arn"], "arn:aws:iam::1:user/bob");
    }

    #[test]
    fn quotes_short_lines_and_empty_input() {
        let rows = records("a,b,c\n\"x,y\",\"say \"\"hi\"\"\"\nonly\n");
        assert_eq!(rows[0]["a"], "x,y");
        assert_eq!(rows[0]["b"], "say \"hi\"");
        assert!(!rows[0].contains_key("c"));
        assert_eq!(rows[1].len(), 1);
        assert!(records("").is_empty());
        assert!(records("a,b\n").is_empty());
    }
}
