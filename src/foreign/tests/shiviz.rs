//! ShiViz/GoVector logs: a twin run written as GoVector's merged log and read back, kinds and
//! peers worked out from the vectors, and logiclock's own export text.
