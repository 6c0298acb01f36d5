//! The scenarios shipped in `scenarios/`, embedded in the binary so that
//! `airace run` with no arguments works from any folder.

/// A scenario shipped with airace: its name (the file stem) and text.
#[derive(Debug, Clone, Copy)]
pub struct BuiltIn {
    pub name: &'static str,
    pub text: &'static str,
}

macro_rules! shipped {
    ($($name:literal),* $(,)?) => {
        &[$(BuiltIn { name: $name, text: include_str!(concat!("../scenarios/", $name, ".toml")) }),*]
    };
}

/// Every shipped scenario.
pub const SHIPPED: &[BuiltIn] = shipped![
    "race",
    "pause-2023",
    "rsp-2026",
    "lone-pause",
    "lone-2026",
    "transparency-never",
    "transparency-every-3",
    "fuzzy-red-lines",
    "conditional-pause",
    "conditional-pause-defector",
    "regulation",
    "regulation-all",
    "roadmaps-and-reports",
    "roadmaps-and-reports-6",
    "match-commitment",
];

/// The policy regimes compared by `airace run` with no scenario.
pub const DEFAULT_COMPARISON: [&str; 5] =
    ["race", "pause-2023", "rsp-2026", "lone-pause", "lone-2026"];

/// The name of the default comparison's folder.
pub const DEFAULT_COMPARISON_NAME: &str = "default-comparison";

/// A shipped scenario by name.
pub fn shipped(name: &str) -> Option<BuiltIn> {
    SHIPPED.iter().copied().find(|b| b.name == name)
}

/// A shipped scenario by name, loaded (as `airace run` loads it).
pub fn load(name: &str) -> Option<crate::Scenario> {
    let b = shipped(name)?;
    crate::Scenario::from_str_named(b.text, &format!("built-in:{name}"), name).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Scenario;

    #[test]
    fn every_shipped_scenario_is_valid_and_named_after_its_file() {
        for b in SHIPPED {
            let s =
                Scenario::from_str_named(b.text, b.name, b.name).unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(s.meta.name, b.name);
            assert!(
                !s.meta.description.is_empty(),
                "{} states its question",
                b.name
            );
        }
        for name in DEFAULT_COMPARISON {
            assert!(shipped(name).is_some(), "{name}");
        }
    }
}
