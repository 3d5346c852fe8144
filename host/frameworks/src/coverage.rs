use crate::Catalogue;
use lgp_model::CheckMeta;
use serde::Serialize;
use std::collections::{BTreeSet, HashMap};
use std::fmt;

/// Whether any check answers a control.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Coverage {
    /// At least one check references the control.
    Automated,
    /// No check does: the control needs a person's review (process, evidence, or a setting no
    /// check reads yet).
    Manual,
}

impl Coverage {
    /// `automated` or `manual`.
    pub fn as_str(self) -> &'static str {
        match self {
            Coverage::Automated => "automated",
            Coverage::Manual => "manual",
        }
    }
}

/// One control and the checks that answer it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ControlCoverage<'a> {
    /// The control's id.
    pub id: &'a str,
    /// Its title.
    pub title: &'a str,
    /// Its section.
    pub section: &'a str,
    /// `automated` when [`checks`](Self::checks) is not empty, else `manual`.
    pub coverage: Coverage,
    /// The ids of the checks that reference the control, sorted and without repeats.
    pub checks: Vec<String>,
}

/// One framework and the coverage of every one of its controls.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FrameworkCoverage<'a> {
    /// The framework's id.
    pub id: &'a str,
    /// Its name.
    pub name: &'a str,
    /// Its version.
    pub version: &'a str,
    /// Its publisher.
    pub publisher: &'a str,
    /// What it is.
    pub description: &'a str,
    /// Which of its controls the catalogue lists.
    pub scope: &'a str,
    /// Where it is published.
    pub url: &'a str,
    /// How many of its controls are automated.
    pub automated: usize,
    /// How many are manual.
    pub manual: usize,
    /// Every control, in the framework's order, manual ones included.
    pub controls: Vec<ControlCoverage<'a>>,
}

/// A check's reference to a framework or control that the catalogue does not have.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UnknownReference {
    /// The check's id.
    pub check: String,
    /// The framework id the reference names.
    pub framework: String,
    /// The control id it names.
    pub control: String,
    /// Whether the framework itself is known (then only the control is not).
    pub framework_known: bool,
}

impl fmt::Display for UnknownReference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Self {
            check,
            framework,
            control,
            framework_known,
        } = self;
        if *framework_known {
            write!(
                f,
                "check {check} references {framework}:{control}, but {framework} has no control {control:?}"
            )
        } else {
            write!(
                f,
                "check {check} references {framework}:{control}, but there is no framework {framework:?}"
            )
        }
    }
}

