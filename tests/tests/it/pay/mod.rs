//! WeChat Pay: the spec-derived wire tests of every pay endpoint, the
//! merchant flow and the service provider's (`partner`) end to end against
//! the sandbox, the notification route (`notify`), the known-answer tests
//! of every signature and decryption format (`kat`), and the service
//! provider's hand-written calls (`partner_media`: uploads signed over
//! `meta`, complaint URL and images) and nested sensitive fields
//! (`partner_sensitive`).

pub(crate) mod kat;
mod notify;
mod partner;
mod partner_media;
mod partner_sensitive;
mod sandbox;
mod spec;
