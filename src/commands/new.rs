//! `airace new`: print an annotated template to start from, with every key
//! and its default: a scenario, a game file (`--game`) or an exploration
//! file (`--explore`). The templates come from the key table
//! (`scenario::keys`) and the exploration file's reference, so they never
//! drift from what the parsers accept.

/// Which template `airace new` prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Template {
    Scenario,
    Game,
    Exploration,
}

/// The text of `template`.
pub fn template(template: Template) -> String {
    match template {
        Template::Scenario => crate::scenario::keys::template(),
        Template::Game => crate::scenario::keys::game_template(),
        Template::Exploration => crate::explore::template::TEMPLATE.to_string(),
    }
}
