//! The service-provider endpoints under `/v3/`: which path and method go to
//! which handler. Asked before the merchant routes; a request it does not
//! know (`None`) goes on to them. Refunds are shared with merchants: one
//! with `sub_mchid` (in the body, or the query of a lookup) is a partner
//! refund.

use axum::http::Method;
use serde_json::Value;

use super::answer::{PayAnswer, json_body, query_param};
use super::error::PayError;
use super::media::{self, Kind, Upload};
use super::routes::{Followup, segment};
use super::state::PayWorld;
use super::{
    applyment, complaints, partner_orders, partner_refunds, profitsharing, receivers, settlement,
    transfers,
};

/// One request, as the dispatcher sees it.
#[derive(Debug)]
pub(crate) struct Request<'a> {
    pub base_url: &'a url::Url,
    /// The signer.
    pub mchid: &'a str,
    pub method: &'a Method,
    pub path: &'a str,
    pub query: Option<&'a str>,
    /// The `Wechatpay-Serial` request header.
    pub serial: Option<&'a str>,
    pub body: &'a [u8],
    pub upload: Option<&'a Upload>,
}

type Handled = Result<(PayAnswer, Followup), PayError>;

fn plain(answer: Result<PayAnswer, PayError>) -> Handled {
    answer.map(|a| (a, Followup::None))
}

fn notify(answer: Result<(PayAnswer, Vec<super::notify::Outgoing>), PayError>) -> Handled {
    answer.map(|(a, n)| (a, Followup::Notify(n)))
}

fn notify_one(answer: Result<(PayAnswer, Option<super::notify::Outgoing>), PayError>) -> Handled {
    answer.map(|(a, n)| (a, Followup::Notify(n.into_iter().collect())))
}

