//! `airace new`: print an annotated template to start from, with every key
//! and its default: a scenario, a game file (`--game`) or an exploration
//! file (`--explore`). The templates come from the key table
//! (`scenario::keys`) and the exploration file's reference, so they never
//! drift from what the parsers accept.

/// `airace new`'s options: which template.
#[derive(clap::Args)]
pub struct Args {
    /// Print an annotated exploration file instead (for `airace explore`).
    #[arg(long, conflicts_with = "game")]
    pub explore: bool,
    // This doc is clap's help text: the brackets name a TOML table, not an item.
    #[allow(rustdoc::broken_intra_doc_links)]
    /// Print a game file instead: the scenario keys, the [game] keys and two strategies.
    #[arg(long)]
    pub game: bool,
}

impl Args {
    /// Prints the template asked for.
    pub fn execute(self) -> anyhow::Result<()> {
        print!(
            "{}",
            template(match (self.explore, self.game) {
                (true, _) => Template::Exploration,
                (_, true) => Template::Game,
                _ => Template::Scenario,
            })
        );
        Ok(())
    }
}

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
