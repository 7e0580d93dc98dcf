//! `logiclock compare`: runs and batches of several configurations side by side. The runs given
//! ([`inputs`]) are grouped by configuration ([`configs`]), compared metric by metric over the
//! runs, per rate and per relative rate ([`table`]), summed up in a line per metric
//! ([`differs`]), and written as text ([`outputs`]) and a figure ([`plot`]) by [`command`].

pub(crate) mod command;
pub(crate) mod configs;
pub(crate) mod differs;
pub(crate) mod inputs;
pub(crate) mod outputs;
pub(crate) mod plot;
pub(crate) mod table;
