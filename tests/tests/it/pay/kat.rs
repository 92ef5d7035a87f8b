//! Known-answer tests for every WeChat Pay signature and decryption format,
//! against values that neither this crate nor its sandbox produced:
//!
//! * the official docs' examples where they give concrete values: the
//!   request signing string and `Authorization` header of 签名生成
//!   (`GET /v3/certificates`, 1554208460, `593BEC0C…`), the JSAPI
//!   调起支付 example (`wx2421b1c4370ec43b`, 1395712654, `e61463f8…`);
//! * the test vectors of WeChat Pay's official Java SDK
//!   (`wechatpay-apiv3/wechatpay-java`, core/src/test): its AES-256-GCM
//!   vector (`AeadAesCipherTest`), its encrypted platform-certificate
//!   download (`TestConfig.DOWNLOAD_CERTIFICATE_RESPONSE`, a real
//!   `Tenpay.com sign` certificate), its RSA-OAEP ciphertext
//!   (`RSAPrivacyDecryptorTest`) and its SHA1 vector (`ShaUtilTest`);
//! * otherwise vectors made by the openssl CLI and Python's `cryptography`
//!   with the Java SDK's published merchant test key: the commands are
//!   in `kat_vectors/make_vectors.sh`, and each vector below names its
//!   own.
//!
//! RSA PKCS#1 v1.5 signatures are deterministic, so a signature equal to
//! openssl's proves the signed string equal byte for byte. RSA-OAEP
//! encryption is randomized: only decryption of a known ciphertext is a
//! known answer (encryption is checked by a round trip).

use std::sync::Arc;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use proptest::prelude::*;
use reqwest::header::{HeaderMap, HeaderValue};
use secrecy::ExposeSecret as _;
use serde_json::Value;
use wechat_api::pay::{
    ApiV3Key, BillCompression, EventType, MerchantKey, PayConfig, PayEvent, PayPublicKey,
    PayRejection, PlatformCertificate, RefundStatus, RequestSigner, TradeState, Verifier,
    WechatPay, canonical_url, signing_string, verification_message,
};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// The merchant test key of the official Java SDK (PKCS#8).
pub(crate) const MERCHANT_KEY: &str = include_str!("kat_vectors/wechatpay_java_merchant_key.pem");
/// Its public half, `openssl pkey -in wechatpay_java_merchant_key.pem -pubout`;
/// plays the WeChat Pay public key where a vector is "signed by WeChat Pay".
pub(crate) const MERCHANT_PUBLIC_KEY: &str =
    include_str!("kat_vectors/wechatpay_java_merchant_public_key.pem");
/// The APIv3 key of the official Java SDK's tests (`TestConfig.API_V3_KEY`).
pub(crate) const APIV3_KEY: &str = "a7cde1ZJB1kG2e7VfTs3jQzaWizur8Gb";
/// The Java SDK's merchant serial (`TestConfig.MERCHANT_CERTIFICATE_SERIAL_NUMBER`).
pub(crate) const MERCHANT_SERIAL: &str = "5F1C72E2A8931B72A2E13AF8DEE92471EB397115";
pub(crate) const PUB_KEY_ID: &str = "PUB_KEY_ID_0114232134912410000000000000";

// ---- the docs' request example (签名生成) -------------------------------

/// The signing string of the docs' example, as the docs print it.
const DOCS_SIGNING_STRING: &str =
    "GET\n/v3/certificates\n1554208460\n593BEC0C930BF1AFEB40B4A08C8FB242\n\n";
/// The docs' `Authorization` example (its signature is made with the
/// docs' own merchant key, which is not published).
const DOCS_AUTHORIZATION: &str = "WECHATPAY2-SHA256-RSA2048 mchid=\"1900009191\",nonce_str=\"593BEC0C930BF1AFEB40B4A08C8FB242\",signature=\"uOVRnA4qG/MNnYzdQxJanN+zU+lTgIcnU9BxGw5dKjK+VdEUz2FeIoC+D5sB/LN+nGzX3hfZg6r5wT1pl2ZobmIc6p0ldN7J6yDgUzbX8Uk3sD4a4eZVPTBvqNDoUqcYMlZ9uuDdCvNv4TM3c1WzsXUrExwVkI1XO5jCNbgDJ25nkT/c1gIFvqoogl7MdSFGc4W4xZsqCItnqbypR3RuGIlR9h9vlRsy7zJR9PBI83X8alLDIfR1ukt1P7tMnmogZ0cuDY8cZsd8ZlCgLadmvej58SLsIkVxFJ8XyUgx9FmutKSYTmYtWBZ0+tNvfGmbXU7cob8H/4nLBiCwIUFluw==\",timestamp=\"1554208460\",serial_no=\"1DDE55AD98ED71D6EDD4A4A16996DE7B47773A8C\"";

