//! WeChat Pay: the spec-derived wire tests of every pay endpoint, and the
//! merchant flow end to end against the sandbox.

mod sandbox;
mod spec;
