//! The WeChat Store (微信小店) calls that carry state ([`crate::store`]): a
//! product added, read, listed, put on sale and taken off it, updated and
//! deleted; an order read, listed and shipped. The shop is the appid the
//! call's token acts for (a merchant's authorizer token, or the store's own).

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};

use crate::Shared;
use crate::checked::Checked;
use crate::errcode::WxError;
use crate::store::{invalid, product_status};

/// At most this many ids in one page of a list.
const MAX_PAGE: usize = 100;

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

/// `YYYY-MM-DD HH:MM:SS` (UTC) of `now`.
fn timestamp(secs: i64) -> String {
    let days = secs.div_euclid(86_400);
    let rest = secs.rem_euclid(86_400);
    // civil-from-days (Howard Hinnant), proleptic Gregorian
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02}:{:02}",
        rest / 3600,
        rest % 3600 / 60,
        rest % 60
    )
}

fn ok(mut fields: Map<String, Value>) -> Value {
    fields.insert("errcode".into(), json!(0));
    fields.insert("errmsg".into(), json!("ok"));
    Value::Object(fields)
}

fn ok_empty() -> Value {
    ok(Map::new())
}

/// The body without the fields every call has.
fn product_body(call: &Checked) -> Map<String, Value> {
    call.body.clone()
}

/// A page of `ids` after the offset in `next_key` (the offset, as text).
fn page(ids: Vec<String>, call: &Checked) -> (Vec<String>, String, bool) {
    let size = call
        .param("page_size")
        .and_then(|s| s.parse::<usize>().ok())
        .unwrap_or(MAX_PAGE)
        .clamp(1, MAX_PAGE);
    let start = call
        .param("next_key")
        .and_then(|s| s.parse::<usize>().ok())
        .unwrap_or(0)
        .min(ids.len());
    let end = start.saturating_add(size).min(ids.len());
    let more = end < ids.len();
    let ids = ids
        .get(start..end)
        .map(<[String]>::to_vec)
        .unwrap_or_default();
    (ids, end.to_string(), more)
}

pub(super) fn product_add(shared: &Shared, call: &Checked) -> Result<Value, WxError> {
    let appid = call.appid()?;
    let now = now();
    let id = shared
        .world()
        .store
        .shop(&appid)
        .add(product_body(call), &timestamp(now))?;
    Ok(ok(Map::from_iter([(
        "data".into(),
        json!({"product_id": id, "create_time": timestamp(now)}),
    )])))
}

pub(super) fn product_update(shared: &Shared, call: &Checked) -> Result<Value, WxError> {
    let appid = call.appid()?;
    let id = shared
        .world()
        .store
        .shop(&appid)
        .update(product_body(call))?;
    Ok(ok(Map::from_iter([(
        "data".into(),
        json!({"product_id": id, "update_time": timestamp(now())}),
    )])))
}

pub(super) fn product_get(shared: &Shared, call: &Checked) -> Result<Value, WxError> {
    let appid = call.appid()?;
    let id = call.required("product_id")?;
    let mut world = shared.world();
    let product = world.store.shop(&appid).product(&id)?.answer();
    let data_type = call.param("data_type").unwrap_or_else(|| "1".into());
    let mut answer = Map::new();
    if data_type == "1" || data_type == "3" {
        answer.insert("product".into(), product.clone());
    }
    if data_type == "2" || data_type == "3" {
        answer.insert("edit_product".into(), product);
    }
    Ok(ok(answer))
}

pub(super) fn product_list(shared: &Shared, call: &Checked) -> Result<Value, WxError> {
    let appid = call.appid()?;
    let status = match call.param("status") {
        Some(s) => Some(s.parse::<i64>().map_err(|_| invalid("invalid status"))?),
        None => None,
    };
    let ids: Vec<String> = {
        let mut world = shared.world();
        world
            .store
            .shop(&appid)
            .products
            .iter()
            .filter(|(_, p)| status.is_none_or(|s| p.status == s))
            .map(|(id, _)| id.clone())
            .collect()
    };
    let total = ids.len();
    let (ids, next_key, _) = page(ids, call);
    Ok(ok(Map::from_iter([
        ("product_ids".into(), json!(ids)),
        ("next_key".into(), json!(next_key)),
        ("total_num".into(), json!(total)),
    ])))
}

