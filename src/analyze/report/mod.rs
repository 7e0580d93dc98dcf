//! What `analyze` writes about a run: the files and the verdict text ([`outputs`]), the tables
//! they hold ([`tables`], the clocks' scores in [`clock_table`]), and the terminal summary kept within its width ([`terminal`]).

pub(crate) mod clock_table;
pub(crate) mod outputs;
pub(crate) mod tables;
pub(crate) mod terminal;
