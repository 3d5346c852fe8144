//! The catalogue of compliance frameworks LG-Protect maps its checks to — CIS AWS Foundations
//! v3.0.0 and v7.0.0, AWS Foundational Security Best Practices, PCI DSS v4.0, SOC 2, the HIPAA
//! Security Rule, NIST SP 800-53 rev 5 and ISO/IEC 27001:2022 Annex A — and the coverage of their
//! controls by a set of checks.
//!
//! Each framework is one JSON file under `data/`, embedded in the binary and validated once on
//! first use ([`Catalogue::builtin`]). A check answers a control when its metadata carries a
//! [`FrameworkRef`](lgp_model::FrameworkRef) with the framework's id and the control's id, spelled
//! exactly as in the catalogue (`cis-aws-3.0` / `1.4`, `nist-800-53-r5` / `AC-6(9)`).
//! [`Catalogue::coverage`] lists every control, `automated` when at least one check references
//! it and `manual` otherwise, so nothing a framework asks for is hidden;
//! [`Catalogue::unknown_references`] names the references that point outside the catalogue.
//!
//! The catalogue holds ids, short titles and sections, not the frameworks' texts, and it judges
//! nothing: whether a check truly answers a control is decided where the check declares its
//! references, and whether an account passes is decided by scan results, not here.
//!
//! ```
//! use lgp_frameworks::Catalogue;
//!
//! let catalogue = Catalogue::builtin();
//! let cis = catalogue.framework("cis-aws-3.0").expect("a built-in framework");
//! assert_eq!(cis.control("1.4").map(|c| c.section.as_str()), Some("1 Identity and Access Management"));
//! assert!(catalogue.framework("cis-aws-9.9").is_err());
//! ```

mod catalogue;
mod coverage;

pub use catalogue::{Catalogue, Control, Framework, UnknownFramework};
pub use coverage::{ControlCoverage, Coverage, FrameworkCoverage, UnknownReference};