/// `printf 'GET\n/v3/certificates\n1554208460\n593BEC0C930BF1AFEB40B4A08C8FB242\n\n'
///  | openssl dgst -sha256 -sign wechatpay_java_merchant_key.pem | openssl base64 -A`
const SIG_DOCS_GET: &str = "Yql2HJi5R+/B/WzOlH5KqIUNOCTrECi808qopAT8Pk2vUdtZln2Wmz/zkA6+HpMD7BuThk5ikNOpI7+8yVt+wLdak6RZPOd3ZUMwfgmrN2Vl2aF7yjFov07paW3Dix7NAL+J402H92DUu8LCSbzoU2XnNNHGFCxR7Zkkp3V/QYau9vml2BTQi87rqaq5xpYGPfBbPtPUEcvoYjhIlrplVh89P8/ktk4H+PG22zBongaOlQYPVTx3k2vlik7PWc+wX225vk4C8ryZ8e/l4XwyRQf7kWEJCBKT1GBPNzbO18N2UMJDyGkyuYwhyWSJ9QomxYwZWUGExbo/68Ao6yLcKA==";
/// `printf 'POST\n/v3/pay/transactions/jsapi\n1554208460\n593BEC0C930BF1AFEB40B4A08C8FB242\n{"appid":"wxd678efh567hg6787","mchid":"1230000109"}\n'
///  | openssl dgst -sha256 -sign wechatpay_java_merchant_key.pem | openssl base64 -A`
const SIG_POST: &str = "WkoL1fqSwpTszZvC/rOIqkV9p7JV2XaGEebAB7vgwI7Oa3SJSVDYPQ25fxlbmS7GjQQN6C1KhBphxby8TD3gS90GbW9/WHAiJhTGP/M/JG5bp+spC6IjdjbuLR5z5SKkmOJT6qtTMUMEtJggFI145JLdUg5GgsP6rC1rTa043WorAR+hgx+HVkdQ6kC1H7trWa+idtF5qOGcrNNQp5lOCXbH5w+eaohYblS0iRDuL9htAiPvtFJSu7DrKNVS1aMckMWHh55bc2cYgfWCrOo5YXhpckurj9foWzklcrnsL0O9Auog49uZLXTPhRAN5fQ/LVfgw5qkFtd7EpoEe0qboQ==";
/// `printf 'GET\n/v3/pay/transactions/id/1217752501201407033233368018?mchid=1230000109\n1554208460\n593BEC0C930BF1AFEB40B4A08C8FB242\n\n'
///  | openssl dgst -sha256 -sign wechatpay_java_merchant_key.pem | openssl base64 -A`
const SIG_GET_QUERY: &str = "abogjJ6KRQuv/0M/3b8I4SGyBvyhgJajvp2D8Fe3A8FGvNrGNlOzeZn/drrm+VfaDF12HpMMU6NYeakXP7q8mgpWsI7nsUR+ruT2xLApe/bDR7iELd2FiQeXf5iYbHVEKlo0X7wOVzlcvJWCpnytHLA6u/M+y8UopfgSykqlB7ShDsiPbGRr55WvT/WXBEnUpnnr44aucoXsuG3HBZgLjSPf5wZ/bxfuLuncnHrAFl3EQ5QW9ZV8anljHTX3Ciu5SPHcnYeMFy/3Gr1x8Hp96pMra3/kWzJ/V4YH9k3ETkjc20rR1YzSxkU+prX8CNzUBXSPgwB5qY5MU/2P5kj04g==";
/// `printf 'wx2421b1c4370ec43b\n1395712654\ne61463f8efa94090b1f366cccfbbb444\nprepay_id=wx21201855730335ac86f8c43d1889123400\n'
///  | openssl dgst -sha256 -sign wechatpay_java_merchant_key.pem | openssl base64 -A`
const SIG_JSAPI: &str = "OZHBC8SyYhzO2atnugbJSyofqpcsKZhlRZJ3eEfBvTUrp/z321qjCG/zglzmOSouBpeTZUurA++WYtvx1uBxiYGUtegH0U/bRMumev2g34/wlCKk4btddjsrxLuHd0CjbettfE6okPcOmQz+MC47wC7ddz/G5hvzIB8IO+QHQY7gWWtNAcKGNGuOZikXOZzQXJ+ISw/s+3xTG1UmlgqdYaE9Ui/X5cr5uzmkZF0dtJ0ypzgivrdTxiOJREd1q1Zn3nJpKlR+Y7OBK3Ev1JCrc3SLfdsW4+dPLJfiDixobBCF53OQooih9ckaNHEDnKQu9vONHpj8wvR64HknZVG+Lw==";
/// `printf 'wx2421b1c4370ec43b\n1395712654\ne61463f8efa94090b1f366cccfbbb444\nwx21201855730335ac86f8c43d1889123400\n'
///  | openssl dgst -sha256 -sign wechatpay_java_merchant_key.pem | openssl base64 -A`
const SIG_APP: &str = "cb7C/vO3VvstRoKWIXE9kD1Q6Sd91DDgdD0aRzh2umUuB+EkwPGmEm5XeEdoCWMzW/FVvAQ03R4mA3qDC7k8Uav+caHgALDfNdpH+sc1o4rX20j6UQ5lwvHbofz3g0XUTSAIWHN8vhR67mvMQ4CH9ErZbHhzG9RZdhy9BtwXeh2ZXEtunKsdbqr/AT5ksz2AHZJUQ2FGMqxTjsHO/7PSAaVAl2geUlBt+ZTSIdbM1f+XmBkE/GENke+J/8a7zVJEbgVQhY3Z1BBqgb/Rs5yhlmXUSpVi+xO3M60d2u4PpLWSMC6CKPQIAMkUkEsS09GzfddWSo/4p2vaniVRCrdQCA==";

// ---- answers and notifications -----------------------------------------

/// The answer's headers and body (the timestamp and nonce of the docs'
/// 验证签名 example).
const ANSWER_TIMESTAMP: &str = "1554209980";
const ANSWER_NONCE: &str = "c5ac7061fccab6bf3e254dcf98995b8c";
const ANSWER_BODY: &str = r#"{"prepay_id":"wx201410272009395522657a690389285100"}"#;
/// `printf '1554209980\nc5ac7061fccab6bf3e254dcf98995b8c\n{"prepay_id":"wx201410272009395522657a690389285100"}\n'
///  | openssl dgst -sha256 -sign wechatpay_java_merchant_key.pem | openssl base64 -A`
const SIG_ANSWER: &str = "ebH4x2kv4htGfCI1o4EnSnt6Dd95+nl0TV/Sin1GRZ3kRJTUuh0R7bIYmRAUnhHzGK3t0mgteWJD0bl4/6EuzXs296ZPBF6VdlvZPdqj9XYzWQQCxI423WAldQfWESE0e67iO+y8LL4BQldyv32VIwE62+8dsXUun8o/iSIs+qbrIp4BPGqxJ/hAV8NeF7BwP9m4sVrUa0zxDM/CsaaQYNsEziRVoSF6etyv6qLJjGwx3TofJB7p23cvoX/9QAJ9HBLlA7rsonTq7x1d+8iCvlS6iRXWKUjtOPwChXizlXfAKORef7kQvAbe0GlJXaeGD7lct/1QPZDguQm94jWs1g==";

