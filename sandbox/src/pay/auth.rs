//! Checking a merchant's request signature, as WeChat Pay does:
//!
//! ```text
//! Authorization: WECHATPAY2-SHA256-RSA2048 mchid="…",nonce_str="…",signature="…",timestamp="…",serial_no="…"
//! signed: METHOD\nPATH?QUERY\nTIMESTAMP\nNONCE\nBODY\n   (SHA256 with RSA, PKCS#1 v1.5)
//! ```
//!
//! The parameters may come in any order. The merchant is found by `mchid`,
//! its key by `serial_no`; the timestamp must be within the allowed skew of
//! the sandbox's clock. Any failure is 401 `SIGN_ERROR`.

use std::time::Duration;

use super::error::PayError;
use super::keys::verify_base64;
use super::state::PayWorld;
use crate::push::unix_now;

/// The scheme WeChat Pay API v3 accepts.
pub(crate) const SCHEME: &str = "WECHATPAY2-SHA256-RSA2048";

/// The parameters of an `Authorization` header.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct Authorization {
    pub mchid: String,
    pub nonce_str: String,
    pub signature: String,
    pub timestamp: String,
    pub serial_no: String,
}

/// Parses `WECHATPAY2-SHA256-RSA2048 k="v",k="v",…`.
pub(crate) fn parse(header: &str) -> Result<Authorization, PayError> {
    let format_error = || {
        PayError::sign_error(
            "Http头Authorization值格式错误，请参考《微信支付商户REST API签名规则》",
        )
    };
    let rest = header
        .trim()
        .strip_prefix(SCHEME)
        .and_then(|r| r.strip_prefix(' '))
        .ok_or_else(format_error)?;
    let mut auth = Authorization::default();
    for part in rest.split(',') {
        let (key, value) = part.trim().split_once('=').ok_or_else(format_error)?;
        let value = value
            .strip_prefix('"')
            .and_then(|v| v.strip_suffix('"'))
            .ok_or_else(format_error)?;
        let slot = match key.trim() {
            "mchid" => &mut auth.mchid,
            "nonce_str" => &mut auth.nonce_str,
            "signature" => &mut auth.signature,
            "timestamp" => &mut auth.timestamp,
            "serial_no" => &mut auth.serial_no,
            _ => return Err(format_error()),
        };
        if !slot.is_empty() {
            return Err(format_error());
        }
        value.clone_into(slot);
    }
    if [
        &auth.mchid,
        &auth.nonce_str,
        &auth.signature,
        &auth.timestamp,
        &auth.serial_no,
    ]
    .iter()
    .any(|v| v.is_empty())
    {
        return Err(format_error());
    }
    Ok(auth)
}

/// `METHOD\nURL\nTIMESTAMP\nNONCE\nBODY\n`, the URL being the path and, if
/// any, `?` and the query as sent.
pub(crate) fn message(
    method: &str,
    path: &str,
    query: Option<&str>,
    timestamp: &str,
    nonce: &str,
    body: &[u8],
) -> Vec<u8> {
    let mut url = path.to_owned();
    if let Some(query) = query {
        url.push('?');
        url.push_str(query);
    }
    let mut out = format!("{method}\n{url}\n{timestamp}\n{nonce}\n").into_bytes();
    out.extend_from_slice(body);
    out.push(b'\n');
    out
}

/// Checks the request; answers the merchant's mchid.
pub(crate) fn verify(
    world: &PayWorld,
    header: Option<&str>,
    method: &str,
    path: &str,
    query: Option<&str>,
    body: &[u8],
    skew: Duration,
) -> Result<String, PayError> {
    let header = header.ok_or_else(|| PayError::sign_error("缺少Authorization头"))?;
    let auth = parse(header)?;
    let timestamp: i64 = auth
        .timestamp
        .parse()
        .map_err(|_| PayError::sign_error("timestamp不是整数"))?;
    let skew = i64::try_from(skew.as_secs()).unwrap_or(i64::MAX);
    if unix_now().saturating_sub(timestamp).abs() > skew {
        return Err(PayError::sign_error("请求的时间戳与当前时间相差过大"));
    }
    let merchant = world
        .merchant(&auth.mchid)
        .ok_or_else(|| PayError::sign_error("商户号不存在或未开通APIv3"))?;
    if merchant.serial != auth.serial_no {
        return Err(PayError::sign_error("商户证书序列号有误"));
    }
    let signed = message(method, path, query, &auth.timestamp, &auth.nonce_str, body);
    if !verify_base64(&merchant.spki, &signed, &auth.signature) {
        return Err(PayError::sign_error("错误的签名，验签失败"));
    }
    Ok(auth.mchid)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_header_is_parsed_in_any_order() {
        let auth = parse(
            r##"WECHATPAY2-SHA256-RSA2048 serial_no="5157F",timestamp="1554208460",mchid="1900009191",nonce_str="593BEC",signature="uOVR==""##,
        )
        .unwrap();
        assert_eq!(auth.mchid, "1900009191");
        assert_eq!(auth.signature, "uOVR==");
        assert_eq!(auth.serial_no, "5157F");
        for bad in [
            r#"WECHATPAY2-SHA256-RSA2048 mchid="1""#,
            r#"WECHATPAY2-SHA256-RSA2048 mchid=1,nonce_str="a",signature="b",timestamp="1",serial_no="s""#,
            r#"WECHATPAY2-SHA256-RSA2048 mchid="1",mchid="1",nonce_str="a",signature="b",timestamp="1",serial_no="s""#,
            r#"Bearer mchid="1",nonce_str="a",signature="b",timestamp="1",serial_no="s""#,
            "",
        ] {
            assert_eq!(parse(bad).unwrap_err().code, "SIGN_ERROR", "{bad}");
        }
    }

    #[test]
    fn the_signed_message_is_wechats() {
        assert_eq!(
            message(
                "GET",
                "/v3/certificates",
                None,
                "1554208460",
                "593BEC0C930BF1AFEB40B4A08C8FB242",
                b""
            ),
            b"GET\n/v3/certificates\n1554208460\n593BEC0C930BF1AFEB40B4A08C8FB242\n\n"
        );
        assert_eq!(
            message("GET", "/v3/x", Some("a=1&b=2"), "1", "n", b"{}"),
            b"GET\n/v3/x?a=1&b=2\n1\nn\n{}\n"
        );
    }
}
