//! Consumer complaints (消费者投诉 2.0): the notification URL
//! (`/v3/merchant-service/complaint-notifications`: POST, GET, PUT,
//! DELETE), a complaint a test opens
//! ([`PaySandbox::open_complaint`](super::PaySandbox::open_complaint)) on a
//! paid order — pushed as `COMPLAINT.CREATE` to the URL of the service
//! provider (which receives its sub-merchants' complaints) or of the
//! merchant — and the merchant's side: list (`/v3/merchant-service/complaints-v2`),
//! detail, negotiation history, response, complete, and the user's images
//! (`/v3/merchant-service/images/{media_id}`).
//!
//! The complainant's phone is answered encrypted with the merchant's own
//! key (RSAES-OAEP), as WeChat does: reading it is an explicit decryption.
//! The state goes `PENDING` → `PROCESSING` (the merchant answered) →
//! `PROCESSED` (the merchant completed it; only after answering); each
//! change is pushed as `COMPLAINT.STATE_CHANGE`.

use axum::http::StatusCode;
use serde_json::{Value, json};
use time::OffsetDateTime;

use super::answer::{PayAnswer, json_body, optional, query_param, required};
use super::error::PayError;
use super::keyring::rfc3339;
use super::media::{check_media, store};
use super::notify::Outgoing;
use super::orders::digits;
use super::sensitive::{Hidden, encrypt_for_merchant};
use super::state::PayWorld;

/// A 1×1 PNG: the picture a complainant attaches.
const USER_IMAGE: [u8; 67] = [
    0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1F, 0x15, 0xC4,
    0x89, 0x00, 0x00, 0x00, 0x0A, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9C, 0x63, 0x00, 0x01, 0x00, 0x00,
    0x05, 0x00, 0x01, 0x0D, 0x0A, 0x2D, 0xB4, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4E, 0x44, 0xAE,
    0x42, 0x60, 0x82,
];

/// A complaint a test opens; see
/// [`PaySandbox::open_complaint`](super::PaySandbox::open_complaint).
#[derive(Clone)]
pub struct ComplaintSpec {
    pub(crate) transaction_id: String,
    pub(crate) detail: String,
    pub(crate) payer_phone: String,
    pub(crate) apply_refund_amount: Option<i64>,
}

impl std::fmt::Debug for ComplaintSpec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ComplaintSpec")
            .field("transaction_id", &self.transaction_id)
            .field("detail", &self.detail)
            .finish_non_exhaustive()
    }
}

impl ComplaintSpec {
    /// The payer of `transaction_id` complains: `detail`, reachable at
    /// `payer_phone`.
    pub fn new(
        transaction_id: impl Into<String>,
        detail: impl Into<String>,
        payer_phone: impl Into<String>,
    ) -> Self {
        ComplaintSpec {
            transaction_id: transaction_id.into(),
            detail: detail.into(),
            payer_phone: payer_phone.into(),
            apply_refund_amount: None,
        }
    }

    /// The user asks for a refund of this many fen (`problem_type: REFUND`).
    #[must_use]
    pub fn refund_asked(mut self, fen: i64) -> Self {
        self.apply_refund_amount = Some(fen);
        self
    }
}

/// One entry of the negotiation history.
#[derive(Debug, Clone)]
pub(crate) struct LogEntry {
    pub log_id: String,
    pub operator: &'static str,
    pub time: OffsetDateTime,
    pub operate_type: &'static str,
    pub details: String,
    pub images: Vec<String>,
}

/// A complaint.
#[derive(Debug, Clone)]
pub(crate) struct Complaint {
    pub complaint_id: String,
    /// Who is notified and may answer: the service provider, or the
    /// merchant itself.
    pub handler_mchid: String,
    pub complainted_mchid: String,
    pub time: OffsetDateTime,
    pub detail: String,
    pub state: &'static str,
    pub payer_phone: Hidden,
    pub transaction_id: String,
    pub out_trade_no: String,
    pub amount: i64,
    pub user_images: Vec<String>,
    pub apply_refund_amount: Option<i64>,
    pub log: Vec<LogEntry>,
}

fn image_url(base_url: &url::Url, media_id: &str) -> String {
    base_url
        .join(&format!("v3/merchant-service/images/{media_id}"))
        .map(|u| u.to_string())
        .unwrap_or_default()
}

