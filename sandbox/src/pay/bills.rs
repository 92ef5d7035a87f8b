//! Bills: the trade bill (`/v3/bill/tradebill`) and the fund-flow bill
//! (`/v3/bill/fundflowbill`) answer `{hash_type: "SHA1", hash_value,
//! download_url}`; the download URL serves the file, gzip-compressed when
//! `tar_type=GZIP` was asked. The hash is the SHA1 of the plain bill (of
//! the file once decompressed), and the download is not signed: the hash is
//! how a merchant checks it, as on WeChat.
//!
//! The files are CSV as WeChat writes them: a header row, one row per
//! order (or fund movement) of `bill_date` (China time) with every field
//! prefixed by a backquote, then a summary header and a summary row.

use std::io::Write as _;

use axum::http::StatusCode;
use serde_json::json;
use sha1::{Digest as _, Sha1};
use time::{Date, OffsetDateTime, UtcOffset};

use super::answer::{PayAnswer, query_param};
use super::error::PayError;
use super::keyring::rfc3339;
use super::state::{BillFile, PayWorld};
use crate::world::random_string;

const TRADE_HEADER: &str = "交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,付款银行,货币种类,应结订单金额,代金券金额,微信退款单号,商户退款单号,退款金额,充值券退款金额,退款类型,退款状态,商品名称,商户数据包,手续费,费率,订单金额,申请退款金额,费率备注";
const TRADE_SUMMARY: &str =
    "总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,订单总金额,申请退款总金额";
const FUND_HEADER: &str = "记账时间,微信支付业务单号,资金流水单号,业务名称,业务类型,收支类型,收支金额（元）,账户结余（元）,资金变更提交申请人,备注,业务凭证号";
const FUND_SUMMARY: &str = "资金流水总笔数,收入笔数,收入金额,支出笔数,支出金额";

/// Fen as yuan with two decimals.
pub(crate) fn yuan(fen: i64) -> String {
    let sign = if fen < 0 { "-" } else { "" };
    format!(
        "{sign}{}.{:02}",
        fen.unsigned_abs() / 100,
        fen.unsigned_abs() % 100
    )
}

/// `2025-01-01 12:00:00`, China time.
pub(crate) fn bill_time(at: OffsetDateTime) -> String {
    rfc3339(at).replacen('T', " ", 1).chars().take(19).collect()
}

pub(crate) fn china_date(at: OffsetDateTime) -> Date {
    at.to_offset(UtcOffset::from_hms(8, 0, 0).unwrap_or(UtcOffset::UTC))
        .date()
}

pub(crate) fn row(fields: &[String]) -> String {
    fields
        .iter()
        .map(|f| format!("`{f}"))
        .collect::<Vec<_>>()
        .join(",")
}

/// `bill_date=YYYY-MM-DD`.
pub(crate) fn bill_date(query: Option<&str>) -> Result<Date, PayError> {
    let text = query_param(query, "bill_date").ok_or_else(|| {
        PayError::param("bill_date", "缺少必填参数").detail("bill_date", "query", "missing")
    })?;
    let format = time::macros::format_description!("[year]-[month]-[day]");
    Date::parse(&text, &format).map_err(|_| {
        PayError::param("bill_date", "格式应为YYYY-MM-DD").detail("bill_date", "query", "format")
    })
}

fn trade_bill(world: &PayWorld, mchid: &str, date: Date) -> Option<String> {
    let mut rows = Vec::new();
    let (mut paid, mut refunded) = (0i64, 0i64);
    for o in world.orders.values().filter(|o| o.mchid == mchid) {
        let (Some(at), Some(id)) = (o.success_time, &o.transaction_id) else {
            continue;
        };
        if china_date(at) != date {
            continue;
        }
        paid += o.total;
        rows.push(row(&[
            bill_time(at),
            o.appid.clone(),
            o.mchid.clone(),
            "0".into(),
            String::new(),
            id.clone(),
            o.out_trade_no.clone(),
            o.openid.clone().unwrap_or_default(),
            o.trade_type.into(),
            "SUCCESS".into(),
            "OTHERS".into(),
            "CNY".into(),
            yuan(o.total),
            "0.00".into(),
            "0".into(),
            "0".into(),
            "0.00".into(),
            "0.00".into(),
            String::new(),
            String::new(),
            o.description.clone(),
            o.attach.clone().unwrap_or_default(),
            "0.00000".into(),
            "0.60%".into(),
            yuan(o.total),
            "0.00".into(),
            String::new(),
        ]));
    }
    for r in world.refunds.values().filter(|r| r.mchid == mchid) {
        let Some(at) = r.success_time else { continue };
        if china_date(at) != date {
            continue;
        }
        refunded += r.refund;
        rows.push(row(&[
            bill_time(at),
            String::new(),
            r.mchid.clone(),
            "0".into(),
            String::new(),
            r.transaction_id.clone(),
            r.out_trade_no.clone(),
            String::new(),
            String::new(),
            "REFUND".into(),
            "OTHERS".into(),
            "CNY".into(),
            "0.00".into(),
            "0.00".into(),
            r.refund_id.clone(),
            r.out_refund_no.clone(),
            yuan(r.refund),
            "0.00".into(),
            "ORIGINAL".into(),
            "SUCCESS".into(),
            String::new(),
            String::new(),
            "0.00000".into(),
            "0.60%".into(),
            "0.00".into(),
            yuan(r.refund),
            String::new(),
        ]));
    }
    if rows.is_empty() {
        return None;
    }
    let count = rows.len();
    Some(format!(
        "{TRADE_HEADER}\r\n{}\r\n{TRADE_SUMMARY}\r\n{}\r\n",
        rows.join("\r\n"),
        row(&[
            count.to_string(),
            yuan(paid),
            yuan(refunded),
            "0.00".into(),
            "0.00000".into(),
            yuan(paid),
            yuan(refunded)
        ])
    ))
}

