//! The logistics helper calls that carry state ([`crate::express`]): a
//! waybill ordered, read (one or a batch), tracked, moved along by the test
//! courier and cancelled. The mini program is the appid the call's token
//! acts for.

use serde_json::{Map, Value, json};

use crate::Shared;
use crate::checked::Checked;
use crate::errcode::WxError;
use crate::express::{TEST_BIZ_ID, TEST_DELIVERY_ID, Waybill, waybill_status};
use crate::store::invalid;

fn ok(mut fields: Map<String, Value>) -> Value {
    fields.insert("errcode".into(), json!(0));
    fields.insert("errmsg".into(), json!("ok"));
    Value::Object(fields)
}

/// Whether `delivery_id` is a courier `delivery/getall` lists (its spec
/// example), or the test courier.
fn known_courier(delivery_id: &str) -> bool {
    if delivery_id == TEST_DELIVERY_ID {
        return true;
    }
    wechat_api::api::ENDPOINTS
        .iter()
        .find(|e| e.path == "/cgi-bin/express/business/delivery/getall")
        .and_then(|e| e.example)
        .and_then(|text| serde_json::from_str::<Value>(text).ok())
        .and_then(|e| e.get("data").and_then(Value::as_array).cloned())
        .into_iter()
        .flatten()
        .any(|c| c.get("delivery_id").and_then(Value::as_str) == Some(delivery_id))
}

/// A party of the waybill, checked: a name, a phone and an address.
fn party(call: &Checked, name: &str) -> Result<(), WxError> {
    let Some(Value::Object(person)) = call.body_field(name) else {
        return Err(WxError::missing(name, true));
    };
    let has = |f: &str| {
        person
            .get(f)
            .and_then(Value::as_str)
            .is_some_and(|s| !s.is_empty())
    };
    if !has("name") || !(has("tel") || has("mobile")) || !has("address") {
        return Err(invalid(&format!(
            "{name} needs a name, a phone and an address"
        )));
    }
    Ok(())
}

pub(super) fn add_order(shared: &Shared, call: &Checked) -> Result<Value, WxError> {
    let appid = call.appid()?;
    let order_id = call.required("order_id")?;
    let delivery_id = call.required("delivery_id")?;
    let biz_id = call.required("biz_id")?;
    if !known_courier(&delivery_id) {
        return Err(invalid("invalid delivery_id"));
    }
    if delivery_id == TEST_DELIVERY_ID && biz_id != TEST_BIZ_ID {
        return Err(invalid("the test courier takes biz_id test_biz_id"));
    }
    party(call, "sender")?;
    party(call, "receiver")?;
    let openid = call.param("openid").filter(|s| !s.is_empty());
    if call.param("add_source").as_deref() == Some("0") && openid.is_none() {
        return Err(WxError::missing("openid", true));
    }
    let mut world = shared.world();
    let express = &mut world.express;
    let key = (order_id.clone(), delivery_id.clone());
    if express.of(&appid).contains_key(&key) {
        return Err(invalid("order_id already used"));
    }
    let waybill_id = express.waybill_id(&delivery_id);
    let data = vec![json!({"key": format!("{delivery_id}_bagAddr"), "value": "广州"})];
    express.of(&appid).insert(
        key,
        Waybill {
            order_id: order_id.clone(),
            delivery_id,
            biz_id,
            waybill_id: waybill_id.clone(),
            openid,
            status: waybill_status::NORMAL,
            path: Vec::new(),
            data: data.clone(),
        },
    );
    Ok(ok(Map::from_iter([
        ("order_id".into(), json!(order_id)),
        ("waybill_id".into(), json!(waybill_id)),
        ("waybill_data".into(), json!(data)),
        ("delivery_resultcode".into(), json!(0)),
        ("delivery_resultmsg".into(), json!("")),
    ])))
}