/// The notifications' `Wechatpay-Timestamp` and `-Nonce`.
pub(crate) const NOTIFY_TIMESTAMP: i64 = 1_554_209_980;
pub(crate) const NOTIFY_NONCE: &str = "fdasfwqer3r2f4wjlk3rwjf9";
/// `python3 make_notification.py`: the docs' 支付成功回调 transaction,
/// AES-256-GCM with `APIV3_KEY`, nonce `fdasflkja484`, associated data
/// `transaction`; the body signed by openssl with the test key.
pub(crate) const TRANSACTION_BODY: &str = "{\"id\":\"EV-2018022511223320873\",\"create_time\":\"2015-05-20T13:29:35+08:00\",\"resource_type\":\"encrypt-resource\",\"event_type\":\"TRANSACTION.SUCCESS\",\"summary\":\"支付成功\",\"resource\":{\"original_type\":\"transaction\",\"algorithm\":\"AEAD_AES_256_GCM\",\"ciphertext\":\"Y/YEfUnbjBvKjySBXpexHPMC5wc2rJu0ma+GDqJJTec+dUFFEmUAr1GSevciGbQaxBCU90ZRIDRRP3k0Q8C6+HrJ5eTgbTaEORoE2mN6L4zvytbkDjceOOVX+PcO8zfSqWelbBn/HTARoR/IJ8vaYvibDUWkf9P6DcgO36YXDNde98UeVk5jdilJIvsWcocQDRnfSbdOmoGrYDrGIuaq+H4d277delFR1T00HFNYZvZPuIms2CHx3sOaWHZLStwaZQMkwM7dTb2AZMK6kuek1ZhPBVPRl3r/wvKKx59r/dZSePKbSZ9QVvW4aaBMD5zZkLSUjVWtg4IX+NXeOD0Qw+Cm/+iK2HCMNxe4UlPAPhfWsRrdnkFhHzMAZqccH03WxzeOrmqth8kfFHcGQqx/EOHQtQ2RwOe4qx++u7VXy4CKP4rc6c0zaeAdRqtdLIpZDxdLuWHsX/FQU+Wx4kweiflVegxuzYQ3bfU/8g/PG3uXrQXrb6Fyu6PLe4I8OFxjooOwerH1T5MokF4nPVzn1wEBDx7rsUmMMSlf2dAEcCETEpyRoNM3zUa0RFboxZQG72/ANLu9mOGms2w7RHcQYdDUN8w/X9qPtJer\",\"associated_data\":\"transaction\",\"nonce\":\"fdasflkja484\"}}";
pub(crate) const TRANSACTION_SIG: &str = "bII/3hw1Yl0+ZWm0kSNk5qUEVIQSehWMvQhCvJ1DQan9+AjrTZYXw1vG0KtbnAHnMkkFdKfHepiKq1okhDsNWMPlKY+0MUcUi2rvK59jaM3Ot0sakb1+lApg2FZwqGItbcvqtm/H05e46udDDbmcvZfqEmvqKnUTCxi6Dv9B6NayDYLBMf5d5S1cAXPaCXEgR9KfDDg1kjoALan2at1bfUo0jX9nIalj9peec/WWRuoVHEbWudQ1UXHtfwSoeV59sqELdC4UJGfnOuSN369jDMBwR1P35kIUeQiH8IqakTOqtDcHgx/q1pNXPQjUJ5G8yPwcFgkewyhsRG0cUI9zoQ==";
/// `python3 make_notification.py`: a `REFUND.SUCCESS` (the docs' 退款结果通知
/// refund), nonce `fdasflkja485`, associated data `refund`.
pub(crate) const REFUND_BODY: &str = "{\"id\":\"EV-2018022511223320874\",\"create_time\":\"2015-05-20T13:29:35+08:00\",\"resource_type\":\"encrypt-resource\",\"event_type\":\"REFUND.SUCCESS\",\"summary\":\"退款成功\",\"resource\":{\"original_type\":\"refund\",\"algorithm\":\"AEAD_AES_256_GCM\",\"ciphertext\":\"MT3nVXZEiYrDnPB/m7nxkPLeRLoGeG9l/mAN0/+OZl+IWvntg4idMK3e2+fSnnQl9e7k3MhBySc08c7VoEQz1oTa5+yTurF5DeQRKtAUW/YobuX3RL4nDTEozJDl3faqNjYSVISNb0eM1Grc8fZrr6YsQ/uqTJMDCtuzQc/t+XzzzzIYsEF24v8bVwZV3SY0vqLVInr7u/l7jwh2j5PKnbBhChdpsHzXZKDcEchmNgbgQpnqAWeHsuWcdQZXAt0yAz8ynTzuX4jn9p1OivseN5IbAVZUxMBvb+IhSq4bH4VEeYkY8r/r0Yv57lxLAxNxjeCROGB9oPCa6+kULze7PvzXPYX1FdgYW/aDdNKT0HMRvcHw9EgJM/F6BmPUI+ImPXBMu0PHjpnZneD+yH7KoXXZAXHvziKoDuF/hBdtEUuBpF/c9GEgNAnqsC7uNetjEqGoMQI1T4nJKh1SN8BrLz99lFsu1zl5v2Oi1VU5wGhKhhOpDO5RyuXVkZm4eVKBTAen+nSoH5MZoBG3WheR3Q==\",\"associated_data\":\"refund\",\"nonce\":\"fdasflkja485\"}}";
pub(crate) const REFUND_SIG: &str = "DxpF4b6ursjG2fiJK6JaacEP96B0luk0/51cmZ80enTDjd9iL6isAAFyFqMC1FXkZamqwUE3daWGS8XrTPXNea7xRI96cNGeoyKP0d4F8ccg1WZZsUU+YMi4P8yJ9MgZspS+q1ba/iP9rD9RBj2toHbetHd3N5h1Q35/aPiVlxNc52RbLkzn204x3X6XcjEe82HbtHUXY+/e61wk8u0k/F2aCpjfjLAH97mm0yZsO0bd8MQPjV2BlGCR5b0e+yDYz6cHfFxQJl96hS6PDCFvUfI0oc4WAQcLONPR4Rm3S2dECGG+4tey4cX5Zd9lBbSgY2HaXM2FBYnaCHMhwdlKCA==";