/// Handles `r` if it is a service-provider endpoint.
pub(crate) fn dispatch(world: &mut PayWorld, r: &Request<'_>) -> Option<Handled> {
    let segments: Vec<&str> = r.path.trim_start_matches('/').split('/').collect();
    let (get, post) = (*r.method == Method::GET, *r.method == Method::POST);
    let m = r.mchid;
    Some(match segments.as_slice() {
        // media
        ["v3", "merchant", "media", "upload"] if post => {
            plain(media::upload(world, m, Kind::Image, r.upload))
        }
        ["v3", "merchant", "media", "video_upload"] if post => {
            plain(media::upload(world, m, Kind::Video, r.upload))
        }
        ["v3", "merchant-service", "images", "upload"] if post => {
            plain(media::upload(world, m, Kind::Image, r.upload))
        }
        ["v3", "merchant-service", "images", id] if get => {
            plain(media::download(world, m, &segment(id)))
        }
        // onboarding
        ["v3", "applyment4sub", "applyment", ""] | ["v3", "applyment4sub", "applyment"] if post => {
            plain(applyment::submit(world, m, r.serial, r.body))
        }
        ["v3", "applyment4sub", "applyment", "business_code", code] if get => {
            plain(applyment::query_by_business_code(world, m, &segment(code)))
        }
        ["v3", "applyment4sub", "applyment", "applyment_id", id] if get => {
            plain(applyment::query_by_id(world, m, &segment(id)))
        }
        ["v3", "apply4sub", "sub_merchants", sub, "modify-settlement"] if post => plain(
            settlement::modify(world, m, &segment(sub), r.serial, r.body),
        ),
        ["v3", "apply4sub", "sub_merchants", sub, "settlement"] if get => {
            plain(settlement::query(world, m, &segment(sub)))
        }
        ["v3", "apply4sub", "sub_merchants", sub, "application", no] if get => plain(
            settlement::application(world, m, &segment(sub), &segment(no)),
        ),
        // partner orders
        ["v3", "pay", "partner", "transactions", kind]
            if post && ["jsapi", "app", "h5", "native"].contains(kind) =>
        {
            plain(partner_orders::create(world, m, kind, r.body))
        }
        ["v3", "pay", "partner", "transactions", "id", id] if get => {
            plain(partner_orders::query_by_id(world, m, &segment(id), r.query))
        }
        ["v3", "pay", "partner", "transactions", "out-trade-no", no] if get => plain(
            partner_orders::query_by_out_trade_no(world, m, &segment(no), r.query),
        ),
        [
            "v3",
            "pay",
            "partner",
            "transactions",
            "out-trade-no",
            no,
            "close",
        ] if post => plain(partner_orders::close(world, m, &segment(no), r.body)),
        // partner refunds (merchant refunds have no sub_mchid)
        ["v3", "refund", "domestic", "refunds"] if post => {
            let body = match json_body(r.body) {
                Ok(body) => body,
                Err(e) => return Some(Err(e)),
            };
            if body.get("sub_mchid").is_none_or(Value::is_null) {
                return None;
            }
            partner_refunds::create(world, m, &body).map(|(answer, created)| {
                let followup = created.map_or(Followup::None, |no| Followup::PartnerRefund {
                    sp_mchid: m.to_owned(),
                    sub_mchid: body
                        .get("sub_mchid")
                        .and_then(Value::as_str)
                        .unwrap_or_default()
                        .to_owned(),
                    out_refund_no: no,
                    outcome: None,
                });
                (answer, followup)
            })
        }
        [
            "v3",
            "refund",
            "domestic",
            "refunds",
            id,
            "apply-abnormal-refund",
        ] if post => {
            let body = match json_body(r.body) {
                Ok(body) => body,
                Err(e) => return Some(Err(e)),
            };
            if body.get("sub_mchid").is_none_or(Value::is_null) {
                return None;
            }
            partner_refunds::apply_abnormal(world, m, &segment(id), r.serial, &body).map(
                |(answer, sub_mchid, out_refund_no)| {
                    (
                        answer,
                        Followup::PartnerRefund {
                            sp_mchid: m.to_owned(),
                            sub_mchid,
                            out_refund_no,
                            outcome: Some(super::RefundOutcome::Success),
                        },
                    )
                },
            )
        }
        ["v3", "refund", "domestic", "refunds", no]
            if get && query_param(r.query, "sub_mchid").is_some() =>
        {
            plain(partner_refunds::query(world, m, &segment(no), r.query))
        }
        // profit sharing
        ["v3", "profitsharing", "receivers", "add"] if post => {
            plain(receivers::add(world, m, r.serial, r.body))
        }
        ["v3", "profitsharing", "receivers", "delete"] if post => {
            plain(receivers::delete(world, m, r.body))
        }
        ["v3", "profitsharing", "orders"] if post => {
            notify(profitsharing::create(world, m, r.serial, r.body))
        }
        ["v3", "profitsharing", "orders", "unfreeze"] if post => {
            plain(profitsharing::unfreeze(world, m, r.body))
        }
        ["v3", "profitsharing", "orders", no] if get => {
            plain(profitsharing::query(world, m, &segment(no), r.query))
        }
        ["v3", "profitsharing", "return-orders"] if post => {
            notify(profitsharing::create_return(world, m, r.body))
        }
        ["v3", "profitsharing", "return-orders", no] if get => {
            plain(profitsharing::query_return(world, m, &segment(no), r.query))
        }
        ["v3", "profitsharing", "transactions", id, "amounts"] if get => {
            plain(profitsharing::amounts(world, m, &segment(id)))
        }
        ["v3", "profitsharing", "merchant-configs", sub] if get => {
            plain(profitsharing::max_ratio(world, m, &segment(sub)))
        }
        ["v3", "profitsharing", "bills"] if get => {
            plain(profitsharing::bill(world, r.base_url, m, r.query))
        }
        // complaints
        ["v3", "merchant-service", "complaint-notifications"] => plain(
            complaints::notification_url(world, m, r.method.as_str(), r.body),
        ),
        ["v3", "merchant-service", "complaints-v2"] if get => {
            plain(complaints::list(world, r.base_url, m, r.query))
        }
        ["v3", "merchant-service", "complaints-v2", id] if get => {
            plain(complaints::detail(world, r.base_url, m, &segment(id)))
        }
        [
            "v3",
            "merchant-service",
            "complaints-v2",
            id,
            "negotiation-historys",
        ] if get => plain(complaints::history(
            world,
            r.base_url,
            m,
            &segment(id),
            r.query,
        )),
        ["v3", "merchant-service", "complaints-v2", id, "response"] if post => {
            notify_one(complaints::respond(world, m, &segment(id), r.body))
        }
        ["v3", "merchant-service", "complaints-v2", id, "complete"] if post => {
            notify_one(complaints::complete(world, m, &segment(id), r.body))
        }
        // transfers
        ["v3", "fund-app", "mch-transfer", "transfer-bills"] if post => {
            plain(transfers::create(world, m, r.serial, r.body))
        }
        [
            "v3",
            "fund-app",
            "mch-transfer",
            "transfer-bills",
            "out-bill-no",
            no,
        ] if get => plain(transfers::query_by_out_bill_no(world, m, &segment(no))),
        [
            "v3",
            "fund-app",
            "mch-transfer",
            "transfer-bills",
            "transfer-bill-no",
            no,
        ] if get => plain(transfers::query_by_bill_no(world, m, &segment(no))),
        [
            "v3",
            "fund-app",
            "mch-transfer",
            "transfer-bills",
            "out-bill-no",
            no,
            "cancel",
        ] if post => notify_one(transfers::cancel(world, m, &segment(no))),
        _ => return None,
    })
}
