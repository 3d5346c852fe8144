use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use std::fmt;
use std::sync::OnceLock;

/// The built-in framework files, in the order frameworks are listed: the file name (for error
/// messages) and its text.
const BUILTIN_FILES: [(&str, &str); 8] = [
    ("cis-aws-3.0.json", include_str!("../data/cis-aws-3.0.json")),
    ("cis-aws-7.0.json", include_str!("../data/cis-aws-7.0.json")),
    ("aws-fsbp.json", include_str!("../data/aws-fsbp.json")),
    ("pci-dss-4.0.json", include_str!("../data/pci-dss-4.0.json")),
    ("soc2.json", include_str!("../data/soc2.json")),
    ("hipaa.json", include_str!("../data/hipaa.json")),
    (
        "nist-800-53-r5.json",
        include_str!("../data/nist-800-53-r5.json"),
    ),
    (
        "iso-27001-2022.json",
        include_str!("../data/iso-27001-2022.json"),
    ),
];

/// A compliance framework and the controls this catalogue lists for it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Framework {
    /// The id checks reference it by, e.g. `cis-aws-3.0`.
    pub id: String,
    /// The framework's name, e.g. `CIS Amazon Web Services Foundations Benchmark`.
    pub name: String,
    /// The version listed, e.g. `3.0.0`.
    pub version: String,
    /// Who publishes it.
    pub publisher: String,
    /// What the framework is, in one paragraph.
    pub description: String,
    /// Which of its controls this catalogue lists, and how their titles are worded.
    pub scope: String,
    /// Where the framework is published.
    pub url: String,
    /// The controls, in the framework's order.
    pub controls: Vec<Control>,
}

impl Framework {
    /// The control with this id, spelled exactly as the framework does (`CC6.1`, `AC-6(9)`).
    pub fn control(&self, id: &str) -> Option<&Control> {
        self.controls.iter().find(|c| c.id == id)
    }
}

/// One control (requirement, recommendation, criterion) of a framework.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Control {
    /// The framework's id for it, e.g. `2.1.1`, `A.8.24`, `164.312(a)(1)`.
    pub id: String,
    /// Its official short title, or a short title of our own (see the framework's scope).
    pub title: String,
    /// The section, family or theme it belongs to.
    pub section: String,
}

/// Why a set of framework files is not a valid catalogue.
#[derive(Debug, thiserror::Error)]
pub(crate) enum CatalogueError {
    /// A file is not a framework in JSON.
    #[error("failed to parse framework file {file}")]
    Parse {
        /// The file.
        file: String,
        /// What the parser said.
        #[source]
        source: serde_json::Error,
    },
    /// Two frameworks share an id.
    #[error("framework id {id:?} appears twice")]
    DuplicateFramework {
        /// The id.
        id: String,
    },
    /// Two controls of a framework share an id.
    #[error("control {control:?} appears twice in framework {framework:?}")]
    DuplicateControl {
        /// The framework's id.
        framework: String,
        /// The control's id.
        control: String,
    },
    /// A required text is empty.
    #[error("framework {framework:?} has an empty {field}")]
    Empty {
        /// The framework's id (empty when the id itself is missing).
        framework: String,
        /// Which text, e.g. `name` or `title of control 1.4`.
        field: String,
    },
}

/// A framework id that is not in the catalogue.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown framework {id:?}; the known frameworks are {known}")]
pub struct UnknownFramework {
    /// The id asked for.
    pub id: String,
    /// The known ids, comma-separated.
    pub known: String,
}

/// The frameworks, each with its controls, validated: unique ids and no empty texts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Catalogue {
    frameworks: Vec<Framework>,
}

