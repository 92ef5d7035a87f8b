//! The WeChat Pay API under `/v3/`: each request is recorded, meets the
//! injected faults, has its signature checked (401 `SIGN_ERROR`), is
//! handled, and its answer is signed (except bill downloads) and given a
//! `Request-ID`. A `multipart/form-data` upload is parsed first: its
//! signature covers the `meta` part, not the body. Service-provider
//! endpoints are tried first (`sp_routes`), then the merchant's.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use percent_encoding::percent_decode_str;

use super::answer::PayAnswer;
use super::error::PayError;
use super::faults::{PayFaultKind, Target};
use super::record::PayCall;
use super::state::PayWorld;
use super::{auth, bills, media, orders, refunds, sign, sp_routes};
use crate::Shared;

/// What to do once the answer is out.
#[derive(Debug)]
pub(crate) enum Followup {
    None,
    /// Send these notifications.
    Notify(Vec<super::notify::Outgoing>),
    /// End this partner refund (and notify).
    PartnerRefund {
        sp_mchid: String,
        sub_mchid: String,
        out_refund_no: String,
        /// `None`: as the sandbox is configured.
        outcome: Option<super::RefundOutcome>,
    },
    /// End this refund as configured (and notify).
    Refund {
        mchid: String,
        out_refund_no: String,
        /// `None`: as the sandbox is configured.
        outcome: Option<super::RefundOutcome>,
    },
}

/// Serves one request under `/v3/`.
pub(crate) async fn handle(
    State(shared): State<Arc<Shared>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let path = uri.path().to_owned();
    let query = uri.query().map(str::to_owned);
    let fault = match shared.pay.world() {
        Ok(mut world) => world.faults.take(Target::Answers, &path),
        Err(e) => return (StatusCode::INTERNAL_SERVER_ERROR, e).into_response(),
    };
    if let Some(PayFaultKind::Latency(delay)) = fault {
        tokio::time::sleep(delay).await;
    }
    let header_text = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    let upload = if media::is_multipart(&headers) {
        Some(media::parse(&headers, body.clone()).await)
    } else {
        None
    };
    let result = match &fault {
        Some(PayFaultKind::ServerError(status)) => Err(PayError::new(
            StatusCode::from_u16(*status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
            "SYSTEM_ERROR",
            "系统繁忙，请稍后重试",
        )),
        _ => match (shared.pay.world(), &upload) {
            (_, Some(Err(e))) => Err(e.clone()),
            (Ok(mut world), upload) => {
                let serial = header_text("wechatpay-serial");
                let upload = upload.as_ref().and_then(|u| u.as_ref().ok());
                let signed: &[u8] = upload.map_or(&body, |u| &u.meta);
                auth::verify(
                    &world,
                    header_text("authorization").as_deref(),
                    method.as_str(),
                    &path,
                    query.as_deref(),
                    signed,
                    shared.config.pay.clock_skew,
                )
                .and_then(|mchid| {
                    let request = sp_routes::Request {
                        base_url: &shared.base_url,
                        mchid: &mchid,
                        method: &method,
                        path: &path,
                        query: query.as_deref(),
                        serial: serial.as_deref(),
                        body: &body,
                        upload,
                    };
                    sp_routes::dispatch(&mut world, &request).unwrap_or_else(|| {
                        dispatch(
                            &mut world,
                            &shared.base_url,
                            &mchid,
                            &method,
                            &path,
                            query.as_deref(),
                            serial.as_deref(),
                            &body,
                        )
                    })
                })
            }
            (Err(e), _) => Err(PayError::system(e)),
        },
    };
    let (status, answer, followup) = match result {
        Ok((answer, followup)) => {
            let status = match &answer {
                PayAnswer::Json(status, _) => *status,
                PayAnswer::NoContent => StatusCode::NO_CONTENT,
                PayAnswer::File(_) | PayAnswer::Image(..) => StatusCode::OK,
            };
            (status, answer, followup)
        }
        Err(e) => (
            e.status,
            PayAnswer::Json(e.status, e.body()),
            Followup::None,
        ),
    };
    let error_code = match (&answer, status.is_success()) {
        (PayAnswer::Json(_, v), false) => v.get("code").and_then(|c| c.as_str()).map(str::to_owned),
        _ => None,
    };
    let response = respond(&shared, status, answer, fault.as_ref());
    if let Ok(mut world) = shared.pay.world() {
        world.record(PayCall {
            method: method.to_string(),
            path,
            query,
            headers: headers
                .iter()
                .map(|(n, v)| {
                    (
                        n.as_str().to_owned(),
                        String::from_utf8_lossy(v.as_bytes()).into_owned(),
                    )
                })
                .collect(),
            body: String::from_utf8_lossy(&body).into_owned(),
            status: status.as_u16(),
            error_code,
        });
    }
    follow_up(&shared, followup);
    response
}

/// Does what comes after the answer, in the background.
fn follow_up(shared: &Arc<Shared>, followup: Followup) {
    let configured = || shared.pay.world().ok().and_then(|w| w.refund_outcome);
    match followup {
        Followup::None => {}
        Followup::Notify(list) => {
            for out in list {
                if let Err(error) = super::notify::send(shared, out) {
                    tracing::warn!(%error, "the sandbox could not send a notification");
                }
            }
        }
        Followup::Refund {
            mchid,
            out_refund_no,
            outcome,
        } => {
            if let Some(outcome) = outcome.or_else(configured) {
                let shared = Arc::clone(shared);
                tokio::spawn(async move {
                    if let Err(error) =
                        super::finish_refund(&shared, &mchid, &out_refund_no, outcome)
                    {
                        tracing::warn!(%error, "the sandbox could not end a refund");
                    }
                });
            }
        }
        Followup::PartnerRefund {
            sp_mchid,
            sub_mchid,
            out_refund_no,
            outcome,
        } => {
            if let Some(outcome) = outcome.or_else(configured) {
                let shared = Arc::clone(shared);
                tokio::spawn(async move {
                    if let Err(error) = super::sp_admin::finish_partner_refund(
                        &shared,
                        &sp_mchid,
                        &sub_mchid,
                        &out_refund_no,
                        outcome,
                    ) {
                        tracing::warn!(%error, "the sandbox could not end a partner refund");
                    }
                });
            }
        }
    }
}

/// Signs (unless it is a file) and builds the response.
fn respond(
    shared: &Shared,
    status: StatusCode,
    answer: PayAnswer,
    fault: Option<&PayFaultKind>,
) -> Response {
    let request_id = hex::encode_upper(rand::random::<[u8; 24]>());
    let (body, content_type, signed) = match answer {
        PayAnswer::Json(_, value) => (
            value.to_string().into_bytes(),
            "application/json; charset=utf-8",
            true,
        ),
        PayAnswer::NoContent => (Vec::new(), "", true),
        PayAnswer::File(bytes) => (bytes, "application/octet-stream", false),
        PayAnswer::Image(bytes, content_type) => (bytes, content_type, true),
    };
    let mut response = (status, body.clone()).into_response();
    let headers = response.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&request_id) {
        headers.insert("request-id", v);
    }
    if !content_type.is_empty() {
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    }
    if signed {
        let signer = match shared.pay.world() {
            Ok(mut world) => world.keys.signer(),
            Err(e) => return (StatusCode::INTERNAL_SERVER_ERROR, e).into_response(),
        };
        match sign::headers(&signer, &body, fault) {
            Ok(list) => {
                for (name, value) in list {
                    if let Ok(v) = HeaderValue::from_str(&value) {
                        headers.insert(name, v);
                    }
                }
            }
            Err(e) => return (StatusCode::INTERNAL_SERVER_ERROR, e).into_response(),
        }
    }
    response
}