/// The notification of `action` on complaint `c`, if its handler has a URL.
fn notification(
    world: &PayWorld,
    c: &Complaint,
    event: &'static str,
    action: &str,
) -> Option<Outgoing> {
    let url = world.sp.complaint_urls.get(&c.handler_mchid)?;
    Some(Outgoing {
        mchid: c.handler_mchid.clone(),
        notify_url: url.clone(),
        event_type: event,
        summary: if event == "COMPLAINT.CREATE" {
            "产生新投诉"
        } else {
            "投诉单状态变化"
        },
        original_type: "complaint",
        resource: json!({"complaint_id": c.complaint_id, "action_type": action}),
    })
}

/// Opens a complaint on a paid order; answers its id and the
/// `COMPLAINT.CREATE` notification to send, if any.
pub(crate) fn open(
    world: &mut PayWorld,
    spec: ComplaintSpec,
) -> Result<(String, Option<Outgoing>), String> {
    let (handler, complainted, out_trade_no, amount) = if let Some(o) = world
        .sp
        .partner_orders
        .values()
        .find(|o| o.transaction_id.as_deref() == Some(&spec.transaction_id))
    {
        (
            o.sp_mchid.clone(),
            o.sub_mchid.clone(),
            o.out_trade_no.clone(),
            o.total,
        )
    } else if let Some(o) = world
        .orders
        .values()
        .find(|o| o.transaction_id.as_deref() == Some(&spec.transaction_id))
    {
        (
            o.mchid.clone(),
            o.mchid.clone(),
            o.out_trade_no.clone(),
            o.total,
        )
    } else {
        return Err(format!("no paid order `{}`", spec.transaction_id));
    };
    let image = store(&mut world.sp.media, &handler, USER_IMAGE.to_vec());
    let now = OffsetDateTime::now_utc();
    let c = Complaint {
        complaint_id: digits("2001", 28),
        handler_mchid: handler,
        complainted_mchid: complainted,
        time: now,
        detail: spec.detail.clone(),
        state: "PENDING",
        payer_phone: Hidden(spec.payer_phone),
        transaction_id: spec.transaction_id,
        out_trade_no,
        amount,
        user_images: vec![image.clone()],
        apply_refund_amount: spec.apply_refund_amount,
        log: vec![LogEntry {
            log_id: digits("", 24),
            operator: "投诉人",
            time: now,
            operate_type: "USER_CREATE_COMPLAINT",
            details: spec.detail,
            images: vec![image],
        }],
    };
    let note = notification(world, &c, "COMPLAINT.CREATE", "CREATE_COMPLAINT");
    let id = c.complaint_id.clone();
    world.sp.complaints.push(c);
    Ok((id, note))
}

fn complaint_json(world: &PayWorld, base_url: &url::Url, c: &Complaint) -> Result<Value, PayError> {
    let mut v = json!({
        "complaint_id": c.complaint_id,
        "complaint_time": rfc3339(c.time),
        "complaint_detail": c.detail,
        "complaint_state": c.state,
        "complainted_mchid": c.complainted_mchid,
        "payer_phone": encrypt_for_merchant(world, &c.handler_mchid, &c.payer_phone.0)?,
        "payer_openid": crate::DEFAULT_OPENID,
        "complaint_order_info": [{"transaction_id": c.transaction_id, "out_trade_no": c.out_trade_no, "amount": c.amount}],
        "complaint_media_list": [{"media_type": "USER_COMPLAINT_IMAGE",
            "media_url": c.user_images.iter().map(|m| image_url(base_url, m)).collect::<Vec<_>>()}],
        "complaint_full_refunded": false,
        "incoming_user_response": false,
        "problem_description": c.detail,
        "user_complaint_times": 1,
        "problem_type": if c.apply_refund_amount.is_some() { "REFUND" } else { "OTHERS" },
    });
    if let (Some(fen), Some(map)) = (c.apply_refund_amount, v.as_object_mut()) {
        map.insert("apply_refund_amount".into(), json!(fen));
    }
    Ok(v)
}

fn page(query: Option<&str>) -> Result<(usize, usize), PayError> {
    let number = |name: &str, default: usize, max: usize| -> Result<usize, PayError> {
        match query_param(query, name) {
            None => Ok(default),
            Some(t) => t
                .parse::<usize>()
                .ok()
                .filter(|n| *n <= max)
                .ok_or_else(|| {
                    PayError::param(name, "取值超出范围").detail(name, "query", "range")
                }),
        }
    };
    let limit = number("limit", 10, 50)?.max(1);
    Ok((limit, number("offset", 0, usize::MAX)?))
}

