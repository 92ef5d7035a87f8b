//! Sensitive fields nested in a service provider's requests (the
//! applyment's contact and bank account, a profit sharing receiver's name)
//! are `Sensitive`: plaintext in the caller's hands, ciphertext on the wire
//! (the spec-derived wire test decrypts them as WeChat Pay would), and an
//! error — never plaintext — when serialized outside a WeChat Pay request.

use wechat_api::api::applyment::{ApplymentBankAccountInfo, ApplymentContactInfo};
use wechat_api::api::profitsharing::{ProfitSharingReceiver, ReceiverType};
use wechat_api::pay::Sensitive;

#[test]
fn a_nested_sensitive_field_never_serializes_as_plaintext() {
    let contact = ApplymentContactInfo::new("张三", "13900000000", "zhangsan@example.com")
        .contact_id_number("320311770706001");
    let err = serde_json::to_string(&contact).expect_err("no plaintext outside a request");
    assert!(
        err.to_string().contains("outside a WeChat Pay request"),
        "{err}"
    );
    assert!(!err.to_string().contains("张三"));
    let account = ApplymentBankAccountInfo::new(
        "BANK_ACCOUNT_TYPE_CORPORATE",
        "腾讯科技有限公司",
        "工商银行",
        "110000",
        "6222021234567890123",
    );
    assert!(serde_json::to_string(&account).is_err());
    let receiver =
        ProfitSharingReceiver::new(ReceiverType::MerchantId, "86693852", 888, "分给商户A")
            .name("深圳市腾讯计算机系统有限公司");
    assert!(serde_json::to_string(&receiver).is_err());
    // without the name, nothing sensitive is left: it serializes
    let receiver = ProfitSharingReceiver::new(ReceiverType::MerchantId, "86693852", 888, "x");
    assert!(serde_json::to_string(&receiver).is_ok());
}

#[test]
fn debug_shows_no_plaintext() {
    let contact = ApplymentContactInfo::new("张三", "13900000000", "zhangsan@example.com");
    let debug = format!("{contact:?}");
    for secret in ["张三", "13900000000", "zhangsan@example.com"] {
        assert!(!debug.contains(secret), "{debug}");
    }
    assert_eq!(
        format!("{:?}", Sensitive::new("张三")),
        "Sensitive([redacted])"
    );
    assert_eq!(contact.contact_name.expose(), "张三");
}
