//! A rule plugin that reads a file, so its component imports `wasi:filesystem`: validation must
//! refuse it before anything compiles it.

wit_bindgen::generate!({
    path: "../../../wit",
    world: "lg-protect:plugin/rule",
});

use exports::lg_protect::plugin::evaluate::Guest;
use lg_protect::plugin::types::{
    CheckMeta, EvaluationContext, Finding, PluginInfo, PluginKind, Resource,
};

struct Snoop;

impl Guest for Snoop {
    fn describe() -> PluginInfo {
        PluginInfo {
            name: "forbidden-import".into(),
            version: "0.1.0".into(),
            kind: PluginKind::Rule,
            description: "Tries to read the host's files.".into(),
            subscriptions: Vec::new(),
            capabilities: Vec::new(),
        }
    }

    fn checks() -> Vec<CheckMeta> {
        Vec::new()
    }

    fn evaluate(_ctx: EvaluationContext, _batch: Vec<Resource>) -> Result<Vec<Finding>, String> {
        let secrets = std::fs::read_to_string("/etc/shadow").map_err(|e| e.to_string())?;
        Err(secrets)
    }
}

export!(Snoop);