// ---- the official Java SDK's vectors -------------------------------------

/// `AeadAesCipherTest`: "message", associated data "associatedData", nonce
/// "uluk4a9R25RW", key `TestConfig.API_V3_KEY`.
const SDK_AEAD_CIPHERTEXT: &str = "ulwSiIajGClcvcOYvOQ7+l+0PAbzzwI=";
/// `TestConfig.DOWNLOAD_CERTIFICATE_RESPONSE`'s `encrypt_certificate`
/// (nonce `14b16c03dc1b`, associated data `certificate`): the `Tenpay.com
/// sign` platform certificate with serial
/// 5DEA10EF55877E3CF6C33255C2E7DEFFF7E427EC. Checked with
/// `python3 -c 'AESGCM(key).decrypt(…)' | openssl x509 -noout -serial -dates`.
const SDK_CERTIFICATE_CIPHERTEXT: &str = "Mr/AxbvY+WL9hKlD5nIa03LOMPpn5f+CWeNxE4ujl0f5gXZ9XLJ9CldkArCOTsbU62XgKnTc3YvRMZQ7wCmE2fzwmAenAySTYsPms72JhggPWfdqVxri9YD5wBYKn8Ck0Fc5JIiVw9WlN2oxHBz83mRVsjoTGC5+cX1CdYqKuZ8pkvi0aCJIq07ZC8MHoTowUz+4jYJy9XeKqip83Z7BmUYxsePpNM+HtihBqTJIUYXJfX7Col5X0ACsApRoU9l6swfW/kzvqNpDJavhDBGasLrr5822+Fk5nVkcTi53f8Wbue7ODWjJxj1yhRYcxFCvXLtpYNB+Qa1aXtrBSdBdBI2p7o+6Imn+auHLBCzkrZqF/yd+d4vTn4tqHPLUj89XcHsMf96uBo3T/HQV8LEDeIO+6YvOK9FrIDYsvp+imN4n/mnF7eJKo9mpN/QqWJiawrFpAmMMxFKBjIdpgMnVUl3Z11RcWKyfOJ3kcmItTWcnZFNyDgR9cS0aU6QPlefa3uUW89uzBuHjcFdDl43yU3LE4qZnHLDcDgx4qt0OFCLiy51GXtEpyYs5k99YJBvKK+RyIs4Yc1/smBmClQUhxW+8bsPNOcXfDvH2yX4YzESoO4TV0RqiCgnsSd4zIFyJPiMKIGzVHiw6Kg0eGCmB4mGHEEZCQ0eN3SSPO0QVjjtBYfgXDZfVHSaAB8PjWBVNFimoViZZQrwT6Ygo0LU0Dd8+F5aHFYr4OPHPslr3hrgutEYXDTv1vTA6ABJGqknJ9Y2vtyWpy7aIwxc0kQq/1ezjs+RMVL/LRpGDnbx1/CGPDjZhYgZypKa55+PDhoaQxqkF3xCLz2DGoNHZYmFqxzAOsAK0vJZw4VcAk6ssbA6YIaMuiemEpxfLC9ZiXtRqsX9s+GWjjtA8JywOFMO+NKZm9BH/E5YNg2DDD3sHG9Mciwn7yJ6sdf8h2lAWlEExAOeiBNyshOHAQ0/S+x1ncWNiqY+Uh5n0rtonvePV2MsxVlEWR3AVHn1abcEWkzivd+G5kg7LYO0goqzGClcQfnFfZdO6KwcMXsBCnm9A1Bl4+k5LLokTIYH5/36SRIZ9j0CHGD77BQLE7x8AlNsoFS2m263tLLq78TFqvZUTIZIQcVIl+NInscS3xQbA38qqFqutCWIwoF1azuJ7woiJyMvnS3xzIpNzP+rzJ8VDXxjLjpEUBOC9WDs74+QMtsAdmh6g0KDclHEk8WJ4P2bnso4z3VCGoDT5X/0bS1C+jMZMKaOCNB21FZ08qgUHmKeDeg8ylENu+mh2Y/AaEDSGkGBHIfFbhMYO3uRxhk9hldiHEnHgdkXiVAAUWk/IhtmGijibO/L76vB74Xpes973uK+2iFKgNBk8qTLLZZnuWbcMQuA6VsFULRb/C+q9B21YuAWPMzvgBwr4EX2m/OpF5w8Q0HL7v1H5H0mIGJbrjnklUPoBYrw30W3uk7yF0KE6sfMukafFx0S9rBOL0RykGDPwC0lHSNySkXDeM5XvDJ+dtHK+RDwhJR+azfrWAHGMtZcQ+YVamjWVmHxXM03j3GeCXgqae1upwHzkPL5OwojcQ5MQi3Kv/1xtwY0cRN/yeZTOsXfujtqhkJj/Vltby4lnW4SCj4LjWQF19BY6zhzF4yybBA8bhhtoNP/zx8QkhHAkIROkK2ZVgfocCAPvfQ+vSrsIBO+L5cmg6mzFn4g84lsHscgXnszIlzUrzx/4Tam0uwuS9J1gddZ0I0QUt9SJzfsoBCTU0OgNMUtXKS5HvgXe7abexMtFH5eulOsAuFZkQ5LYJa/m4yHFInXzL/t3hjdTi2NmxUufvYzwIyffRTu5vS9vjscARD9lUQDHFQ/xgWe1i8EkRlrSfjlXt00+4//h2bcJKyTBT3IXwvKNsuY29V9/vU3HkvWKZ99zpSlmcZRuBa1BHbyPEvc0NlqIIoKidxqUvOR64MzudHhAjgWFP+IXojfhS3Gj9OJhBL7s";
/// `RSAPrivacyDecryptorTest`: "plaintext", RSA-OAEP (SHA-1, MGF1-SHA1)
/// with the SDK's merchant public key.
pub(crate) const SDK_OAEP_CIPHERTEXT: &str = "Qqsluo7R1IZyAqdkm/jBzwXDP5VndCwwFbRA+yILFTYciZzrRChQIQ7SKuI2k3YSR5auB3ZspdjR1WPB3PTCKe6BCFx3NnaPWhSwonYTmW8ZseXjkbcYSbKL5O/6dr6Zftg3t2A2FUd97acjM1fr2EIvIvRieQ3Hl8qVkDBY9520wm1rzvePUnxQWN70RZiBcqr7O7Gb0gU3l7FkvoUFSbY44HgDJetmVow3yGIV3Tcd45o2MNQ+5F1qvjIjb3/6dkGKce4/kNTYraUMO6o6kfFXlfg+bFRIiz8hiUpbToWdu7g0R5Hq0/YIE5vw/5Ms4gbk2HIQIfOLkY8sEPjYHA==";