/// The waybill a call names by order id and courier (and tracking number,
/// when given).
fn with_waybill<T>(
    shared: &Shared,
    call: &Checked,
    f: impl FnOnce(&mut Waybill) -> Result<T, WxError>,
) -> Result<T, WxError> {
    let appid = call.appid()?;
    let key = (call.required("order_id")?, call.required("delivery_id")?);
    let waybill_id = call.param("waybill_id").filter(|s| !s.is_empty());
    let mut world = shared.world();
    let waybill = world
        .express
        .of(&appid)
        .get_mut(&key)
        .filter(|w| waybill_id.as_ref().is_none_or(|id| *id == w.waybill_id))
        .ok_or_else(|| invalid("waybill not exist"))?;
    f(waybill)
}

pub(super) fn get_order(shared: &Shared, call: &Checked) -> Result<Value, WxError> {
    let answer = with_waybill(shared, call, |w| Ok(w.answer()))?;
    match answer {
        Value::Object(fields) => Ok(ok(fields)),
        _ => Err(invalid("waybill not exist")),
    }
}

pub(super) fn batch_get_order(shared: &Shared, call: &Checked) -> Result<Value, WxError> {
    let appid = call.appid()?;
    let keys = call
        .body_field("order_list")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    if keys.is_empty() || keys.len() > 100 {
        return Err(invalid("order_list holds 1 to 100 waybills"));
    }
    let mut world = shared.world();
    let waybills = world.express.of(&appid);
    let list: Vec<Value> = keys
        .iter()
        .map(|k| {
            let text = |f: &str| {
                k.get(f)
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_owned()
            };
            let key = (text("order_id"), text("delivery_id"));
            match waybills
                .get(&key)
                .filter(|w| w.waybill_id == text("waybill_id"))
            {
                Some(w) => {
                    let mut entry = w.answer();
                    entry["errcode"] = json!(0);
                    entry["errmsg"] = json!("ok");
                    entry["delivery_id"] = json!(w.delivery_id);
                    entry
                }
                None => json!({
                    "errcode": crate::errcode::INVALID_ARGS,
                    "errmsg": "waybill not exist",
                    "delivery_id": key.1,
                    "order_id": key.0,
                    "waybill_id": text("waybill_id"),
                }),
            }
        })
        .collect();
    Ok(ok(Map::from_iter([("order_list".into(), json!(list))])))
}

pub(super) fn get_path(shared: &Shared, call: &Checked) -> Result<Value, WxError> {
    with_waybill(shared, call, |w| {
        let mut fields = Map::new();
        if let Some(openid) = &w.openid {
            fields.insert("openid".into(), json!(openid));
        }
        fields.insert("delivery_id".into(), json!(w.delivery_id));
        fields.insert("waybill_id".into(), json!(w.waybill_id));
        fields.insert("path_item_num".into(), json!(w.path.len()));
        fields.insert("path_item_list".into(), json!(w.path));
        Ok(ok(fields))
    })
}

pub(super) fn cancel_order(shared: &Shared, call: &Checked) -> Result<Value, WxError> {
    with_waybill(shared, call, |w| {
        if w.status == waybill_status::CANCELLED {
            return Err(invalid("the waybill is already cancelled"));
        }
        w.status = waybill_status::CANCELLED;
        Ok(ok(Map::from_iter([
            ("delivery_resultcode".into(), json!(0)),
            ("delivery_resultmsg".into(), json!("")),
        ])))
    })
}

pub(super) fn test_update_order(shared: &Shared, call: &Checked) -> Result<Value, WxError> {
    if call.required("delivery_id")? != TEST_DELIVERY_ID || call.required("biz_id")? != TEST_BIZ_ID
    {
        return Err(invalid("only the test courier's waybills can be updated"));
    }
    let action_time: i64 = call
        .required("action_time")?
        .parse()
        .map_err(|_| invalid("invalid action_time"))?;
    let action_type: i64 = call
        .required("action_type")?
        .parse()
        .map_err(|_| invalid("invalid action_type"))?;
    let action_msg = call.param("action_msg").unwrap_or_default();
    with_waybill(shared, call, |w| {
        if w.status == waybill_status::CANCELLED {
            return Err(invalid("the waybill is cancelled"));
        }
        if w.biz_id != TEST_BIZ_ID {
            return Err(invalid("not a test waybill"));
        }
        w.path.push(json!({
            "action_time": action_time,
            "action_type": action_type,
            "action_msg": action_msg,
        }));
        Ok(ok(Map::new()))
    })
}
