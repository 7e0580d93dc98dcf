//! Bad input: every kind gives its problem, names the file (and line), and never panics.