// ---- bills -----------------------------------------------------------

/// A trade bill as WeChat Pay writes it (kat_vectors/bill.csv).
const BILL: &[u8] = include_bytes!("kat_vectors/bill.csv");
/// `sha1sum bill.csv`
const BILL_SHA1: &str = "0173d31fbea2e376b7680ff2be947a964ed28c6e";
/// `gzip -n -9 -c bill.csv | base64 -w0`
const BILL_GZIP_B64: &str = "H4sIAAAAAAACA4VSS0/bQBC+R8p/6KW3TbVrE9twQ2krBSnQyEIVJ9yqKahSBRdU1JNzMOGVPpRE4QCIpIhwoIEoUUJimv4Z78P/gnE2wXEu2NZqvpnZbz7PjDe4ZCclVu361Q6izo33UBWdK/qzl36NaGWP7ffARvygzwdXIRbNIb0sBBYdNr3/NdGs02JlhEc5Iebla8DsoiBu95A3KsZbLj0/moDDLrPzyHNP2M3QL3VF7RiJToPe53mjCJmIDsrcLUlCv/Dbr59B8h+w6P79GEsNvm0DRURGxCXB5IrjUPshoJj2SjDWNwZSH/DRUp7+KvLG3ZicVe5YsUmPHcQOjrj7V3T6oLzPfxRQRC0vt8VtL1JHpkEHWfs6HrMUTIwE1hLYeEHwgjq3kNSQ9W33k6Ybuc+bSU3f3ABTRxZRVAwPwfPIwsgKHETXk0oSE+CYwzpWVUVVVc0AxueiW6vbb42dzM7i0sp6Rtne/Uiy89+Xv7zPmdoWspbMxXdpZJmrqdQb00RWKpOCY3kNWF9hqI3lKb8pT/Cmv37YyNF/ddGq0UE1wXotetoWDqxMI5HNBkvmloM8uEGwvKrhl1HmeIzZrlwRaCX0OrIIEIuMLMQzgw0DT0MKXbNc05N68sJ8yMxPT04pPgzFY48ulwPmTgMAAA==";
/// `ShaUtilTest`: SHA1 of "message".
const SDK_SHA1_OF_MESSAGE: &str = "6f9b9af3cd6e8b8a73c2cdced37fe9f59226e27d";

fn merchant_key() -> Arc<MerchantKey> {
    Arc::new(MerchantKey::from_pem(MERCHANT_KEY.as_bytes()).expect("the SDK's test key"))
}

fn public_key() -> PayPublicKey {
    PayPublicKey::from_pem(MERCHANT_PUBLIC_KEY.as_bytes()).expect("its public half")
}

/// The `key="value"` pairs of an `Authorization` header, after its scheme.
fn authorization_fields(header: &str) -> (String, Vec<(String, String)>) {
    let (scheme, rest) = header.split_once(' ').expect("scheme and fields");
    let mut fields: Vec<(String, String)> = rest
        .split(',')
        .map(|pair| {
            let (k, v) = pair.split_once('=').expect("key=value");
            let v = v.strip_prefix('"').and_then(|v| v.strip_suffix('"'));
            (k.to_owned(), v.expect("a quoted value").to_owned())
        })
        .collect();
    fields.sort();
    (scheme.to_owned(), fields)
}

