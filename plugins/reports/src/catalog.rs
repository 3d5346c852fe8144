//! The checks and frameworks a report refers to, indexed once per report so that each result
//! costs one lookup: which controls its check answers, and the joined strings every format needs.

use lgp_sdk::CheckMeta;
use lgp_sdk::handler::query::{Control, Framework, ScanResult};
use lgp_sdk::{Severity, Status};
use std::collections::HashMap;

/// A check with what the formats derive from its metadata.
#[derive(Debug, Clone)]
pub struct CheckInfo {
    /// The check's metadata (empty for a check the catalogue does not know).
    pub meta: CheckMeta,
    /// The (framework, control) indexes into [`Catalog::frameworks`] it answers, without repeats.
    pub controls: Vec<(usize, usize)>,
    /// Its references as `framework:control`, without repeats.
    pub requirements: Vec<String>,
    /// The framework ids it maps to, without repeats.
    pub standards: Vec<String>,
    /// [`CheckInfo::requirements`] joined with `;`.
    pub requirements_joined: String,
    /// Its equivalents as `tool:id` joined with `;`.
    pub equivalents_joined: String,
}

impl CheckInfo {
    fn new(meta: CheckMeta, controls: Vec<(usize, usize)>) -> Self {
        let mut requirements: Vec<String> = Vec::new();
        let mut standards: Vec<String> = Vec::new();
        for r in &meta.references {
            push_unique(&mut requirements, r.to_string());
            push_unique(&mut standards, r.framework.clone());
        }
        let equivalents: Vec<String> = meta
            .equivalents
            .iter()
            .map(|e| format!("{}:{}", e.tool, e.id))
            .collect();
        CheckInfo {
            requirements_joined: requirements.join(";"),
            equivalents_joined: equivalents.join(";"),
            meta,
            controls,
            requirements,
            standards,
        }
    }
}

fn push_unique<T: PartialEq>(list: &mut Vec<T>, item: T) {
    if !list.contains(&item) {
        list.push(item);
    }
}

/// A framework of the report with, per control, the checks that answer it.
#[derive(Debug, Clone)]
pub struct FrameworkInfo {
    /// The framework; its controls are the catalogue's, plus any a check references that the
    /// catalogue lacks.
    pub framework: Framework,
    /// The ids of the checks answering each control, in the order of `framework.controls`.
    pub checks: Vec<Vec<String>>,
}

/// One result with its check.
#[derive(Debug, Clone, Copy)]
pub struct Row<'a> {
    /// The result.
    pub result: &'a ScanResult,
    /// Its check (an empty one when the catalogue does not know the check).
    pub check: &'a CheckInfo,
}

impl<'a> Row<'a> {
    /// The check's title, or its id when the catalogue does not know it.
    pub fn title(&self) -> &'a str {
        if self.check.meta.title.is_empty() {
            &self.result.check_id
        } else {
            &self.check.meta.title
        }
    }

    /// The check's severity, or the result's when the catalogue does not know the check.
    pub fn severity(&self) -> Severity {
        if self.check.meta.id.is_empty() {
            self.result.severity
        } else {
            self.check.meta.severity
        }
    }

    /// Whether the result fails and no mute covers it: what counts as a failure.
    pub fn fails(&self) -> bool {
        self.result.status == Status::Fail && !self.result.muted
    }
}

/// The checks by id and the frameworks they reference.
#[derive(Debug, Clone)]
pub struct Catalog {
    checks: Vec<CheckInfo>,
    by_id: HashMap<String, usize>,
    unknown: CheckInfo,
    /// The frameworks at least one check references, in the host catalogue's order (those the
    /// catalogue lacks last, in order of first reference).
    pub frameworks: Vec<FrameworkInfo>,
}

impl Catalog {
    /// Indexes `checks` and keeps the `frameworks` they reference.
    pub fn new(checks: Vec<CheckMeta>, frameworks: Vec<Framework>) -> Self {
        let mut kept: Vec<FrameworkInfo> = frameworks
            .into_iter()
            .filter(|f| {
                checks
                    .iter()
                    .any(|c| c.references.iter().any(|r| r.framework == f.id))
            })
            .map(|framework| FrameworkInfo {
                checks: vec![Vec::new(); framework.controls.len()],
                framework,
            })
            .collect();
        let mut infos = Vec::with_capacity(checks.len());
        for meta in checks {
            let mut controls = Vec::new();
            for r in &meta.references {
                let at = control_index(&mut kept, &r.framework, &r.control);
                if !controls.contains(&at) {
                    controls.push(at);
                    kept[at.0].checks[at.1].push(meta.id.clone());
                }
            }
            infos.push(CheckInfo::new(meta, controls));
        }
        let by_id = infos
            .iter()
            .enumerate()
            .map(|(i, c)| (c.meta.id.clone(), i))
            .collect();
        Catalog {
            checks: infos,
            by_id,
            unknown: CheckInfo::new(CheckMeta::new("", "", Severity::Informational), Vec::new()),
            frameworks: kept,
        }
    }

    /// The check `id`, or an empty one when the catalogue does not know it.
    pub fn check(&self, id: &str) -> &CheckInfo {
        self.by_id
            .get(id)
            .map_or(&self.unknown, |&i| &self.checks[i])
    }

    /// `result` joined with its check.
    pub fn row<'a>(&'a self, result: &'a ScanResult) -> Row<'a> {
        Row {
            result,
            check: self.check(&result.check_id),
        }
    }
}

/// The index of `framework`'s `control`, adding the framework or control when the catalogue
/// lacks it (a check may name a control the host's catalogue does not list yet).
fn control_index(kept: &mut Vec<FrameworkInfo>, framework: &str, control: &str) -> (usize, usize) {
    let fi = match kept.iter().position(|f| f.framework.id == framework) {
        Some(fi) => fi,
        None => {
            kept.push(FrameworkInfo {
                framework: Framework {
                    id: framework.to_owned(),
                    name: framework.to_owned(),
                    version: String::new(),
                    publisher: String::new(),
                    controls: Vec::new(),
                },
                checks: Vec::new(),
            });
            kept.len() - 1
        }
    };
    let f = &mut kept[fi];
    let ci = match f.framework.controls.iter().position(|c| c.id == control) {
        Some(ci) => ci,
        None => {
            f.framework.controls.push(Control {
                id: control.to_owned(),
                title: String::new(),
                section: String::new(),
            });
            f.checks.push(Vec::new());
            f.framework.controls.len() - 1
        }
    };
    (fi, ci)
}
