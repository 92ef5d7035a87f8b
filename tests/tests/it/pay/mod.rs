//! WeChat Pay: the spec-derived wire tests of every pay endpoint, the
//! merchant flow end to end against the sandbox, the notification route
//! (`notify`) and the known-answer tests of every signature and decryption
//! format (`kat`).

pub(crate) mod kat;
mod notify;
mod sandbox;
mod spec;