/// A merchant of the SDK's test key verifying with its public half as the
/// WeChat Pay public key, at a fixed clock.
pub(crate) fn pay_at(now: i64, base_url: &str) -> WechatPay {
    let config = PayConfig::builder()
        .mchid("1230000109")
        .merchant_serial(MERCHANT_SERIAL)
        .private_key_pem(MERCHANT_KEY.as_bytes().to_vec())
        .apiv3_key(APIV3_KEY)
        .public_key_pem(PUB_KEY_ID, MERCHANT_PUBLIC_KEY.as_bytes().to_vec())
        .base_url(base_url)
        .build()
        .expect("config");
    let verifier = Verifier::builder("1230000109")
        .public_key(PUB_KEY_ID, public_key())
        .clock(Arc::new(move || now))
        .build()
        .expect("verifier");
    WechatPay::with_verifier(config, verifier)
}

pub(crate) fn signed_headers(timestamp: &str, nonce: &str, signature: &str) -> HeaderMap {
    let mut headers = HeaderMap::new();
    for (name, value) in [
        ("wechatpay-timestamp", timestamp),
        ("wechatpay-nonce", nonce),
        ("wechatpay-signature", signature),
        ("wechatpay-serial", PUB_KEY_ID),
    ] {
        headers.insert(name, HeaderValue::from_str(value).expect("header"));
    }
    headers
}

#[test]
fn the_request_signing_string_is_the_docs_example() {
    assert_eq!(
        signing_string(
            "GET",
            "/v3/certificates",
            1_554_208_460,
            "593BEC0C930BF1AFEB40B4A08C8FB242",
            ""
        ),
        DOCS_SIGNING_STRING
    );
    // The URL signed is the path plus `?query` as sent, no host.
    let url = url::Url::parse(
        "https://api.mch.weixin.qq.com/v3/pay/transactions/id/1217752501201407033233368018?mchid=1230000109",
    )
    .expect("url");
    assert_eq!(
        canonical_url(&url),
        "/v3/pay/transactions/id/1217752501201407033233368018?mchid=1230000109"
    );
    let url = url::Url::parse("https://api.mch.weixin.qq.com/v3/certificates").expect("url");
    assert_eq!(canonical_url(&url), "/v3/certificates");
}

#[test]
fn the_authorization_header_signs_like_openssl_in_the_docs_shape() {
    let signer = RequestSigner::new(
        "1900009191",
        "1DDE55AD98ED71D6EDD4A4A16996DE7B47773A8C",
        merchant_key(),
    );
    let ours = signer
        .authorization_with(
            "GET",
            "/v3/certificates",
            "",
            1_554_208_460,
            "593BEC0C930BF1AFEB40B4A08C8FB242",
        )
        .expect("signed");
    let (scheme, fields) = authorization_fields(&ours);
    let (docs_scheme, docs_fields) = authorization_fields(DOCS_AUTHORIZATION);
    assert_eq!(scheme, docs_scheme);
    assert_eq!(scheme, "WECHATPAY2-SHA256-RSA2048");
    // The same five fields with the same values, but the signature (the
    // docs sign with their own, unpublished key; ours is openssl's with
    // the test key, byte for byte).
    let names = |f: &[(String, String)]| f.iter().map(|(k, _)| k.clone()).collect::<Vec<_>>();
    assert_eq!(names(&fields), names(&docs_fields));
    for ((name, value), (_, docs_value)) in fields.iter().zip(&docs_fields) {
        match name.as_str() {
            "signature" => {
                assert_eq!(value, SIG_DOCS_GET);
                assert_eq!(value.len(), docs_value.len(), "a 2048-bit signature");
            }
            _ => assert_eq!(value, docs_value, "{name}"),
        }
    }
    assert!(!ours.contains('\n'), "one line");

    for (method, url, body, expected) in [
        (
            "POST",
            "/v3/pay/transactions/jsapi",
            r#"{"appid":"wxd678efh567hg6787","mchid":"1230000109"}"#,
            SIG_POST,
        ),
        (
            "GET",
            "/v3/pay/transactions/id/1217752501201407033233368018?mchid=1230000109",
            "",
            SIG_GET_QUERY,
        ),
    ] {
        let header = signer
            .authorization_with(
                method,
                url,
                body,
                1_554_208_460,
                "593BEC0C930BF1AFEB40B4A08C8FB242",
            )
            .expect("signed");
        let (_, fields) = authorization_fields(&header);
        let signature = fields
            .iter()
            .find(|(k, _)| k == "signature")
            .expect("signature");
        assert_eq!(signature.1, expected, "{method} {url}");
    }
}

#[test]
fn client_side_pay_signs_match_openssl_on_the_docs_values() {
    let pay = pay_at(NOTIFY_TIMESTAMP, "https://api.mch.weixin.qq.com");
    let js = pay
        .jsapi_params_with(
            "wx2421b1c4370ec43b",
            "wx21201855730335ac86f8c43d1889123400",
            1_395_712_654,
            "e61463f8efa94090b1f366cccfbbb444",
        )
        .expect("jsapi");
    assert_eq!(js.app_id, "wx2421b1c4370ec43b");
    assert_eq!(js.time_stamp, "1395712654");
    assert_eq!(js.nonce_str, "e61463f8efa94090b1f366cccfbbb444");
    assert_eq!(js.package, "prepay_id=wx21201855730335ac86f8c43d1889123400");
    assert_eq!(js.sign_type, "RSA");
    assert_eq!(js.pay_sign, SIG_JSAPI);
    let app = pay
        .app_params_with(
            "wx2421b1c4370ec43b",
            "wx21201855730335ac86f8c43d1889123400",
            1_395_712_654,
            "e61463f8efa94090b1f366cccfbbb444",
        )
        .expect("app");
    assert_eq!(app.package, "Sign=WXPay");
    assert_eq!(app.partnerid, "1230000109");
    assert_eq!(app.sign, SIG_APP);
}

