//! What a WeChat Pay handler answers, before it is signed, and the field
//! checks they share.

use axum::http::StatusCode;
use serde_json::Value;

use super::error::PayError;

/// A handler's answer.
#[derive(Debug)]
pub(crate) enum PayAnswer {
    /// A JSON body (signed).
    Json(StatusCode, Value),
    /// `204 No Content` (signed over an empty body).
    NoContent,
    /// A bill file: not signed, as WeChat's downloads are not.
    File(Vec<u8>),
    /// An image (complaint image download), signed over its bytes, with
    /// its content type.
    Image(Vec<u8>, &'static str),
}

/// Required string `name` of `body`, 1 to `max` characters.
pub(crate) fn required<'a>(body: &'a Value, name: &str, max: usize) -> Result<&'a str, PayError> {
    let value = body
        .get(name)
        .ok_or_else(|| PayError::param(name, "缺少必填参数"))?;
    let text = value
        .as_str()
        .ok_or_else(|| PayError::param(name, "类型应为字符串"))?;
    if text.is_empty() || text.chars().count() > max {
        return Err(PayError::param(name, &format!("长度应为1到{max}")));
    }
    Ok(text)
}

/// Optional string `name` of `body`, at most `max` characters.
pub(crate) fn optional<'a>(
    body: &'a Value,
    name: &str,
    max: usize,
) -> Result<Option<&'a str>, PayError> {
    match body.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(_) => required(body, name, max).map(Some),
    }
}

/// A whole number of fen, at least `min`: WeChat Pay takes no decimals.
pub(crate) fn fen(value: Option<&Value>, name: &str, min: i64) -> Result<i64, PayError> {
    let value = value.ok_or_else(|| PayError::param(name, "缺少必填参数"))?;
    let amount = value
        .as_i64()
        .ok_or_else(|| PayError::param(name, "金额应为整数，单位为分"))?;
    if amount < min {
        return Err(PayError::param(name, &format!("金额应不小于{min}")));
    }
    Ok(amount)
}

/// A merchant order or refund number: 6 to 32 (or 64) characters of
/// letters, digits and `_-|*@`.
pub(crate) fn trade_no<'a>(body: &'a Value, name: &str, max: usize) -> Result<&'a str, PayError> {
    let no = required(body, name, max)?;
    let allowed = |c: char| c.is_ascii_alphanumeric() || "_-|*@".contains(c);
    if no.len() < 6 || !no.chars().all(allowed) {
        return Err(PayError::param(
            name,
            "只能是数字、大小写字母_-|*@，长度6到32",
        ));
    }
    Ok(no)
}

/// A merchant's own number with no minimum length (`out_order_no`,
/// `out_return_no`, `out_bill_no`): letters, digits and `_-|*@`, 1 to
/// `max` characters.
pub(crate) fn own_no<'a>(body: &'a Value, name: &str, max: usize) -> Result<&'a str, PayError> {
    let no = required(body, name, max)?;
    let allowed = |c: char| c.is_ascii_alphanumeric() || "_-|*@".contains(c);
    if !no.chars().all(allowed) {
        return Err(PayError::param(name, "只能是数字、大小写字母_-|*@"));
    }
    Ok(no)
}

/// The body as JSON (an empty body is refused).
pub(crate) fn json_body(body: &[u8]) -> Result<Value, PayError> {
    serde_json::from_slice(body)
        .map_err(|_| PayError::invalid("请求体不是合法的JSON"))
        .and_then(|v: Value| {
            if v.is_object() {
                Ok(v)
            } else {
                Err(PayError::invalid("请求体应为JSON对象"))
            }
        })
}

/// The `mchid` of the body must be the signer's.
pub(crate) fn same_mchid(body: &Value, signer: &str) -> Result<(), PayError> {
    let mchid = required(body, "mchid", 32)?;
    if mchid != signer {
        return Err(PayError::param(
            "mchid",
            "与请求头Authorization中的商户号不一致",
        ));
    }
    Ok(())
}

/// A query parameter.
pub(crate) fn query_param(query: Option<&str>, name: &str) -> Option<String> {
    url::form_urlencoded::parse(query.unwrap_or("").as_bytes())
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}