impl Catalogue {
    /// The catalogue of the framework files embedded in this crate, parsed on first use.
    pub fn builtin() -> &'static Catalogue {
        static BUILTIN: OnceLock<Catalogue> = OnceLock::new();
        BUILTIN.get_or_init(|| {
            Catalogue::from_files(&BUILTIN_FILES)
                .expect("invariant: the embedded framework files are valid (unit-tested)")
        })
    }

    /// Parses and validates framework files given as `(name, JSON text)` pairs; the name only
    /// appears in errors.
    fn from_files(files: &[(&str, &str)]) -> Result<Catalogue, CatalogueError> {
        let mut frameworks = Vec::with_capacity(files.len());
        let mut ids = HashSet::new();
        for (file, text) in files {
            let framework: Framework =
                serde_json::from_str(text).map_err(|source| CatalogueError::Parse {
                    file: (*file).to_owned(),
                    source,
                })?;
            validate(&framework)?;
            if !ids.insert(framework.id.clone()) {
                return Err(CatalogueError::DuplicateFramework { id: framework.id });
            }
            frameworks.push(framework);
        }
        Ok(Catalogue { frameworks })
    }

    /// Every framework, in catalogue order.
    pub fn frameworks(&self) -> &[Framework] {
        &self.frameworks
    }

    /// The framework with this id, or an error that lists the known ids.
    pub fn framework(&self, id: &str) -> Result<&Framework, UnknownFramework> {
        self.frameworks
            .iter()
            .find(|f| f.id == id)
            .ok_or_else(|| UnknownFramework {
                id: id.to_owned(),
                known: self.ids().to_string(),
            })
    }

    /// The control `control` of the framework `framework`, if both are in the catalogue.
    pub fn control(&self, framework: &str, control: &str) -> Option<&Control> {
        self.framework(framework).ok()?.control(control)
    }

    fn ids(&self) -> KnownIds<'_> {
        KnownIds(&self.frameworks)
    }
}

/// The frameworks' ids, displayed comma-separated.
struct KnownIds<'a>(&'a [Framework]);

impl fmt::Display for KnownIds<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, framework) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            f.write_str(&framework.id)?;
        }
        Ok(())
    }
}

