//! The equations of the race model (docs/model.md, "One step"), as plain
//! functions of plain numbers, so each can be tested against the document
//! on its own. The engine strings them together.

pub mod evaluation;
pub mod exp;
pub mod growth;
pub mod hazard;
pub mod lane;
pub mod payoff;

pub use growth::Power;
pub use lane::Lane;
