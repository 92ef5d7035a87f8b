//! SHA-1 signatures of WeChat callbacks, checked in constant time.
//!
//! WeChat signs a callback by sorting a few strings lexicographically (byte
//! order), concatenating them and taking the hex SHA-1 of the result:
//!
//! - plain mode: `signature = sha1(sort(token, timestamp, nonce))`;
//! - safe mode: `msg_signature = sha1(sort(token, timestamp, nonce, Encrypt))`.
//!
//! The `verify_*` functions compare the lower-case hex signature received
//! with ours in constant time (with [`subtle`] for the final test), so that
//! the comparison time does not depend on where the first differing byte is.

use sha1::{Digest as _, Sha1};
use subtle::ConstantTimeEq as _;

use crate::{Error, Result};

/// Length of a SHA-1 digest, in bytes.
const DIGEST_LEN: usize = 20;

/// Hex SHA-1 of the byte-wise sorted concatenation of `parts`: the signature
/// scheme shared by every WeChat callback (and by the JS-SDK, which however
/// signs a query string instead; see [`crate::jssdk`]).
pub fn sha1_signature(parts: &[&str]) -> String {
    let mut sorted = parts.to_vec();
    hex::encode(sorted_digest(&mut sorted))
}

/// The plain-mode `signature`: hex SHA-1 of the sorted `token`, `timestamp`
/// and `nonce`.
pub fn plain_signature(token: &str, timestamp: &str, nonce: &str) -> String {
    hex::encode(sorted_digest(&mut [token, timestamp, nonce]))
}

/// The safe-mode `msg_signature`: hex SHA-1 of the sorted `token`,
/// `timestamp`, `nonce` and `Encrypt` text.
pub fn msg_signature(token: &str, timestamp: &str, nonce: &str, encrypt: &str) -> String {
    hex::encode(sorted_digest(&mut [token, timestamp, nonce, encrypt]))
}

/// Checks a plain-mode `signature` (query parameter `signature`).
///
/// # Errors
///
/// [`Error::InvalidSignature`] if it does not match (or is not 40 hex digits).
pub fn verify_plain_signature(
    token: &str,
    signature: &str,
    timestamp: &str,
    nonce: &str,
) -> Result<()> {
    verify_digest(&sorted_digest(&mut [token, timestamp, nonce]), signature)
}

/// Checks a safe-mode `msg_signature` over the `Encrypt` text.
///
/// # Errors
///
/// [`Error::InvalidSignature`] if it does not match (or is not 40 hex digits).
pub fn verify_msg_signature(
    token: &str,
    msg_signature: &str,
    timestamp: &str,
    nonce: &str,
    encrypt: &str,
) -> Result<()> {
    verify_digest(
        &sorted_digest(&mut [token, timestamp, nonce, encrypt]),
        msg_signature,
    )
}

/// SHA-1 of the concatenation of `parts` once sorted, without concatenating.
fn sorted_digest(parts: &mut [&str]) -> [u8; DIGEST_LEN] {
    parts.sort_unstable();
    let mut hasher = Sha1::new();
    for part in parts.iter() {
        hasher.update(part.as_bytes());
    }
    hasher.finalize().into()
}

/// Compares `expected` with the hex `provided` signature in constant time.
///
/// Our digest is hex-encoded (lower case, as WeChat sends it and as Tencent's
/// reference code compares it) and compared byte for byte with what was
/// received: so one flipped bit in the signature, even the case bit of a
/// letter, is always a mismatch. The comparison folds 8-byte words with XOR
/// and OR, without branches, and only the final zero test goes through
/// [`subtle`]. The length of `provided` is public (the sender chose it).
fn verify_digest(expected: &[u8; DIGEST_LEN], provided: &str) -> Result<()> {
    let mut ours = [0u8; 2 * DIGEST_LEN];
    hex::encode_to_slice(expected, &mut ours).map_err(|_| Error::InvalidSignature)?;
    let theirs: &[u8; 2 * DIGEST_LEN] = provided
        .as_bytes()
        .try_into()
        .map_err(|_| Error::InvalidSignature)?;
    let (ours, _) = ours.as_chunks::<8>();
    let (theirs, _) = theirs.as_chunks::<8>();
    let diff = ours.iter().zip(theirs).fold(0u64, |acc, (a, b)| {
        acc | (u64::from_ne_bytes(*a) ^ u64::from_ne_bytes(*b))
    });
    if bool::from(diff.ct_eq(&0)) {
        Ok(())
    } else {
        Err(Error::InvalidSignature)
    }
}
