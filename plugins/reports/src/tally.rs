//! The aggregates every format starts from: counts by status, severity, service and check, and
//! per framework control; and from them each control's status and each framework's posture.
//! Its size depends on the catalogue, never on the number of results.

use crate::catalog::{Catalog, Row};
use lgp_sdk::{Severity, Status};
use serde::Serialize;
use std::collections::BTreeMap;

/// Counts of the results no mute covers, by status.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct StatusTotals {
    /// Passing.
    pub pass: u64,
    /// Failing.
    pub fail: u64,
    /// Undecided.
    pub error: u64,
    /// Needing a person.
    pub manual: u64,
}

impl StatusTotals {
    fn add(&mut self, status: Status) {
        match status {
            Status::Pass => self.pass += 1,
            Status::Fail => self.fail += 1,
            Status::Error => self.error += 1,
            Status::Manual => self.manual += 1,
        }
    }
}

/// The results of one framework control, and its results' outcomes at the previous scan.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct ControlCounts {
    /// Unmuted passing results.
    pub pass: u64,
    /// Unmuted failing results.
    pub fail: u64,
    /// Muted results, whatever their status.
    pub muted: u64,
    /// Unmuted manual results.
    pub manual: u64,
    /// Unmuted error results.
    pub error: u64,
    /// Results that passed unmuted at the previous scan.
    #[serde(skip)]
    pub prev_pass: u64,
    /// Results that failed unmuted at the previous scan.
    #[serde(skip)]
    pub prev_fail: u64,
}

/// Where a control stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ControlStatus {
    /// Some result passes and none fails (muted results aside).
    Pass,
    /// Some unmuted result fails.
    Fail,
    /// It has results and every one is muted.
    Muted,
    /// No check answers it, or its unmuted results need a person (none passes, fails or errs).
    Manual,
    /// No unmuted result passes or fails, and some is an error: undecided.
    Error,
    /// Checks answer it, but the scan found nothing for them to evaluate.
    NotEvaluated,
}

impl ControlStatus {
    /// Every status, in the order reports list them.
    pub const ALL: [ControlStatus; 6] = [
        ControlStatus::Pass,
        ControlStatus::Fail,
        ControlStatus::Muted,
        ControlStatus::Manual,
        ControlStatus::Error,
        ControlStatus::NotEvaluated,
    ];

    /// The status's name in the reports.
    pub fn as_str(self) -> &'static str {
        match self {
            ControlStatus::Pass => "pass",
            ControlStatus::Fail => "fail",
            ControlStatus::Muted => "muted",
            ControlStatus::Manual => "manual",
            ControlStatus::Error => "error",
            ControlStatus::NotEvaluated => "not_evaluated",
        }
    }

    fn of(c: &ControlCounts, answered: bool) -> Self {
        if c.fail > 0 {
            ControlStatus::Fail
        } else if c.pass > 0 {
            ControlStatus::Pass
        } else if c.error > 0 {
            ControlStatus::Error
        } else if c.manual > 0 || !answered {
            ControlStatus::Manual
        } else if c.muted > 0 {
            ControlStatus::Muted
        } else {
            ControlStatus::NotEvaluated
        }
    }
}

/// A control's decided status at the previous scan.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PriorControl {
    /// Some result passed unmuted and none failed unmuted.
    Pass,
    /// Some result failed unmuted.
    Fail,
}

impl PriorControl {
    /// The status's name in the reports.
    pub fn as_str(self) -> &'static str {
        match self {
            PriorControl::Pass => "pass",
            PriorControl::Fail => "fail",
        }
    }

    fn of(c: &ControlCounts) -> Option<Self> {
        if c.prev_fail > 0 {
            Some(PriorControl::Fail)
        } else if c.prev_pass > 0 {
            Some(PriorControl::Pass)
        } else {
            None
        }
    }
}

/// Severities from the most serious down, the order reports list them in.
pub const SEVERITIES: [Severity; 5] = [
    Severity::Critical,
    Severity::High,
    Severity::Medium,
    Severity::Low,
    Severity::Informational,
];

/// The position of `s` in [`SEVERITIES`].
pub fn severity_slot(s: Severity) -> usize {
    match s {
        Severity::Critical => 0,
        Severity::High => 1,
        Severity::Medium => 2,
        Severity::Low => 3,
        Severity::Informational => 4,
    }
}

/// The aggregates of a scan's results.
#[derive(Debug, Clone)]
pub struct Tally {
    /// Results of the scan.
    pub results: u64,
    /// Unmuted results by status.
    pub totals: StatusTotals,
    /// Muted results, whatever their status.
    pub muted: u64,
    /// Unmuted failures by severity, in [`SEVERITIES`] order.
    pub failures_by_severity: [u64; 5],
    /// Unmuted failures by service, for every service with a result.
    pub failures_by_service: BTreeMap<String, u64>,
    /// Unmuted failures by check, for every check with one.
    pub failures_by_check: BTreeMap<String, u64>,
    /// Unmuted error results by check, for every check with one.
    pub errors_by_check: BTreeMap<String, u64>,
    /// Per framework of the catalogue, per control.
    pub controls: Vec<Vec<ControlCounts>>,
}

