//! AEAD_AES_256_GCM with the merchant's APIv3 key (aws-lc-rs), as WeChat
//! Pay encrypts the platform certificates it lists and the `resource` of
//! every notification: a 12-character ASCII nonce, a text associated data,
//! and `base64(ciphertext || tag)`.

use aws_lc_rs::aead::{AES_256_GCM, Aad, LessSafeKey, Nonce, UnboundKey};
use serde_json::{Value, json};

use super::keys::base64_encode;
use crate::world::random_string;

/// Encrypts `plaintext` with the 32-byte APIv3 key under a fresh nonce; the
/// answer is the `{algorithm, nonce, associated_data, ciphertext}` object.
pub(crate) fn seal(
    apiv3_key: &[u8],
    associated_data: &str,
    plaintext: &[u8],
) -> Result<Value, String> {
    let nonce_text = random_string(12);
    let key = UnboundKey::new(&AES_256_GCM, apiv3_key)
        .map_err(|_| "the APIv3 key is not 32 bytes".to_owned())?;
    let key = LessSafeKey::new(key);
    let nonce = Nonce::try_assume_unique_for_key(nonce_text.as_bytes())
        .map_err(|_| "bad nonce".to_owned())?;
    let mut data = plaintext.to_vec();
    key.seal_in_place_append_tag(nonce, Aad::from(associated_data.as_bytes()), &mut data)
        .map_err(|_| "AES-GCM encryption failed".to_owned())?;
    Ok(json!({
        "algorithm": "AEAD_AES_256_GCM",
        "nonce": nonce_text,
        "associated_data": associated_data,
        "ciphertext": base64_encode(&data),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pay::keys::base64_decode;

    #[test]
    fn sealed_data_opens_with_the_same_key_nonce_and_associated_data() {
        let key = b"0123456789abcdef0123456789abcdef";
        let sealed = seal(key, "transaction", b"{\"a\":1}").unwrap();
        let nonce = sealed["nonce"].as_str().unwrap();
        assert_eq!(nonce.len(), 12);
        let mut data = base64_decode(sealed["ciphertext"].as_str().unwrap()).unwrap();
        let open = LessSafeKey::new(UnboundKey::new(&AES_256_GCM, key).unwrap());
        let plain = open
            .open_in_place(
                Nonce::try_assume_unique_for_key(nonce.as_bytes()).unwrap(),
                Aad::from(b"transaction"),
                &mut data,
            )
            .unwrap();
        assert_eq!(plain, b"{\"a\":1}");
        let mut again = base64_decode(sealed["ciphertext"].as_str().unwrap()).unwrap();
        assert!(
            open.open_in_place(
                Nonce::try_assume_unique_for_key(nonce.as_bytes()).unwrap(),
                Aad::from(b"refund"),
                &mut again,
            )
            .is_err(),
            "the associated data is authenticated"
        );
        assert!(seal(b"short", "x", b"y").is_err());
    }
}
