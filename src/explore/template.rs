//! The annotated exploration file that `airace new --explore` prints: a
//! three-lab scenario, three policies written as overrides of it, the
//! unknowns of the world, the outcomes and a condition for discovery. It
//! runs as printed (a unit test checks it).

/// The template, as printed.
pub const TEMPLATE: &str = r#"# An exploration: which policy is better across the worlds we cannot rule out?
# Run it with `airace explore FILE`; results go to output/<name>-explore/.
# The scenario below is the base; each policy changes some of its keys; each
# world draws the unknowns from their distributions. Every policy runs on
# every world with the same seed (common random numbers).

[scenario]
name = "my-question"
seed = 1
runs = 500                   # runs per experiment (world x policy); explore.runs overrides
steps = 120

[world]
decisive_capability = 10.0

[[labs]]
name = "Frontier"
capability = 1.2
safety = 1.2
resources = 1.2
capability_rate = 0.08
safety_rate = 0.06
safety_share = 0.15
policy = [{ rule = "race" }]

[[labs]]
name = "Challenger"
capability = 1.0
safety = 0.9
capability_rate = 0.08
safety_rate = 0.06
safety_share = 0.1
policy = [{ rule = "race" }]

[[labs]]
name = "Upstart"
capability = 0.8
safety = 0.6
resources = 0.8
capability_rate = 0.09
safety_rate = 0.05
safety_share = 0.05
policy = [{ rule = "race" }]

[explore]
design = "latin_hypercube"   # "latin_hypercube", "sobol" (Sobol' indices), "morris" (screening), "factorial"
worlds = 64                  # latin_hypercube: worlds; sobol: base samples N (N (k + 2) worlds, N > k);
                             # morris: trajectories r (r (k + 1) worlds); factorial: use levels = L instead
# levels = 4                 # morris: grid levels (even); factorial: points of each range
# seed = 1                   # default: scenario.seed
# Outcomes: p_catastrophe, p_catastrophe_sampled, p_unwarned, p_no_winner, frontier_capability,
# win_step, and per lab LAB.p_win, LAB.utility, LAB.paused_steps, LAB.delayed_steps,
# LAB.final_capability, LAB.final_safety, LAB.p_culprit. Write { name = "...", better = "lower" }
# to say which way is better where the default (shown in robustness.csv) does not fit.
outcomes = ["p_catastrophe", "Frontier.p_win"]

# The unknowns: a key (labs.*.KEY is every lab's), or keys = [...] set by one draw,
# and one distribution: uniform = [LOW, HIGH], log_uniform = [LOW, HIGH],
# integers = [LOW, HIGH], or values = [...] (numbers, strings, rule lists) with weights = [...].
[[explore.uncertainty]]
key = "world.hazard.gap_slope"
uniform = [0.2, 0.6]

[[explore.uncertainty]]
key = "world.spillover"
log_uniform = [0.005, 0.08]

[[explore.uncertainty]]
key = "labs.*.safety_rate"   # every lab's safety_rate ...
scale = true                 # ... multiplied by one draw
uniform = [0.5, 1.5]

# The policies: overrides of the scenario above (set = { KEY = VALUE }), or
# scenario = "FILE.toml" (a scenario file, found beside this one).
[[explore.policy]]
name = "race"

[[explore.policy]]
name = "lone-pause"
set = { "labs.Frontier.policy" = [{ rule = "unilateral_pause", thresholds = [3.0, 5.0, 7.0] }] }

[[explore.policy]]
name = "rsp-2026"
set = { "labs.*.policy" = [
  { rule = "match_competitors", margin = 0.0, reference = "mean" },
  { rule = "delay_if_leading", lead = 0.5, risk = 0.002, slowdown = 0.5 },
] }

# Scenario discovery: where in the space of unknowns does this hold? (PRIM)
[[explore.condition]]
name = "lone pause backfires"
when = "lone-pause.p_catastrophe > race.p_catastrophe"
"#;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::explore::file::{Exploration, Overrides};

    #[test]
    fn the_template_is_a_sound_exploration() {
        let e = Exploration::from_str_named(
            TEMPLATE,
            "template",
            "template",
            std::path::Path::new("."),
            Overrides::default(),
        )
        .unwrap();
        assert_eq!(e.policies.len(), 3);
        assert_eq!(e.points.len(), 64);
        let s = e.scenario(0, 2).unwrap();
        assert_eq!(s.labs[2].policy.len(), 2);
    }
}
