//! Key names that keep every multi-key operation in one Redis Cluster hash
//! slot.
//!
//! Redis Cluster hashes a key by its *hash tag* (the content of the first
//! `{...}`, when not empty) or else by the whole key, and refuses a script
//! whose keys sit in different slots (`CROSSSLOT`). The only operation that
//! touches two keys is the versioned write ([`TokenStore::set_if_newer`]),
//! which keeps a version beside the value. The value's own name never
//! changes (so every key written by an earlier version is still read); only
//! the version's name is chosen here so that it hashes like the value:
//!
//! * value without braces: `{<value>}:version`, whose hash tag is the whole
//!   value name, so both land in the same slot;
//! * value that already has a hash tag (e.g. a prefix `{wechat}:`):
//!   `<value>:version`, which keeps that tag;
//! * value with a `}` but no hash tag (no real key looks like this):
//!   `<value>:version` too. On a cluster that name may sit in another slot
//!   and the versioned write fails with `CROSSSLOT`, as
//!   [`Error::Store`](crate::Error::Store).
//!
//! Before hash tags, the version was always `<value>:version`
//! ([`legacy_version_name`]). A standalone or Sentinel store still reads it
//! when the new name is absent and keeps it up to date, so an upgrade (even a
//! rolling one, old and new processes side by side) never loses a version.
//!
//! [`TokenStore::set_if_newer`]: crate::token::TokenStore::set_if_newer

/// The hash tag Redis Cluster hashes `key` by: the content of the first
/// `{...}` if it is not empty.
fn hash_tag(key: &str) -> Option<&str> {
    let (_, after_open) = key.split_once('{')?;
    let (tag, _) = after_open.split_once('}')?;
    (!tag.is_empty()).then_some(tag)
}

/// The name of the version kept beside the value named `value`, in the same
/// cluster slot (see the module docs).
pub(super) fn version_name(value: &str) -> String {
    if hash_tag(value).is_some() || value.contains('}') {
        format!("{value}:version")
    } else {
        format!("{{{value}}}:version")
    }
}

/// The version's name before hash tags: `<value>:version`.
pub(super) fn legacy_version_name(value: &str) -> String {
    format!("{value}:version")
}

#[cfg(test)]
mod tests {
    use super::*;
    use ::redis::cluster_routing::Slot;

    fn same_slot(a: &str, b: &str) -> bool {
        Slot::for_key(a) == Slot::for_key(b)
    }

    #[test]
    fn plain_keys_get_their_whole_name_as_tag() {
        let value = "wechat:component:wx1:verify_ticket";
        let version = version_name(value);
        assert_eq!(version, "{wechat:component:wx1:verify_ticket}:version");
        assert!(same_slot(value, &version));
        // The legacy name is in another slot: the reason for the change.
        assert!(!same_slot(value, &legacy_version_name(value)));
    }

    #[test]
    fn tagged_keys_keep_their_tag() {
        let value = "{wechat}:component:wx1:verify_ticket";
        let version = version_name(value);
        assert_eq!(version, legacy_version_name(value));
        assert!(same_slot(value, &version));
    }

    #[test]
    fn keys_with_an_open_brace_but_no_tag_stay_in_one_slot() {
        for value in ["pre{fix:app:wx:access_token", "a{b"] {
            let version = version_name(value);
            assert!(same_slot(value, &version), "{value} -> {version}");
        }
    }

    #[test]
    fn empty_braces_are_no_tag() {
        assert_eq!(hash_tag("a{}b"), None);
        assert_eq!(hash_tag("a{x}b{y}"), Some("x"));
        assert_eq!(hash_tag("}{x}"), Some("x"));
    }
}