#[tokio::test]
async fn an_answer_verifies_over_timestamp_nonce_body() {
    assert_eq!(
        verification_message(ANSWER_TIMESTAMP, ANSWER_NONCE, ANSWER_BODY.as_bytes()),
        format!("{ANSWER_TIMESTAMP}\n{ANSWER_NONCE}\n{ANSWER_BODY}\n").into_bytes()
    );
    assert!(public_key().verify(
        format!("{ANSWER_TIMESTAMP}\n{ANSWER_NONCE}\n{ANSWER_BODY}\n").as_bytes(),
        SIG_ANSWER
    ));
    let pay = pay_at(NOTIFY_TIMESTAMP, "https://api.mch.weixin.qq.com");
    let headers = signed_headers(ANSWER_TIMESTAMP, ANSWER_NONCE, SIG_ANSWER);
    pay.verify_answer(&headers, ANSWER_BODY.as_bytes())
        .await
        .expect("openssl's signature verifies");

    // One byte more in the body, another nonce: refused.
    let mut changed = ANSWER_BODY.as_bytes().to_vec();
    changed.push(b' ');
    assert!(pay.verify_answer(&headers, &changed).await.is_err());
    let other = signed_headers(
        ANSWER_TIMESTAMP,
        "c5ac7061fccab6bf3e254dcf98995b8d",
        SIG_ANSWER,
    );
    assert!(
        pay.verify_answer(&other, ANSWER_BODY.as_bytes())
            .await
            .is_err()
    );
    // A signature probe, however the rest looks, fails.
    let probe = signed_headers(
        ANSWER_TIMESTAMP,
        ANSWER_NONCE,
        &format!("WECHATPAY/SIGNTEST/{SIG_ANSWER}"),
    );
    match pay.verify_answer(&probe, ANSWER_BODY.as_bytes()).await {
        Err(wechat_api::Error::PaySignature {
            reason: PayRejection::SignatureProbe,
        }) => {}
        other => panic!("a probe must fail as a probe: {other:?}"),
    }
    // Five minutes later it is stale.
    let late = pay_at(NOTIFY_TIMESTAMP + 300, "https://api.mch.weixin.qq.com");
    assert!(matches!(
        late.verify_answer(&headers, ANSWER_BODY.as_bytes()).await,
        Err(wechat_api::Error::PaySignature {
            reason: PayRejection::TimestampOutOfWindow { .. }
        })
    ));
}

#[tokio::test]
async fn notifications_verify_decrypt_and_type() {
    let pay = pay_at(NOTIFY_TIMESTAMP, "https://api.mch.weixin.qq.com");
    let ts = NOTIFY_TIMESTAMP.to_string();

    let headers = signed_headers(&ts, NOTIFY_NONCE, TRANSACTION_SIG);
    let notification = pay
        .verify_and_decrypt(&headers, TRANSACTION_BODY.as_bytes())
        .await
        .expect("verified and decrypted");
    assert_eq!(notification.id, "EV-2018022511223320873");
    assert_eq!(notification.event_type, EventType::TransactionSuccess);
    assert_eq!(notification.original_type, "transaction");
    let plain: Value = notification.resource().expect("json");
    assert_eq!(plain["transaction_id"], "1217752501201407033233368018");
    match notification.event().expect("typed") {
        PayEvent::Transaction(tx) => {
            assert_eq!(tx.out_trade_no, "1217752501201407033233368018");
            assert_eq!(tx.trade_state, TradeState::Success);
            assert_eq!(tx.amount.total, 100);
            assert_eq!(tx.attach.as_deref(), Some("自定义数据"));
            assert_eq!(
                tx.payer.map(|p| p.openid).as_deref(),
                Some("oUpF8uMuAJO_M2pxb1Q9zNjWeS6o")
            );
        }
        other => panic!("a transaction: {other:?}"),
    }

    let headers = signed_headers(&ts, NOTIFY_NONCE, REFUND_SIG);
    let notification = pay
        .verify_and_decrypt(&headers, REFUND_BODY.as_bytes())
        .await
        .expect("verified and decrypted");
    assert_eq!(notification.event_type, EventType::RefundSuccess);
    match notification.event().expect("typed") {
        PayEvent::Refund(refund) => {
            assert_eq!(refund.out_refund_no, "7752501201407033233368018");
            assert_eq!(refund.refund_status, RefundStatus::Success);
            assert_eq!(refund.amount.refund, 999);
        }
        other => panic!("a refund: {other:?}"),
    }

    // The refund's signature over the transaction's body: refused before
    // anything is decrypted.
    assert!(matches!(
        pay.verify_and_decrypt(&headers, TRANSACTION_BODY.as_bytes())
            .await,
        Err(wechat_api::Error::PaySignature { .. })
    ));
}

#[test]
fn aes_gcm_matches_the_official_sdk() {
    let key = ApiV3Key::new(APIV3_KEY.as_bytes()).expect("32 bytes");
    assert_eq!(
        key.decrypt("uluk4a9R25RW", "associatedData", SDK_AEAD_CIPHERTEXT)
            .expect("decrypts"),
        b"message"
    );
    assert_eq!(
        key.encrypt("uluk4a9R25RW", "associatedData", b"message")
            .expect("encrypts"),
        SDK_AEAD_CIPHERTEXT
    );
    // Another associated data or nonce, or a flipped tag bit: refused.
    assert!(
        key.decrypt("uluk4a9R25RW", "associateddata", SDK_AEAD_CIPHERTEXT)
            .is_err()
    );
    assert!(
        key.decrypt("uluk4a9R25RX", "associatedData", SDK_AEAD_CIPHERTEXT)
            .is_err()
    );
    let mut raw = STANDARD.decode(SDK_AEAD_CIPHERTEXT).expect("base64");
    if let Some(last) = raw.last_mut() {
        *last ^= 1;
    }
    assert!(
        key.decrypt("uluk4a9R25RW", "associatedData", &STANDARD.encode(raw))
            .is_err()
    );
}

