//! The random `nonce_str` of signed requests and client parameters.

use rand::Rng;
use rand::distr::Alphanumeric;

/// 32 random ASCII letters and digits, from the thread's CSPRNG.
pub fn nonce() -> String {
    rand::rng()
        .sample_iter(&Alphanumeric)
        .take(32)
        .map(char::from)
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn nonce_is_32_alphanumerics_and_changes() {
        let a = super::nonce();
        let b = super::nonce();
        assert_eq!(a.len(), 32);
        assert!(a.bytes().all(|c| c.is_ascii_alphanumeric()));
        assert_ne!(a, b);
    }
}
