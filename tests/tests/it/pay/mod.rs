//! WeChat Pay: the spec-derived wire tests of every pay endpoint, the
//! merchant flow end to end against the sandbox, and the notification
//! route (`notify`).

mod notify;
mod sandbox;
mod spec;
