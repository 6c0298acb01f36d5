//! Game analysis: which policies are equilibria, and the published race
//! models reproduced.
//!
//! A safety policy is only as good as the incentive to keep it. This module
//! treats policies as strategies of a game and asks which profiles are
//! stable: [`table`] holds estimated payoff tables; [`nash`] finds pure
//! equilibria (with ties when sampling error cannot decide) and mixed ones;
//! [`replicator`] and [`fermi`] follow strategy frequencies in infinite and
//! finite populations. These are pure functions of a table, checked on
//! hand-made games. [`game_file`] reads a game (a scenario plus a `[game]`
//! table), [`race_game`] builds its table by simulating every profile of
//! the race model with common random numbers, [`analysis`] reads it and
//! writes the tables, and `airace game` is [`crate::commands::game`]. [`classic`]
//! reproduces two published models of AI races.

pub mod analysis;
pub mod classic;
pub mod fermi;
pub mod game_file;
pub mod mixed;
pub mod nash;
pub mod race_game;
pub mod replicator;
pub mod table;

pub use game_file::Game;