#[test]
fn the_official_sdks_certificate_download_decrypts_to_its_certificate() {
    let key = ApiV3Key::new(APIV3_KEY.as_bytes()).expect("32 bytes");
    let pem = key
        .decrypt("14b16c03dc1b", "certificate", SDK_CERTIFICATE_CIPHERTEXT)
        .expect("decrypts");
    assert!(pem.starts_with(b"-----BEGIN CERTIFICATE-----"));
    let certificate = PlatformCertificate::from_pem(&pem).expect("an X.509 certificate");
    assert_eq!(
        certificate.serial().to_ascii_uppercase(),
        "5DEA10EF55877E3CF6C33255C2E7DEFFF7E427EC"
    );
    // notBefore=Sep 19 15:15:58 2023 GMT, notAfter=Sep 17 15:15:58 2028 GMT
    assert_eq!(certificate.effective_time(), 1_695_136_558);
    assert_eq!(certificate.expire_time(), 1_852_816_558);
    assert!(certificate.public_key().bits() >= 2048);
}

#[test]
fn rsa_oaep_decrypts_the_official_sdks_ciphertext() {
    let pay = pay_at(NOTIFY_TIMESTAMP, "https://api.mch.weixin.qq.com");
    let plain = pay
        .decrypt_sensitive(SDK_OAEP_CIPHERTEXT)
        .expect("decrypts");
    assert_eq!(plain.expose_secret(), "plaintext");
    // Encryption is randomized: it round-trips, and never repeats.
    let once = pay.encrypt_sensitive("张三").expect("encrypts");
    let twice = pay.encrypt_sensitive("张三").expect("encrypts");
    assert_ne!(once.ciphertext, twice.ciphertext);
    assert_eq!(once.serial, PUB_KEY_ID);
    assert_eq!(
        pay.decrypt_sensitive(&once.ciphertext)
            .expect("round trip")
            .expose_secret(),
        "张三"
    );
    // One bit off: refused, and the error shows nothing of the plaintext.
    let mut raw = STANDARD.decode(SDK_OAEP_CIPHERTEXT).expect("base64");
    raw[10] ^= 1;
    let err = pay
        .decrypt_sensitive(&STANDARD.encode(raw))
        .expect_err("refused");
    assert!(!err.to_string().contains("plaintext"), "{err}");
}

#[tokio::test]
async fn bills_are_checked_against_their_sha1() {
    let server = MockServer::start().await;
    let gzip = STANDARD.decode(BILL_GZIP_B64).expect("base64");
    Mock::given(method("GET"))
        .and(path("/v3/billdownload/file"))
        .respond_with(ResponseTemplate::new(200).set_body_bytes(BILL.to_vec()))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v3/billdownload/gzip"))
        .respond_with(ResponseTemplate::new(200).set_body_bytes(gzip))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v3/billdownload/message"))
        .respond_with(ResponseTemplate::new(200).set_body_bytes(b"message".to_vec()))
        .mount(&server)
        .await;
    let pay = pay_at(NOTIFY_TIMESTAMP, &server.uri());
    let url = |name: &str| format!("{}/v3/billdownload/{name}", server.uri());

    let plain = pay
        .download_bill(&url("file"), "SHA1", BILL_SHA1, BillCompression::None)
        .await
        .expect("sha1sum's hash");
    assert_eq!(plain.as_ref(), BILL);
    let unzipped = pay
        .download_bill(
            &url("gzip"),
            "SHA1",
            &BILL_SHA1.to_ascii_uppercase(),
            BillCompression::Gzip,
        )
        .await
        .expect("the hash of the plain bill, any case");
    assert_eq!(unzipped.as_ref(), BILL);
    pay.download_bill(
        &url("message"),
        "SHA1",
        SDK_SHA1_OF_MESSAGE,
        BillCompression::None,
    )
    .await
    .expect("the official SDK's SHA1 vector");
    // Another file's hash: refused.
    let err = pay
        .download_bill(
            &url("file"),
            "SHA1",
            SDK_SHA1_OF_MESSAGE,
            BillCompression::None,
        )
        .await
        .expect_err("another hash");
    assert!(
        matches!(err, wechat_api::Error::PayBillHash { .. }),
        "{err:?}"
    );
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 32, ..ProptestConfig::default() })]

    /// AES-256-GCM: whatever is encrypted decrypts; any changed byte of
    /// the ciphertext fails.
    #[test]
    fn aead_round_trips_and_any_changed_byte_fails(
        plain in proptest::collection::vec(any::<u8>(), 0..200),
        nonce in "[a-zA-Z0-9]{12}",
        associated in "[a-z]{0,16}",
        flip in any::<proptest::sample::Index>(),
        bit in 0u8..8,
    ) {
        let key = ApiV3Key::new(APIV3_KEY.as_bytes()).expect("32 bytes");
        let sealed = key.encrypt(&nonce, &associated, &plain).expect("encrypts");
        prop_assert_eq!(key.decrypt(&nonce, &associated, &sealed).expect("decrypts"), plain);
        let mut raw = STANDARD.decode(&sealed).expect("base64");
        let at = flip.index(raw.len());
        raw[at] ^= 1 << bit;
        prop_assert!(key.decrypt(&nonce, &associated, &STANDARD.encode(raw)).is_err());
    }
}
