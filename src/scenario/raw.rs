//! Stage one of reading a scenario: the file as serde sees it.
//!
//! Every field is optional and spanned, so that stage two ([`super::validate`])
//! can report every missing or out-of-range value at once with its line and
//! column. Unknown keys are refused here, by serde.

use serde::Deserialize;
use toml::Spanned;

pub type Sp<T> = Spanned<T>;

/// A roadmap's `[[step, safety], ...]` as written.
pub type RawMilestones = Sp<Vec<Sp<Vec<Sp<f64>>>>>;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawFile {
    pub scenario: Option<Sp<RawMeta>>,
    pub world: Option<Sp<RawWorld>>,
    pub labs: Option<Sp<Vec<Sp<RawLab>>>>,
    pub payoff: Option<Sp<RawPayoff>>,
    pub regulation: Option<Sp<Vec<Sp<RawRegulation>>>>,
    /// A parameter sweep (read by `airace sweep`; a plain run ignores it).
    pub sweep: Option<toml::Value>,
    /// An exploration (read by `airace explore`; a plain run ignores it).
    pub explore: Option<toml::Value>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawMeta {
    pub name: Option<Sp<String>>,
    pub description: Option<Sp<String>>,
    pub seed: Option<Sp<i64>>,
    pub runs: Option<Sp<i64>>,
    pub steps: Option<Sp<i64>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawWorld {
    pub decisive_capability: Option<Sp<f64>>,
    pub returns: Option<Sp<f64>>,
    pub capability_noise: Option<Sp<f64>>,
    pub spillover: Option<Sp<f64>>,
    pub frontier_access: Option<Sp<f64>>,
    pub resource_growth: Option<Sp<f64>>,
    pub market_feedback: Option<Sp<f64>>,
    pub hazard: Option<Sp<RawHazard>>,
    pub observation: Option<Sp<RawObservation>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawHazard {
    pub base: Option<Sp<f64>>,
    pub danger: Option<Sp<f64>>,
    pub capability_slope: Option<Sp<f64>>,
    pub gap_slope: Option<Sp<f64>>,
    pub win: Option<Sp<f64>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawObservation {
    pub capability_noise: Option<Sp<f64>>,
    pub safety_noise: Option<Sp<f64>>,
    pub disclosure_every: Option<Sp<i64>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawLab {
    pub name: Option<Sp<String>>,
    pub count: Option<Sp<i64>>,
    pub capability: Option<Sp<f64>>,
    pub safety: Option<Sp<f64>>,
    pub resources: Option<Sp<f64>>,
    pub capability_rate: Option<Sp<f64>>,
    pub safety_rate: Option<Sp<f64>>,
    pub safety_share: Option<Sp<f64>>,
    pub risk_perception: Option<Sp<f64>>,
    pub evaluation_noise: Option<Sp<f64>>,
    pub evaluation_bias: Option<Sp<f64>>,
    pub risk_noise: Option<Sp<f64>>,
    pub risk_report_every: Option<Sp<i64>>,
    pub policy: Option<Sp<Vec<Sp<RawRule>>>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRegulation {
    pub name: Option<Sp<String>>,
    pub labs: Option<Sp<Vec<Sp<String>>>>,
    pub start: Option<Sp<i64>>,
    pub thresholds: Option<Sp<Vec<Sp<f64>>>>,
    pub required: Option<Sp<Vec<Sp<f64>>>>,
    pub compliance: Option<Sp<f64>>,
    pub audit: Option<Sp<f64>>,
    pub penalty: Option<Sp<i64>>,
}

/// A rule with the union of every rule's keys; stage two checks that only
/// the keys of the named rule are present. (An internally tagged enum would
/// lose the spans: serde buffers its content.)
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRule {
    pub rule: Option<Sp<String>>,
    pub thresholds: Option<Sp<Vec<Sp<f64>>>>,
    pub required: Option<Sp<Vec<Sp<f64>>>>,
    pub margin: Option<Sp<f64>>,
    pub reference: Option<Sp<String>>,
    pub lead: Option<Sp<f64>>,
    pub risk: Option<Sp<f64>>,
    pub slowdown: Option<Sp<f64>>,
    pub quorum: Option<Sp<i64>>,
    pub observe: Option<Sp<String>>,
    pub milestones: Option<RawMilestones>,
    pub catch_up: Option<Sp<f64>>,
}

impl RawRule {
    /// The keys present besides `rule`, with their spans, in file order of
    /// the struct.
    pub fn present_keys(&self) -> Vec<(&'static str, std::ops::Range<usize>)> {
        let mut keys = Vec::new();
        let mut add = |name: &'static str, span: Option<std::ops::Range<usize>>| {
            if let Some(span) = span {
                keys.push((name, span));
            }
        };
        add("thresholds", self.thresholds.as_ref().map(|v| v.span()));
        add("required", self.required.as_ref().map(|v| v.span()));
        add("margin", self.margin.as_ref().map(|v| v.span()));
        add("reference", self.reference.as_ref().map(|v| v.span()));
        add("lead", self.lead.as_ref().map(|v| v.span()));
        add("risk", self.risk.as_ref().map(|v| v.span()));
        add("slowdown", self.slowdown.as_ref().map(|v| v.span()));
        add("quorum", self.quorum.as_ref().map(|v| v.span()));
        add("observe", self.observe.as_ref().map(|v| v.span()));
        add("milestones", self.milestones.as_ref().map(|v| v.span()));
        add("catch_up", self.catch_up.as_ref().map(|v| v.span()));
        keys
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawPayoff {
    pub win: Option<Sp<f64>>,
    pub share: Option<Sp<f64>>,
    pub catastrophe: Option<Sp<f64>>,
}
