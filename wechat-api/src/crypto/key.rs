//! Decoding the EncodingAESKey configured on the WeChat platform.
//!
//! The EncodingAESKey is 43 characters of the standard base64 alphabet; the
//! AES key is `base64_decode(EncodingAESKey + "=")`, 32 bytes. The last
//! character carries 4 bits that do not fit in the key: they are not always
//! zero (Tencent's own sample key `…ABCDEFG` has them set), so the decoder
//! must accept non-zero trailing bits, which the strict `STANDARD` engine of
//! the `base64` crate does not.

use base64::Engine as _;
use base64::alphabet;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};

use crate::{Error, Result};

/// Length of an EncodingAESKey, in characters.
pub const ENCODING_AES_KEY_LEN: usize = 43;

/// Standard alphabet, lenient about trailing bits and padding: the
/// EncodingAESKey needs the first, and being lenient about padding costs
/// nothing because the `Encrypt` text is authenticated by its signature.
pub(crate) const LENIENT: GeneralPurpose = GeneralPurpose::new(
    &alphabet::STANDARD,
    GeneralPurposeConfig::new()
        .with_decode_allow_trailing_bits(true)
        .with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// Decodes a 43-character EncodingAESKey into the 32-byte AES-256 key.
///
/// # Errors
///
/// [`Error::Config`] if the key is not 43 characters of the standard base64
/// alphabet. The message never repeats the key.
pub fn decode_encoding_aes_key(encoding_aes_key: &str) -> Result<[u8; 32]> {
    if encoding_aes_key.len() != ENCODING_AES_KEY_LEN {
        return Err(Error::Config(format!(
            "the EncodingAESKey must be {ENCODING_AES_KEY_LEN} characters long, got {} \
             (copy it again from the WeChat platform's message settings)",
            encoding_aes_key.chars().count()
        )));
    }
    // 43 characters decode to exactly 32 bytes (the last 4 bits are dropped).
    let mut key = [0u8; 32];
    match LENIENT.decode_slice(encoding_aes_key, &mut key) {
        Ok(32) => Ok(key),
        _ => Err(Error::Config(
            "the EncodingAESKey must use only the base64 characters A-Z, a-z, 0-9, + and / \
             (copy it again from the WeChat platform's message settings)"
                .to_owned(),
        )),
    }
}
