//! Sensitive fields: RSAES-OAEP (SHA-1, MGF1 with SHA-1) with WeChat Pay's
//! key on the way out, with the merchant key on the way in.
//!
//! The request that carries an encrypted field must name the key used in
//! its `Wechatpay-Serial` header: [`EncryptedField::serial`].

/// A field encrypted for WeChat Pay: base64 ciphertext and the serial (or
/// `PUB_KEY_ID_…`) of the key it was encrypted with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EncryptedField {
    /// The ciphertext, base64.
    pub ciphertext: String,
    /// What to send as `Wechatpay-Serial`.
    pub serial: String,
}