fn move_product(shared: &Shared, call: &Checked, from: &[i64], to: i64) -> Result<Value, WxError> {
    let appid = call.appid()?;
    let id = call.required("product_id")?;
    shared
        .world()
        .store
        .shop(&appid)
        .set_status(&id, from, to)?;
    Ok(ok_empty())
}

pub(super) fn product_listing(shared: &Shared, call: &Checked) -> Result<Value, WxError> {
    use product_status::{DELISTED, INITIAL, ON_SALE};
    move_product(shared, call, &[INITIAL, DELISTED], ON_SALE)
}

pub(super) fn product_delisting(shared: &Shared, call: &Checked) -> Result<Value, WxError> {
    use product_status::{DELISTED, ON_SALE};
    move_product(shared, call, &[ON_SALE], DELISTED)
}

pub(super) fn product_delete(shared: &Shared, call: &Checked) -> Result<Value, WxError> {
    let appid = call.appid()?;
    let id = call.required("product_id")?;
    let mut world = shared.world();
    let shop = world.store.shop(&appid);
    let product = shop.product(&id)?;
    if product.status == product_status::ON_SALE {
        return Err(invalid("delist the product before deleting it"));
    }
    shop.products.remove(&id);
    Ok(ok_empty())
}

pub(super) fn order_get(shared: &Shared, call: &Checked) -> Result<Value, WxError> {
    let appid = call.appid()?;
    let id = call.required("order_id")?;
    let order = shared.world().store.shop(&appid).order(&id)?.answer();
    Ok(ok(Map::from_iter([("order".into(), order)])))
}

pub(super) fn order_list(shared: &Shared, call: &Checked) -> Result<Value, WxError> {
    let appid = call.appid()?;
    let status = match call.param("status") {
        Some(s) => Some(s.parse::<i64>().map_err(|_| invalid("invalid status"))?),
        None => None,
    };
    let ids: Vec<String> = {
        let mut world = shared.world();
        world
            .store
            .shop(&appid)
            .orders
            .values()
            .filter(|o| status.is_none_or(|s| o.status == s))
            .map(|o| o.id.clone())
            .collect()
    };
    let (ids, next_key, more) = page(ids, call);
    Ok(ok(Map::from_iter([
        ("order_id_list".into(), json!(ids)),
        ("next_key".into(), json!(next_key)),
        ("has_more".into(), json!(more)),
    ])))
}

/// The couriers `deliverycompanylist/get` answers (its spec example), by id.
fn couriers() -> BTreeMap<String, String> {
    let example: Option<Value> = wechat_api::api::ENDPOINTS
        .iter()
        .find(|e| e.path == "/channels/ec/order/deliverycompanylist/get")
        .and_then(|e| e.example)
        .and_then(|text| serde_json::from_str(text).ok());
    example
        .as_ref()
        .and_then(|e| e.get("company_list"))
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|c| {
            Some((
                c.get("delivery_id")?.as_str()?.to_owned(),
                c.get("delivery_name")?.as_str()?.to_owned(),
            ))
        })
        .collect()
}

pub(super) fn delivery_send(shared: &Shared, call: &Checked) -> Result<Value, WxError> {
    let appid = call.appid()?;
    let id = call.required("order_id")?;
    let parcels = call
        .body_field("delivery_list")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    shared
        .world()
        .store
        .shop(&appid)
        .ship(&id, &parcels, &couriers(), now())?;
    Ok(ok_empty())
}

#[cfg(test)]
mod tests {
    use super::timestamp;

    #[test]
    fn timestamps_are_utc_calendar_dates() {
        assert_eq!(timestamp(0), "1970-01-01 00:00:00");
        assert_eq!(timestamp(1_714_550_400), "2024-05-01 08:00:00");
        assert_eq!(timestamp(951_782_400), "2000-02-29 00:00:00");
    }
}