/// `GET /v3/merchant-service/complaints-v2?begin_date=&end_date=…`.
pub(crate) fn list(
    world: &PayWorld,
    base_url: &url::Url,
    mchid: &str,
    query: Option<&str>,
) -> Result<PayAnswer, PayError> {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    let date = |name: &str| -> Result<time::Date, PayError> {
        let text = query_param(query, name).ok_or_else(|| {
            PayError::param(name, "缺少必填参数").detail(name, "query", "missing")
        })?;
        time::Date::parse(&text, &format).map_err(|_| {
            PayError::param(name, "格式应为yyyy-MM-DD").detail(name, "query", "format")
        })
    };
    let (begin, end) = (date("begin_date")?, date("end_date")?);
    if end < begin || (end - begin).whole_days() > 30 {
        return Err(PayError::param(
            "end_date",
            "查询时间范围应在30天内，且结束日期不早于开始日期",
        ));
    }
    let (limit, offset) = page(query)?;
    let complainted = query_param(query, "complainted_mchid");
    let mine: Vec<&Complaint> = world
        .sp
        .complaints
        .iter()
        .filter(|c| c.handler_mchid == mchid)
        .filter(|c| {
            complainted
                .as_ref()
                .is_none_or(|m| *m == c.complainted_mchid)
        })
        .filter(|c| {
            let day = super::bills::china_date(c.time);
            day >= begin && day <= end
        })
        .collect();
    let data = mine
        .iter()
        .skip(offset)
        .take(limit)
        .map(|c| complaint_json(world, base_url, c))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(PayAnswer::Json(
        StatusCode::OK,
        json!({"data": data, "limit": limit, "offset": offset, "total_count": mine.len()}),
    ))
}

fn find<'a>(world: &'a PayWorld, mchid: &str, id: &str) -> Result<&'a Complaint, PayError> {
    world
        .sp
        .complaints
        .iter()
        .find(|c| c.complaint_id == id && c.handler_mchid == mchid)
        .ok_or_else(|| PayError::not_exists("投诉单不存在"))
}

/// `GET /v3/merchant-service/complaints-v2/{complaint_id}`.
pub(crate) fn detail(
    world: &PayWorld,
    base_url: &url::Url,
    mchid: &str,
    id: &str,
) -> Result<PayAnswer, PayError> {
    let c = find(world, mchid, id)?;
    Ok(PayAnswer::Json(
        StatusCode::OK,
        complaint_json(world, base_url, c)?,
    ))
}

/// `GET /v3/merchant-service/complaints-v2/{complaint_id}/negotiation-historys`.
pub(crate) fn history(
    world: &PayWorld,
    base_url: &url::Url,
    mchid: &str,
    id: &str,
    query: Option<&str>,
) -> Result<PayAnswer, PayError> {
    let c = find(world, mchid, id)?;
    let (limit, offset) = page(query)?;
    let data: Vec<Value> = c
        .log
        .iter()
        .skip(offset)
        .take(limit)
        .map(|e| {
            let kind = if e.operator == "投诉人" { "USER_COMPLAINT_IMAGE" } else { "OPERATION_IMAGE" };
            json!({
                "log_id": e.log_id, "operator": e.operator, "operate_time": rfc3339(e.time),
                "operate_type": e.operate_type, "operate_details": e.details,
                "complaint_media_list": {"media_type": kind,
                    "media_url": e.images.iter().map(|m| image_url(base_url, m)).collect::<Vec<_>>()},
            })
        })
        .collect();
    Ok(PayAnswer::Json(
        StatusCode::OK,
        json!({"data": data, "limit": limit, "offset": offset, "total_count": c.log.len()}),
    ))
}

fn find_mut<'a>(
    world: &'a mut PayWorld,
    mchid: &str,
    id: &str,
    body: &Value,
) -> Result<&'a mut Complaint, PayError> {
    let complainted = required(body, "complainted_mchid", 32)?.to_owned();
    let c = world
        .sp
        .complaints
        .iter_mut()
        .find(|c| c.complaint_id == id && c.handler_mchid == mchid)
        .ok_or_else(|| PayError::not_exists("投诉单不存在"))?;
    if c.complainted_mchid != complainted {
        return Err(PayError::param(
            "complainted_mchid",
            "与投诉单的被诉商户号不一致",
        ));
    }
    Ok(c)
}

