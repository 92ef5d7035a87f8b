//! The WeChat Store's events to a league institution (subscribed products),
//! a talent (commission orders) and to a supplier (supply orders, a shop's invitation), each from its
//! doc's sample (JSON, as the store sends them).

use serde_json::json;

use super::typed_events::json_push;

fn store(event: &str, body: serde_json::Value) -> serde_json::Value {
    json_push("gh_*", "OPENID", 1_662_480_000, event, body)
}

/// <https://developers.weixin.qq.com/doc/store/leagueheadsupplier/callback/head_supplier_subscribe_baseinfo_update.html>
/// and `…/head_supplier_subscribe_planinfo_update.html`.
#[test]
fn league_subscribed_product_events() {
    let base = store(
        "head_supplier_subscribe_product_baseinfo_update",
        json!({"item_info": {
            "appid": "wx2b255582a7b4bfd0",
            "product_id": "10000186383677",
            "version": "21",
            "status": 5,
            "product_info": {
                "title": "精选商品组合11",
                "sub_title": "推荐商品",
                "head_imgs": [
                    "https://wst.wxapp.tc.qq.com/161/20304/snscosdownload/SZ/reserved/67cfdc890005246c2e9793ed55918e0b000000a000004f50",
                    "https://wst.wxapp.tc.qq.com/161/20304/snscosdownload/SZ/reserved/67cfdc8900069fd60dae50ecd84a8809000000a000004f50"
                ]
            },
            "sku_list": [
                {"sku_id": 42367433222_u64, "sale_price": 2, "stock_num": 993, "thumb_img": ""},
                {"sku_id": 798234686428_u64, "sale_price": 2, "stock_num": 998, "thumb_img": ""}
            ],
            "desc_info": {"imgs": [
                "https://wst.wxapp.tc.qq.com/161/20304/snscosdownload/SZ/reserved/67cfdccc0001"
            ]}
        }}),
    );
    assert_eq!(
        base["type"],
        "head_supplier_subscribe_product_baseinfo_update"
    );
    assert_eq!(base["appid"], "wx2b255582a7b4bfd0");
    assert_eq!(base["product_id"], "10000186383677");
    assert_eq!(
        (base["version"].as_str(), base["status"].as_u64()),
        (Some("21"), Some(5))
    );
    assert_eq!(base["title"], "精选商品组合11");
    assert_eq!(base["sub_title"], "推荐商品");
    assert_eq!(base["head_imgs"].as_array().map(Vec::len), Some(2));
    assert_eq!(
        base["skus"][0]["sku_id"], "42367433222",
        "a numeric id keeps every digit"
    );
    assert_eq!(base["skus"][1]["stock_num"], 998);
    assert_eq!(
        base["skus"][1]["thumb_img"],
        serde_json::Value::Null,
        "an empty image is none"
    );
    assert_eq!(base["desc_imgs"].as_array().map(Vec::len), Some(1));

    let plan = store(
        "head_supplier_subscribe_product_planinfo_update",
        json!({"item_info": {
            "event_type": 2,
            "appid": "wxc5b627dfd7c390f4",
            "product_id": "10000155286989",
            "plan_type": 3,
            "plan_id": "2000000002630025",
            "plan_status": 1,
            "head_supplier_item_link": "weixinstorehs/14016124036143",
            "version": "5",
            "service_ratio": 10000,
            "commission_ratio": 200000,
            "start_time": 1747293120,
            "end_time": 1748620800
        }}),
    );
    assert_eq!(
        plan["type"],
        "head_supplier_subscribe_product_planinfo_update"
    );
    assert_eq!(
        (plan["event_type"].as_u64(), plan["plan_type"].as_u64()),
        (Some(2), Some(3))
    );
    assert_eq!(plan["plan_id"], "2000000002630025");
    assert_eq!(plan["plan_status"], 1);
    assert_eq!(
        plan["head_supplier_item_link"],
        "weixinstorehs/14016124036143"
    );
    assert_eq!(
        (
            plan["service_ratio"].as_u64(),
            plan["commission_ratio"].as_u64()
        ),
        (Some(10_000), Some(200_000))
    );
    assert_eq!(
        (plan["start_time"].as_i64(), plan["end_time"].as_i64()),
        (Some(1_747_293_120), Some(1_748_620_800))
    );
}

/// <https://developers.weixin.qq.com/doc/store/talent/notify/talent_commission_order_update.html>
/// (its sample, less a trailing comma that makes it invalid JSON).
#[test]
fn talent_commission_order_event() {
    let order = store(
        "talent_commission_order_update",
        json!({"order_info": {"order_id": "123", "sku_id": "12345",
               "commission_order_status": 20, "order_status": 20, "version": "4"}}),
    );
    assert_eq!(order["type"], "talent_commission_order_update");
    assert_eq!(
        (order["order_id"].as_str(), order["sku_id"].as_str()),
        (Some("123"), Some("12345"))
    );
    assert_eq!(
        (
            order["commission_order_status"].as_u64(),
            order["order_status"].as_u64()
        ),
        (Some(20), Some(20))
    );
    assert_eq!(order["version"], "4");
}

/// The supply-order events, under
/// <https://developers.weixin.qq.com/doc/store/supplier/notify/supply-order/supply_order_update.html>
/// (and `supply_order_new`, `supply_order_cancel`, `supply_order_complete`),
/// and <https://developers.weixin.qq.com/doc/store/supplier/notify/partnership/invite_supplier.html>.
#[test]
fn supplier_supply_order_and_invitation_events() {
    let updated = store(
        "supply_order_update",
        json!({"SupplyOrderUpdate": {"supply_order_id": "3700000000000000001", "update_time": 1662480000}}),
    );
    assert_eq!(updated["type"], "supply_order_update");
    assert_eq!(updated["supply_order_id"], "3700000000000000001");
    assert_eq!(updated["update_time"], 1_662_480_000);
    for (event, body) in [
        ("supply_order_new", "SupplyOrderNew"),
        ("supply_order_cancel", "SupplyOrderCancel"),
        ("supply_order_complete", "SupplyOrderComplete"),
    ] {
        let order = store(
            event,
            json!({body: {"supply_order_id": "3700000000000000001"}}),
        );
        assert_eq!(order["type"], event);
        assert_eq!(order["supply_order_id"], "3700000000000000001", "{event}");
        assert_eq!(order["update_time"], serde_json::Value::Null, "{event}");
    }
    let invited = store(
        "ec_supplier_invite_relation",
        json!({"appid": "wx_*", "invite_time": 1662480000}),
    );
    assert_eq!(invited["type"], "ec_supplier_invite_relation");
    assert_eq!(
        (invited["appid"].as_str(), invited["invite_time"].as_i64()),
        (Some("wx_*"), Some(1_662_480_000))
    );
}
