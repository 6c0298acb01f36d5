//! The annotated exploration file that `airace new --explore` prints: a
//! three-lab scenario, three policies written as overrides of it, the
//! unknowns of the world, the outcomes and a condition for discovery. It
//! runs as printed (a unit test checks it). The text lives in
//! `template.toml` beside this file, so that it is edited, highlighted and
//! checked as the TOML it is, like the shipped scenarios.

/// The template, as printed.
pub const TEMPLATE: &str = include_str!("template.toml");

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