/// A path segment, percent-decoded.
pub(crate) fn segment(s: &str) -> String {
    percent_decode_str(s).decode_utf8_lossy().into_owned()
}

#[allow(clippy::too_many_arguments)]
fn dispatch(
    world: &mut PayWorld,
    base_url: &url::Url,
    mchid: &str,
    method: &Method,
    path: &str,
    query: Option<&str>,
    serial: Option<&str>,
    body: &[u8],
) -> Result<(PayAnswer, Followup), PayError> {
    let segments: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    let get = *method == Method::GET;
    let post = *method == Method::POST;
    let plain = |a: PayAnswer| Ok((a, Followup::None));
    match segments.as_slice() {
        ["v3", "certificates"] if get => {
            let key = world
                .merchant(mchid)
                .map(|m| m.apiv3_key.clone())
                .ok_or_else(|| PayError::sign_error("商户号不存在"))?;
            let listed = world
                .keys
                .certificates_json(key.as_bytes())
                .map_err(PayError::system)?;
            plain(PayAnswer::Json(StatusCode::OK, listed))
        }
        ["v3", "pay", "transactions", kind]
            if post && ["jsapi", "app", "h5", "native"].contains(kind) =>
        {
            plain(orders::create(world, mchid, kind, body)?)
        }
        ["v3", "pay", "transactions", "id", id] if get => {
            plain(orders::query_by_id(world, mchid, &segment(id), query)?)
        }
        ["v3", "pay", "transactions", "out-trade-no", no] if get => plain(
            orders::query_by_out_trade_no(world, mchid, &segment(no), query)?,
        ),
        ["v3", "pay", "transactions", "out-trade-no", no, "close"] if post => {
            plain(orders::close(world, mchid, &segment(no), body)?)
        }
        ["v3", "refund", "domestic", "refunds"] if post => {
            let (answer, created) = refunds::create(world, mchid, body)?;
            let followup = created.map_or(Followup::None, |out_refund_no| Followup::Refund {
                mchid: mchid.to_owned(),
                out_refund_no,
                outcome: None,
            });
            Ok((answer, followup))
        }
        ["v3", "refund", "domestic", "refunds", no] if get => {
            plain(refunds::query(world, mchid, &segment(no))?)
        }
        [
            "v3",
            "refund",
            "domestic",
            "refunds",
            id,
            "apply-abnormal-refund",
        ] if post => {
            let (answer, out_refund_no) =
                refunds::apply_abnormal(world, mchid, &segment(id), serial, body)?;
            Ok((
                answer,
                Followup::Refund {
                    mchid: mchid.to_owned(),
                    out_refund_no,
                    outcome: Some(super::RefundOutcome::Success),
                },
            ))
        }
        ["v3", "bill", "tradebill"] if get => {
            plain(bills::apply(world, base_url, mchid, false, query)?)
        }
        ["v3", "bill", "fundflowbill"] if get => {
            plain(bills::apply(world, base_url, mchid, true, query)?)
        }
        ["v3", "billdownload", "file"] if get => plain(bills::download(world, mchid, query)?),
        _ => Err(PayError::new(
            StatusCode::NOT_FOUND,
            "NOT_FOUND",
            "请求的资源不存在",
        )),
    }
}