impl Tally {
    /// Empty aggregates shaped for `catalog`'s frameworks.
    pub fn new(catalog: &Catalog) -> Self {
        Tally {
            results: 0,
            totals: StatusTotals::default(),
            muted: 0,
            failures_by_severity: [0; 5],
            failures_by_service: BTreeMap::new(),
            failures_by_check: BTreeMap::new(),
            errors_by_check: BTreeMap::new(),
            controls: catalog
                .frameworks
                .iter()
                .map(|f| vec![ControlCounts::default(); f.framework.controls.len()])
                .collect(),
        }
    }

    /// Counts one result of the scan. `with_previous` says whether there is a previous scan
    /// whose outcomes (in `result.previous`) count towards the previous posture.
    pub fn add(&mut self, row: &Row<'_>, with_previous: bool) {
        let r = row.result;
        self.results += 1;
        if r.muted {
            self.muted += 1;
        } else {
            self.totals.add(r.status);
        }
        let fails = u64::from(row.fails());
        bump(&mut self.failures_by_service, &r.service, fails);
        if fails > 0 {
            self.failures_by_severity[severity_slot(r.severity)] += 1;
            bump(&mut self.failures_by_check, &r.check_id, 1);
        }
        if r.status == Status::Error && !r.muted {
            bump(&mut self.errors_by_check, &r.check_id, 1);
        }
        let previous = r.previous.filter(|_| with_previous);
        for &(fi, ci) in &row.check.controls {
            let c = &mut self.controls[fi][ci];
            match (r.muted, r.status) {
                (true, _) => c.muted += 1,
                (false, Status::Pass) => c.pass += 1,
                (false, Status::Fail) => c.fail += 1,
                (false, Status::Manual) => c.manual += 1,
                (false, Status::Error) => c.error += 1,
            }
            if let Some(p) = previous {
                count_prior(c, p.status, p.muted);
            }
        }
    }

    /// Counts a result only the previous scan saw (its resource disappeared or its check stopped
    /// running) towards the previous posture: with the results the scan saw again, these are
    /// the previous scan's results.
    pub fn add_gone(&mut self, row: &Row<'_>) {
        let r = row.result;
        for &(fi, ci) in &row.check.controls {
            count_prior(&mut self.controls[fi][ci], r.status, r.muted);
        }
    }

    /// Each framework's control statuses and posture.
    pub fn postures(&self, catalog: &Catalog, with_previous: bool) -> Vec<Posture> {
        catalog
            .frameworks
            .iter()
            .zip(&self.controls)
            .map(|(f, counts)| {
                let statuses: Vec<ControlStatus> = counts
                    .iter()
                    .zip(&f.checks)
                    .map(|(c, checks)| ControlStatus::of(c, !checks.is_empty()))
                    .collect();
                let previous: Vec<Option<PriorControl>> = counts
                    .iter()
                    .map(|c| PriorControl::of(c).filter(|_| with_previous))
                    .collect();
                let mut p = Posture {
                    statuses,
                    previous,
                    score: None,
                    previous_score: None,
                };
                p.score = score(p.count(ControlStatus::Pass), p.count(ControlStatus::Fail));
                p.previous_score = score(p.prior(PriorControl::Pass), p.prior(PriorControl::Fail));
                p
            })
            .collect()
    }
}

/// Adds `n` to `key`'s count, adding the key (allocating) only the first time.
fn bump(map: &mut BTreeMap<String, u64>, key: &str, n: u64) {
    match map.get_mut(key) {
        Some(count) => *count += n,
        None => {
            map.insert(key.to_owned(), n);
        }
    }
}

fn count_prior(c: &mut ControlCounts, status: Status, muted: bool) {
    match (muted, status) {
        (false, Status::Pass) => c.prev_pass += 1,
        (false, Status::Fail) => c.prev_fail += 1,
        _ => {}
    }
}

/// 100 × passing / (passing + failing), to one decimal; `None` when no control is decided.
pub fn score(passing: usize, failing: usize) -> Option<f64> {
    let decided = passing + failing;
    (decided > 0).then(|| (1000.0 * passing as f64 / decided as f64).round() / 10.0)
}

/// A framework's control statuses and posture scores.
#[derive(Debug, Clone, PartialEq)]
pub struct Posture {
    /// The status of each control, in the framework's order.
    pub statuses: Vec<ControlStatus>,
    /// Each control's status at the previous scan, when decided then.
    pub previous: Vec<Option<PriorControl>>,
    /// Posture now.
    pub score: Option<f64>,
    /// Posture at the previous scan.
    pub previous_score: Option<f64>,
}

impl Posture {
    /// How many controls have `status`.
    pub fn count(&self, status: ControlStatus) -> usize {
        self.statuses.iter().filter(|s| **s == status).count()
    }

    /// How many controls had `status` at the previous scan.
    pub fn prior(&self, status: PriorControl) -> usize {
        self.previous.iter().filter(|s| **s == Some(status)).count()
    }
}
