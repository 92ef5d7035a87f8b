//! Signing what WeChat Pay sends (answers and notifications):
//!
//! ```text
//! Wechatpay-Timestamp: 1554209980
//! Wechatpay-Nonce: c5ac7061fccab6bf3e254dcf98995b8c
//! Wechatpay-Signature: base64(SHA256withRSA("TIMESTAMP\nNONCE\nBODY\n"))
//! Wechatpay-Serial: <platform certificate serial, or PUB_KEY_ID_…>
//! Wechatpay-Signature-Type: WECHATPAY2-SHA256-RSA2048
//! ```
//!
//! with the injected faults applied: a signature over other bytes, a serial
//! no one knows, or WeChat's `WECHATPAY/SIGNTEST/` probe.

use super::auth::SCHEME;
use super::faults::PayFaultKind;
use super::keyring::Signer;
use super::keys::base64_encode;
use crate::push::unix_now;
use crate::world::random_string;

/// The `Wechatpay-*` headers for `body`.
pub(crate) fn headers(
    signer: &Signer,
    body: &[u8],
    fault: Option<&PayFaultKind>,
) -> Result<Vec<(&'static str, String)>, String> {
    let timestamp = unix_now().to_string();
    let nonce = random_string(32);
    let mut message = format!("{timestamp}\n{nonce}\n").into_bytes();
    message.extend_from_slice(body);
    message.push(b'\n');
    let mut serial = signer.serial.clone();
    let signature = match fault {
        Some(PayFaultKind::BadSignature) => {
            message.extend_from_slice(b"tampered");
            signer.key.sign_base64(&message)?
        }
        Some(PayFaultKind::SignatureProbe) => {
            format!(
                "WECHATPAY/SIGNTEST/{}",
                base64_encode(random_string(48).as_bytes())
            )
        }
        Some(PayFaultKind::UnknownSerial) => {
            serial = hex::encode_upper(rand::random::<[u8; 20]>());
            signer.key.sign_base64(&message)?
        }
        _ => signer.key.sign_base64(&message)?,
    };
    Ok(vec![
        ("Wechatpay-Timestamp", timestamp),
        ("Wechatpay-Nonce", nonce),
        ("Wechatpay-Signature", signature),
        ("Wechatpay-Serial", serial),
        ("Wechatpay-Signature-Type", SCHEME.to_owned()),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pay::keys::{Purpose, shared_key, verify_base64};

    fn signed(headers: &[(&str, String)], name: &str) -> String {
        headers
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.clone())
            .unwrap()
    }

    #[test]
    fn answers_are_signed_over_timestamp_nonce_and_body() {
        let signer = Signer {
            serial: "ABC".into(),
            key: shared_key(Purpose::Platform, 0).unwrap(),
        };
        let check = |h: &[(&str, String)]| {
            let message = format!(
                "{}\n{}\n{{}}\n",
                signed(h, "Wechatpay-Timestamp"),
                signed(h, "Wechatpay-Nonce")
            );
            verify_base64(
                signer.key.spki_der(),
                message.as_bytes(),
                &signed(h, "Wechatpay-Signature"),
            )
        };
        let good = headers(&signer, b"{}", None).unwrap();
        assert!(check(&good));
        assert_eq!(signed(&good, "Wechatpay-Serial"), "ABC");
        let bad = headers(&signer, b"{}", Some(&PayFaultKind::BadSignature)).unwrap();
        assert!(!check(&bad));
        let probe = headers(&signer, b"{}", Some(&PayFaultKind::SignatureProbe)).unwrap();
        assert!(signed(&probe, "Wechatpay-Signature").starts_with("WECHATPAY/SIGNTEST/"));
        let unknown = headers(&signer, b"{}", Some(&PayFaultKind::UnknownSerial)).unwrap();
        assert!(check(&unknown));
        assert_ne!(signed(&unknown, "Wechatpay-Serial"), "ABC");
    }
}