/// `POST /v3/merchant-service/complaints-v2/{complaint_id}/response` (204).
pub(crate) fn respond(
    world: &mut PayWorld,
    mchid: &str,
    id: &str,
    body: &[u8],
) -> Result<(PayAnswer, Option<Outgoing>), PayError> {
    let body = json_body(body)?;
    let content = required(&body, "response_content", 200)?.to_owned();
    let images: Vec<String> = match body.get("response_images") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(list)) => list
            .iter()
            .map(|v| {
                v.as_str()
                    .map(str::to_owned)
                    .ok_or_else(|| PayError::param("response_images", "应为MediaID数组"))
            })
            .collect::<Result<_, _>>()?,
        Some(_) => return Err(PayError::param("response_images", "应为MediaID数组")),
    };
    if images.len() > 4 {
        return Err(PayError::param("response_images", "最多4张图片"));
    }
    for image in &images {
        check_media(world, mchid, "response_images", image)?;
    }
    optional(&body, "jump_url", 512)?;
    let c = find_mut(world, mchid, id, &body)?;
    if c.state == "PROCESSED" {
        return Err(PayError::invalid("投诉单已处理完成，不能回复"));
    }
    c.state = "PROCESSING";
    c.log.push(LogEntry {
        log_id: digits("", 24),
        operator: "商户",
        time: OffsetDateTime::now_utc(),
        operate_type: "MERCHANT_RESPONSE",
        details: content,
        images,
    });
    let c = c.clone();
    Ok((
        PayAnswer::NoContent,
        notification(world, &c, "COMPLAINT.STATE_CHANGE", "MERCHANT_RESPONSE"),
    ))
}

/// `POST /v3/merchant-service/complaints-v2/{complaint_id}/complete` (204).
pub(crate) fn complete(
    world: &mut PayWorld,
    mchid: &str,
    id: &str,
    body: &[u8],
) -> Result<(PayAnswer, Option<Outgoing>), PayError> {
    let body = json_body(body)?;
    let c = find_mut(world, mchid, id, &body)?;
    if c.state != "PROCESSING" {
        return Err(PayError::invalid("请先回复用户，再反馈处理完成"));
    }
    c.state = "PROCESSED";
    c.log.push(LogEntry {
        log_id: digits("", 24),
        operator: "商户",
        time: OffsetDateTime::now_utc(),
        operate_type: "MERCHANT_CONFIRM_COMPLETE",
        details: "商户已处理完成".to_owned(),
        images: Vec::new(),
    });
    let c = c.clone();
    Ok((
        PayAnswer::NoContent,
        notification(
            world,
            &c,
            "COMPLAINT.STATE_CHANGE",
            "MERCHANT_CONFIRM_COMPLETE",
        ),
    ))
}

/// `/v3/merchant-service/complaint-notifications`: POST creates, GET
/// reads, PUT updates, DELETE removes (204).
pub(crate) fn notification_url(
    world: &mut PayWorld,
    mchid: &str,
    method: &str,
    body: &[u8],
) -> Result<PayAnswer, PayError> {
    let answer = |url: &str| PayAnswer::Json(StatusCode::OK, json!({"mchid": mchid, "url": url}));
    let exists = world.sp.complaint_urls.contains_key(mchid);
    match method {
        "GET" => world
            .sp
            .complaint_urls
            .get(mchid)
            .map(|u| answer(u))
            .ok_or_else(|| PayError::not_exists("投诉通知回调地址不存在")),
        "DELETE" => {
            world
                .sp
                .complaint_urls
                .remove(mchid)
                .ok_or_else(|| PayError::not_exists("投诉通知回调地址不存在"))?;
            Ok(PayAnswer::NoContent)
        }
        "POST" | "PUT" => {
            let body = json_body(body)?;
            let url = required(&body, "url", 256)?.to_owned();
            match url::Url::parse(&url) {
                Ok(u) if matches!(u.scheme(), "http" | "https") => {}
                _ => return Err(PayError::param("url", "应为http(s) URL")),
            }
            if method == "POST" && exists {
                return Err(PayError::invalid("投诉通知回调地址已存在，请使用更新接口"));
            }
            if method == "PUT" && !exists {
                return Err(PayError::not_exists("投诉通知回调地址不存在"));
            }
            world
                .sp
                .complaint_urls
                .insert(mchid.to_owned(), url.clone());
            Ok(answer(&url))
        }
        _ => Err(PayError::new(
            StatusCode::NOT_FOUND,
            "NOT_FOUND",
            "请求的资源不存在",
        )),
    }
}