fn fund_bill(world: &PayWorld, mchid: &str, date: Date) -> Option<String> {
    let mut moves: Vec<(OffsetDateTime, String, bool, i64)> = Vec::new();
    for o in world.orders.values().filter(|o| o.mchid == mchid) {
        if let (Some(at), Some(id)) = (o.success_time, &o.transaction_id)
            && china_date(at) == date
        {
            moves.push((at, id.clone(), true, o.total));
        }
    }
    for r in world.refunds.values().filter(|r| r.mchid == mchid) {
        if let Some(at) = r.success_time
            && china_date(at) == date
        {
            moves.push((at, r.refund_id.clone(), false, r.refund));
        }
    }
    if moves.is_empty() {
        return None;
    }
    moves.sort_by_key(|m| m.0);
    let mut balance = 0i64;
    let (mut income, mut income_n, mut out, mut out_n) = (0i64, 0usize, 0i64, 0usize);
    let rows: Vec<String> = moves
        .iter()
        .map(|(at, id, is_income, amount)| {
            if *is_income {
                balance += amount;
                income += amount;
                income_n += 1;
            } else {
                balance -= amount;
                out += amount;
                out_n += 1;
            }
            row(&[
                bill_time(*at),
                id.clone(),
                random_string(20),
                if *is_income {
                    "交易".into()
                } else {
                    "退款".into()
                },
                if *is_income {
                    "交易".into()
                } else {
                    "退款".into()
                },
                if *is_income {
                    "收入".into()
                } else {
                    "支出".into()
                },
                yuan(*amount),
                yuan(balance),
                "system".into(),
                String::new(),
                id.clone(),
            ])
        })
        .collect();
    Some(format!(
        "{FUND_HEADER}\r\n{}\r\n{FUND_SUMMARY}\r\n{}\r\n",
        rows.join("\r\n"),
        row(&[
            moves.len().to_string(),
            income_n.to_string(),
            yuan(income),
            out_n.to_string(),
            yuan(out)
        ])
    ))
}

/// `GET /v3/bill/tradebill` or `/v3/bill/fundflowbill`.
pub(crate) fn apply(
    world: &mut PayWorld,
    base_url: &url::Url,
    mchid: &str,
    fund_flow: bool,
    query: Option<&str>,
) -> Result<PayAnswer, PayError> {
    let date = bill_date(query)?;
    let gzip = gzip_asked(query)?;
    let text = if fund_flow {
        fund_bill(world, mchid, date)
    } else {
        trade_bill(world, mchid, date)
    }
    .ok_or_else(|| {
        PayError::new(
            StatusCode::BAD_REQUEST,
            "NO_STATEMENT_EXIST",
            "账单文件不存在",
        )
    })?;
    publish(world, base_url, mchid, &text, gzip)
}

/// `tar_type` of a bill query: `GZIP` or nothing.
pub(crate) fn gzip_asked(query: Option<&str>) -> Result<bool, PayError> {
    match query_param(query, "tar_type").as_deref() {
        None => Ok(false),
        Some("GZIP") => Ok(true),
        Some(_) => {
            Err(PayError::param("tar_type", "仅支持GZIP").detail("tar_type", "query", "value"))
        }
    }
}

/// Stores bill `text` for download by `mchid` (gzip-compressed if asked);
/// answers `{hash_type, hash_value, download_url}`.
pub(crate) fn publish(
    world: &mut PayWorld,
    base_url: &url::Url,
    mchid: &str,
    text: &str,
    gzip: bool,
) -> Result<PayAnswer, PayError> {
    let hash = hex::encode(Sha1::digest(text.as_bytes()));
    let bytes = if gzip {
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        encoder
            .write_all(text.as_bytes())
            .and_then(|()| encoder.finish())
            .map_err(|e| PayError::system(format!("gzip: {e}")))?
    } else {
        text.as_bytes().to_vec()
    };
    let token = random_string(64);
    world.bills.insert(
        token.clone(),
        BillFile {
            mchid: mchid.to_owned(),
            bytes,
        },
    );
    let mut download = base_url
        .join("v3/billdownload/file")
        .map_err(|e| PayError::system(e.to_string()))?;
    download.query_pairs_mut().append_pair("token", &token);
    Ok(PayAnswer::Json(
        StatusCode::OK,
        json!({ "hash_type": "SHA1", "hash_value": hash, "download_url": download.as_str() }),
    ))
}

/// `GET /v3/billdownload/file?token=…` (signed by the merchant like any
/// request; the answer is not signed).
pub(crate) fn download(
    world: &PayWorld,
    mchid: &str,
    query: Option<&str>,
) -> Result<PayAnswer, PayError> {
    let token = query_param(query, "token").ok_or_else(|| {
        PayError::param("token", "缺少必填参数").detail("token", "query", "missing")
    })?;
    let bill = world
        .bills
        .get(&token)
        .filter(|b| b.mchid == mchid)
        .ok_or_else(|| PayError::not_exists("账单下载链接无效或已过期"))?;
    Ok(PayAnswer::File(bill.bytes.clone()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_are_written_in_yuan() {
        assert_eq!(yuan(1), "0.01");
        assert_eq!(yuan(12_345), "123.45");
        assert_eq!(row(&["a".into(), "b".into()]), "`a,`b");
        assert!(bill_date(Some("bill_date=2025-13-01")).is_err());
        assert!(bill_date(None).is_err());
        assert!(bill_date(Some("bill_date=2025-01-31")).is_ok());
    }
}