impl Catalogue {
    /// The coverage of every framework by `checks`: each control with the ids of the checks
    /// that reference it. References the catalogue does not know are left out here; see
    /// [`unknown_references`](Self::unknown_references).
    pub fn coverage(&self, checks: &[CheckMeta]) -> Vec<FrameworkCoverage<'_>> {
        let mut answered: HashMap<(&str, &str), BTreeSet<&str>> = HashMap::new();
        for check in checks {
            for r in &check.references {
                answered
                    .entry((r.framework.as_str(), r.control.as_str()))
                    .or_default()
                    .insert(check.id.as_str());
            }
        }
        self.frameworks()
            .iter()
            .map(|framework| {
                let controls: Vec<ControlCoverage<'_>> = framework
                    .controls
                    .iter()
                    .map(|control| {
                        let checks: Vec<String> = answered
                            .get(&(framework.id.as_str(), control.id.as_str()))
                            .map(|ids| ids.iter().map(|id| (*id).to_owned()).collect())
                            .unwrap_or_default();
                        ControlCoverage {
                            id: &control.id,
                            title: &control.title,
                            section: &control.section,
                            coverage: if checks.is_empty() {
                                Coverage::Manual
                            } else {
                                Coverage::Automated
                            },
                            checks,
                        }
                    })
                    .collect();
                let automated = controls
                    .iter()
                    .filter(|c| c.coverage == Coverage::Automated)
                    .count();
                FrameworkCoverage {
                    id: &framework.id,
                    name: &framework.name,
                    version: &framework.version,
                    publisher: &framework.publisher,
                    description: &framework.description,
                    scope: &framework.scope,
                    url: &framework.url,
                    automated,
                    manual: controls.len() - automated,
                    controls,
                }
            })
            .collect()
    }

    /// Every reference of `checks` whose framework or control is not in the catalogue, in the
    /// order of the checks and their references.
    pub fn unknown_references(&self, checks: &[CheckMeta]) -> Vec<UnknownReference> {
        checks
            .iter()
            .flat_map(|check| check.references.iter().map(move |r| (check, r)))
            .filter_map(|(check, r)| {
                let framework = self.framework(&r.framework).ok();
                if framework.is_some_and(|f| f.control(&r.control).is_some()) {
                    return None;
                }
                Some(UnknownReference {
                    check: check.id.clone(),
                    framework: r.framework.clone(),
                    control: r.control.clone(),
                    framework_known: framework.is_some(),
                })
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use lgp_model::{FrameworkRef, Remediation, Severity};

    fn check(id: &str, refs: &[(&str, &str)]) -> CheckMeta {
        CheckMeta {
            id: id.into(),
            title: format!("{id} title"),
            description: String::new(),
            rationale: String::new(),
            severity: Severity::High,
            service: "iam".into(),
            resource_kinds: vec![],
            remediation: Remediation {
                text: String::new(),
                cli: None,
                console: None,
                url: None,
            },
            references: refs
                .iter()
                .map(|(framework, control)| FrameworkRef {
                    framework: (*framework).into(),
                    control: (*control).into(),
                })
                .collect(),
            equivalents: vec![],
        }
    }

    fn framework<'a>(coverage: &'a [FrameworkCoverage<'a>], id: &str) -> &'a FrameworkCoverage<'a> {
        coverage.iter().find(|f| f.id == id).expect("listed")
    }

    fn control<'a>(framework: &'a FrameworkCoverage<'a>, id: &str) -> &'a ControlCoverage<'a> {
        framework
            .controls
            .iter()
            .find(|c| c.id == id)
            .expect("listed")
    }

    #[test]
    fn a_referenced_control_is_automated_with_its_checks_sorted_once() {
        let checks = [
            check(
                "iam_no_root_access_key",
                &[("cis-aws-3.0", "1.4"), ("aws-fsbp", "IAM.4")],
            ),
            check(
                "a_second_check",
                &[("cis-aws-3.0", "1.4"), ("cis-aws-3.0", "1.4")],
            ),
        ];
        let coverage = Catalogue::builtin().coverage(&checks);
        let cis = framework(&coverage, "cis-aws-3.0");
        let c = control(cis, "1.4");
        assert_eq!(c.coverage, Coverage::Automated);
        assert_eq!(c.checks, ["a_second_check", "iam_no_root_access_key"]);
        assert_eq!(c.section, "1 Identity and Access Management");
        assert_eq!(cis.automated, 1);
        assert_eq!(cis.manual, 61);
        let fsbp = framework(&coverage, "aws-fsbp");
        assert_eq!(control(fsbp, "IAM.4").checks, ["iam_no_root_access_key"]);
    }

    #[test]
    fn unreferenced_controls_are_listed_as_manual() {
        let coverage = Catalogue::builtin().coverage(&[]);
        assert_eq!(coverage.len(), Catalogue::builtin().frameworks().len());
        for framework in &coverage {
            assert_eq!(framework.automated, 0);
            assert_eq!(framework.manual, framework.controls.len());
            assert!(
                framework
                    .controls
                    .iter()
                    .all(|c| c.coverage == Coverage::Manual && c.checks.is_empty())
            );
        }
        let iso = framework(&coverage, "iso-27001-2022");
        assert_eq!(iso.controls.len(), 93);
        let json = serde_json::to_value(control(iso, "A.7.1")).expect("serializes");
        assert_eq!(json["coverage"], "manual");
        assert_eq!(json["checks"], serde_json::json!([]));
    }

    #[test]
    fn a_control_id_is_matched_exactly() {
        // A near miss is not coverage: it is an unknown reference.
        let checks = [check("c", &[("soc2", "cc6.1"), ("soc2", "CC6.1")])];
        let coverage = Catalogue::builtin().coverage(&checks);
        let soc2 = framework(&coverage, "soc2");
        assert_eq!(soc2.automated, 1);
        assert_eq!(control(soc2, "CC6.1").checks, ["c"]);
        let unknown = Catalogue::builtin().unknown_references(&checks);
        assert_eq!(unknown.len(), 1);
        assert_eq!(unknown[0].control, "cc6.1");
    }

    #[test]
    fn unknown_references_name_the_check_and_what_is_missing() {
        let checks = [
            check(
                "known",
                &[("nist-800-53-r5", "AC-6(9)"), ("hipaa", "164.312(a)(1)")],
            ),
            check(
                "bad",
                &[
                    ("pci-dss-4.0", "3.5.1.2"),
                    ("cis-aws-1.4", "1.1"),
                    ("pci-dss-4.0", "3.5.1"),
                ],
            ),
        ];
        let unknown = Catalogue::builtin().unknown_references(&checks);
        assert_eq!(unknown.len(), 2, "{unknown:?}");
        assert_eq!(
            unknown[0].to_string(),
            "check bad references pci-dss-4.0:3.5.1.2, but pci-dss-4.0 has no control \"3.5.1.2\""
        );
        assert!(unknown[0].framework_known);
        assert_eq!(
            unknown[1].to_string(),
            "check bad references cis-aws-1.4:1.1, but there is no framework \"cis-aws-1.4\""
        );
        assert!(!unknown[1].framework_known);
        // The unknown ones are simply absent from the coverage.
        let coverage = Catalogue::builtin().coverage(&checks);
        assert_eq!(framework(&coverage, "pci-dss-4.0").automated, 1);
    }
}
