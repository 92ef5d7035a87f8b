//! Sensitive fields a merchant sends (names, ID numbers, bank accounts):
//! RSAES-OAEP (SHA-1, MGF1) with the key named by the request's
//! `Wechatpay-Serial` header — a platform certificate or the WeChat Pay
//! public key — then base64. WeChat Pay refuses a field it cannot decrypt
//! (a plaintext one, a wrong key) with 400 `PARAM_ERROR`; so does the
//! sandbox. The endpoints that take such fields call [`decrypt`].
//!
//! The other way, WeChat Pay encrypts personal data it answers (a
//! complainant's phone, a receiver's name) with the *merchant's* public
//! key, for the merchant's private key to read: [`encrypt_for_merchant`].
//! Plaintext kept by the sandbox sits in [`Hidden`], which `Debug` never
//! shows.

use std::fmt;

use super::error::PayError;
use super::keys::{base64_decode, base64_encode};
use super::state::PayWorld;

/// Decrypted personal data the sandbox keeps: `Debug` shows `<redacted>`.
#[derive(Clone, PartialEq, Eq, Default)]
pub(crate) struct Hidden(pub String);

impl fmt::Debug for Hidden {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

/// RSAES-OAEP (SHA-1, MGF1-SHA-1) of `plaintext` for merchant `mchid`'s
/// public key, base64: how WeChat Pay answers sensitive fields.
pub(crate) fn encrypt_for_merchant(
    world: &PayWorld,
    mchid: &str,
    plaintext: &str,
) -> Result<String, PayError> {
    use aws_lc_rs::rsa::{OAEP_SHA1_MGF1SHA1, OaepPublicEncryptingKey, PublicEncryptingKey};
    let merchant = world
        .merchant(mchid)
        .ok_or_else(|| PayError::system("商户不存在"))?;
    let key = PublicEncryptingKey::from_der(&merchant.spki)
        .map_err(|_| PayError::system("商户公钥无效"))
        .and_then(|k| {
            OaepPublicEncryptingKey::new(k).map_err(|_| PayError::system("商户公钥无效"))
        })?;
    let mut out = vec![0; key.ciphertext_size()];
    let sealed = key
        .encrypt(&OAEP_SHA1_MGF1SHA1, plaintext.as_bytes(), &mut out, None)
        .map_err(|_| PayError::system("敏感信息加密失败"))?;
    Ok(base64_encode(sealed))
}

/// The plaintext of sensitive field `field` (its JSON name, for the error),
/// encrypted by the merchant for the key `serial` (the `Wechatpay-Serial`
/// request header).
pub(crate) fn decrypt(
    world: &PayWorld,
    serial: Option<&str>,
    field: &str,
    value: &str,
) -> Result<String, PayError> {
    let serial = serial.ok_or_else(|| {
        PayError::param(
            "Wechatpay-Serial",
            "请求含敏感信息，需在HTTP头Wechatpay-Serial中给出加密所用的证书序列号或公钥ID",
        )
    })?;
    let key = world
        .keys
        .key_for_serial(serial)
        .ok_or_else(|| PayError::param("Wechatpay-Serial", "证书序列号或公钥ID无效"))?;
    let unreadable = || {
        PayError::param(
            field,
            "敏感信息字段解密失败，请使用微信支付平台证书或公钥加密",
        )
    };
    let ciphertext = base64_decode(value).map_err(|_| unreadable())?;
    let plain = key.oaep_decrypt(&ciphertext).map_err(|()| unreadable())?;
    String::from_utf8(plain).map_err(|_| unreadable())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pay::settings::PaySettings;
    use aws_lc_rs::rsa::{OAEP_SHA1_MGF1SHA1, OaepPublicEncryptingKey, PublicEncryptingKey};

    fn encrypt(spki: &[u8], text: &str) -> String {
        let key =
            OaepPublicEncryptingKey::new(PublicEncryptingKey::from_der(spki).unwrap()).unwrap();
        let mut out = vec![0; key.ciphertext_size()];
        base64_encode(
            key.encrypt(&OAEP_SHA1_MGF1SHA1, text.as_bytes(), &mut out, None)
                .unwrap(),
        )
    }

    #[test]
    fn fields_encrypted_for_the_named_key_are_read_and_plaintext_is_refused() {
        let mut world = PayWorld::new(&PaySettings::default()).unwrap();
        let cert = world.keys.certificates()[0].clone();
        let field = encrypt(cert.key.spki_der(), "6214830000000000");
        assert_eq!(
            decrypt(&world, Some(&cert.serial), "bank_account", &field).unwrap(),
            "6214830000000000"
        );
        let plaintext = decrypt(
            &world,
            Some(&cert.serial),
            "bank_account",
            "6214830000000000",
        );
        assert_eq!(plaintext.unwrap_err().code, "PARAM_ERROR");
        assert_eq!(
            decrypt(&world, None, "bank_account", &field)
                .unwrap_err()
                .code,
            "PARAM_ERROR"
        );
        assert!(decrypt(&world, Some("UNKNOWN"), "bank_account", &field).is_err());

        world.keys.mode = crate::pay::KeyMode::PublicKey;
        let id = world.keys.public_key_id().to_owned();
        let spki = crate::pay::keys::shared_key(crate::pay::keys::Purpose::PublicKey, 0).unwrap();
        let field = encrypt(spki.spki_der(), "张三");
        assert_eq!(
            decrypt(&world, Some(&id), "real_name", &field).unwrap(),
            "张三"
        );
        assert!(
            decrypt(&world, Some(&cert.serial), "real_name", &field).is_err(),
            "no certificate in public-key mode"
        );
    }

    #[test]
    fn answers_are_encrypted_for_the_merchant_key_and_hidden_is_redacted() {
        let world = PayWorld::new(&PaySettings::default()).unwrap();
        let mchid = world.merchants[0].mchid.clone();
        let key = world.merchants[0].private_key.clone().unwrap();
        let sealed = encrypt_for_merchant(&world, &mchid, "13800138000").unwrap();
        let plain = key.oaep_decrypt(&base64_decode(&sealed).unwrap()).unwrap();
        assert_eq!(plain, b"13800138000");
        assert!(encrypt_for_merchant(&world, "nobody", "x").is_err());
        assert_eq!(format!("{:?}", Hidden("张三".into())), "<redacted>");
    }
}
