//! What `analyze` writes about a run: the files and the verdict text ([`outputs`]), the tables
//! they hold ([`tables`]), and the terminal summary kept within its width ([`terminal`]).

pub mod outputs;
pub mod tables;
pub mod terminal;