fn validate(framework: &Framework) -> Result<(), CatalogueError> {
    let empty = |field: String| CatalogueError::Empty {
        framework: framework.id.clone(),
        field,
    };
    let texts = [
        ("id", &framework.id),
        ("name", &framework.name),
        ("version", &framework.version),
        ("publisher", &framework.publisher),
        ("description", &framework.description),
        ("scope", &framework.scope),
        ("url", &framework.url),
    ];
    if let Some((field, _)) = texts.iter().find(|(_, text)| text.trim().is_empty()) {
        return Err(empty((*field).to_owned()));
    }
    if framework.controls.is_empty() {
        return Err(empty("list of controls".to_owned()));
    }
    let mut ids = HashSet::new();
    for control in &framework.controls {
        if control.id.trim().is_empty() {
            return Err(empty("control id".to_owned()));
        }
        if control.title.trim().is_empty() {
            return Err(empty(format!("title of control {}", control.id)));
        }
        if control.section.trim().is_empty() {
            return Err(empty(format!("section of control {}", control.id)));
        }
        if !ids.insert(control.id.as_str()) {
            return Err(CatalogueError::DuplicateControl {
                framework: framework.id.clone(),
                control: control.id.clone(),
            });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The framework ids every check reference uses (docs/frameworks.md).
    const IDS: [&str; 8] = [
        "cis-aws-3.0",
        "cis-aws-7.0",
        "aws-fsbp",
        "pci-dss-4.0",
        "soc2",
        "hipaa",
        "nist-800-53-r5",
        "iso-27001-2022",
    ];

    fn count(id: &str) -> usize {
        Catalogue::builtin()
            .framework(id)
            .expect("built-in")
            .controls
            .len()
    }

    #[test]
    fn every_builtin_file_loads_and_validates() {
        for (file, text) in BUILTIN_FILES {
            Catalogue::from_files(&[(file, text)]).unwrap_or_else(|e| panic!("{file}: {e}"));
        }
        let ids: Vec<&str> = Catalogue::builtin()
            .frameworks()
            .iter()
            .map(|f| f.id.as_str())
            .collect();
        assert_eq!(ids, IDS);
        for (file, text) in BUILTIN_FILES {
            let framework: Framework = serde_json::from_str(text).expect("parses");
            assert_eq!(
                format!("{}.json", framework.id),
                file,
                "file named after its id"
            );
        }
    }

    #[test]
    fn the_catalogue_is_complete_where_it_says_so() {
        assert_eq!(count("cis-aws-3.0"), 62);
        assert_eq!(count("cis-aws-7.0"), 70);
        assert_eq!(count("iso-27001-2022"), 93);
        let c = Catalogue::builtin();
        for n in 1..=5 {
            assert!(c.control("soc2", &format!("CC1.{n}")).is_some(), "CC1.{n}");
        }
        for (family, last) in [(6, 8), (7, 5), (9, 2)] {
            for n in 1..=last {
                let id = format!("CC{family}.{n}");
                assert!(c.control("soc2", &id).is_some(), "{id}");
            }
        }
        for id in [
            "164.308(a)(1)(ii)(D)",
            "164.310(d)(2)(iv)",
            "164.312(a)(1)",
            "164.312(e)(2)(ii)",
        ] {
            assert!(c.control("hipaa", id).is_some(), "{id}");
        }
        for id in ["1.2.5", "3.5.1", "8.3.6", "10.2.1", "12.10.7"] {
            assert!(c.control("pci-dss-4.0", id).is_some(), "{id}");
        }
        for id in ["AC-3", "AC-6(9)", "SC-7", "SC-28(1)", "IA-2(1)", "RA-5"] {
            assert!(c.control("nist-800-53-r5", id).is_some(), "{id}");
        }
        for id in [
            "S3.1",
            "EC2.2",
            "IAM.4",
            "KMS.4",
            "CloudTrail.1",
            "Config.1",
        ] {
            assert!(c.control("aws-fsbp", id).is_some(), "{id}");
        }
        // Deeper PCI bullets are folded into their x.y.z parent, never listed themselves.
        assert!(c.control("pci-dss-4.0", "3.5.1.2").is_none());
    }

    #[test]
    fn an_unknown_framework_names_the_known_ones() {
        let err = Catalogue::builtin()
            .framework("cis-aws-1.4")
            .expect_err("not in the catalogue");
        assert_eq!(err.id, "cis-aws-1.4");
        let text = err.to_string();
        assert!(
            text.starts_with("unknown framework \"cis-aws-1.4\""),
            "{text}"
        );
        for id in IDS {
            assert!(text.contains(id), "{text} lacks {id}");
        }
    }

    fn file(controls: &str) -> String {
        format!(
            r#"{{"id":"x","name":"X","version":"1","publisher":"P","description":"D",
                "scope":"S","url":"https://example.invalid","controls":[{controls}]}}"#
        )
    }

    #[test]
    fn invalid_files_are_refused_with_the_reason() {
        let dup =
            file(r#"{"id":"1","title":"a","section":"s"},{"id":"1","title":"b","section":"s"}"#);
        let err = Catalogue::from_files(&[("x.json", &dup)]).expect_err("duplicate control");
        assert!(
            matches!(err, CatalogueError::DuplicateControl { ref control, .. } if control == "1")
        );

        let untitled = file(r#"{"id":"1","title":" ","section":"s"}"#);
        let err = Catalogue::from_files(&[("x.json", &untitled)]).expect_err("empty title");
        assert_eq!(
            err.to_string(),
            "framework \"x\" has an empty title of control 1"
        );

        let one = file(r#"{"id":"1","title":"a","section":"s"}"#);
        let err = Catalogue::from_files(&[("a.json", &one), ("b.json", &one)])
            .expect_err("duplicate framework");
        assert!(matches!(err, CatalogueError::DuplicateFramework { ref id } if id == "x"));

        let unknown_field = one.replace("\"section\":\"s\"", "\"section\":\"s\",\"extra\":1");
        let err = Catalogue::from_files(&[("x.json", &unknown_field)]).expect_err("unknown field");
        assert!(matches!(err, CatalogueError::Parse { ref file, .. } if file == "x.json"));
    }
}
