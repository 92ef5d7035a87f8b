//! A waybill through the logistics helper (物流助手) end to end, through the
//! real client acting for an authorized mini program: a waybill is ordered
//! from the test courier, read back, moved along its path by the test
//! courier (picked up, then delivered) and tracked; a second waybill is
//! cancelled and then reads back cancelled and cannot move. An order id is
//! used once; an unknown courier is refused.

use wechat_api_test_support::platform as sandbox_flow;

use sandbox_flow::Platform;
use wechat_api::api::wxa_express::{
    AddOrderRequest, CancelOrderRequest, ExpressCargo, ExpressCargoItem, ExpressInsured,
    ExpressPerson, ExpressService, ExpressShop, GetOrderRequest, GetPathRequest,
    TestUpdateOrderRequest,
};
use wechat_api::callback::Router;
use wechat_sandbox::release_test::AccountKind;
use wechat_sandbox::{DEFAULT_OPENID, Merchant, SandboxConfig, errcode};

const MINI_PROGRAM: &str = "wx00000000d0000002";
const TEST_COURIER: &str = "TEST";
const TEST_BIZ: &str = "test_biz_id";

fn waybill(order_id: &str, courier: &str) -> AddOrderRequest {
    AddOrderRequest::new(
        0,
        order_id,
        courier,
        TEST_BIZ,
        ExpressPerson::new("Sandbox Tea", "广东省", "广州市", "海珠区", "新港中路397号")
            .mobile("13800000000"),
        ExpressPerson::new("张三", "广东省", "深圳市", "南山区", "科技中一路腾讯大厦")
            .mobile("13900000000"),
        ExpressCargo::new(
            1,
            0.5,
            20.0,
            15.0,
            10.0,
            vec![ExpressCargoItem::new("oolong", 2)],
        ),
        ExpressShop::new(
            "pages/order/detail?id=1",
            "https://example.com/oolong.jpg",
            "oolong",
            2,
        ),
        ExpressInsured::new(0, 0),
        ExpressService::new(0, "标准快递"),
    )
    .openid(DEFAULT_OPENID)
}

#[tokio::test]
async fn a_waybill_is_ordered_tracked_delivered_and_another_cancelled() {
    let sandbox = sandbox_flow::sandbox_with(
        SandboxConfig::builder()
            .merchant(Merchant::new(MINI_PROGRAM, "Sandbox Tea").kind(AccountKind::MiniProgram)),
    )
    .await;
    let platform = Platform::start(&sandbox, Router::new()).await;
    let mini = platform.authorize(MINI_PROGRAM).await;
    let express = mini.wxa_express();

    let added = express
        .add_order(waybill("ORDER-1", TEST_COURIER))
        .await
        .unwrap();
    assert_eq!(added.order_id, "ORDER-1");
    let waybill_id = added.waybill_id;
    assert!(waybill_id.starts_with(TEST_COURIER), "{waybill_id}");

    // An order id is used once per courier.
    let e = express
        .add_order(waybill("ORDER-1", TEST_COURIER))
        .await
        .unwrap_err();
    assert_eq!(e.api_code(), Some(errcode::INVALID_ARGS), "{e}");
    let e = express
        .add_order(waybill("ORDER-X", "NO_SUCH_COURIER"))
        .await
        .unwrap_err();
    assert_eq!(e.api_code(), Some(errcode::INVALID_ARGS), "{e}");

    let read = express
        .get_order(GetOrderRequest::new("ORDER-1", TEST_COURIER, &waybill_id))
        .await
        .unwrap();
    assert_eq!(read.waybill_id, waybill_id);
    assert_eq!(read.order_status, Some(0));

    let path = |order: &'static str, id: String| GetPathRequest::new(order, TEST_COURIER, id);
    let tracked = express
        .get_path(path("ORDER-1", waybill_id.clone()))
        .await
        .unwrap();
    assert_eq!(tracked.path_item_num, 0);

    for (time, action, message) in [
        (1_714_550_400, 100_001, "快递员已成功取件"),
        (1_714_636_800, 300_003, "已签收"),
    ] {
        express
            .test_update_order(TestUpdateOrderRequest::new(
                TEST_BIZ,
                "ORDER-1",
                TEST_COURIER,
                &waybill_id,
                time,
                action,
                message,
            ))
            .await
            .unwrap();
    }
    let tracked = express
        .get_path(path("ORDER-1", waybill_id.clone()))
        .await
        .unwrap();
    assert_eq!(tracked.path_item_num, 2);
    assert_eq!(tracked.openid.as_deref(), Some(DEFAULT_OPENID));
    let steps: Vec<(u64, u32, &str)> = tracked
        .path_item_list
        .iter()
        .map(|s| (s.action_time, s.action_type, s.action_msg.as_str()))
        .collect();
    assert_eq!(
        steps,
        [
            (1_714_550_400, 100_001, "快递员已成功取件"),
            (1_714_636_800, 300_003, "已签收")
        ]
    );

    // A second waybill is cancelled: it reads back cancelled and cannot move.
    let second = express
        .add_order(waybill("ORDER-2", TEST_COURIER))
        .await
        .unwrap()
        .waybill_id;
    express
        .cancel_order(CancelOrderRequest::new("ORDER-2", TEST_COURIER, &second))
        .await
        .unwrap();
    let read = express
        .get_order(GetOrderRequest::new("ORDER-2", TEST_COURIER, &second))
        .await
        .unwrap();
    assert_eq!(read.order_status, Some(1));
    let e = express
        .test_update_order(TestUpdateOrderRequest::new(
            TEST_BIZ,
            "ORDER-2",
            TEST_COURIER,
            &second,
            1_714_550_400,
            100_001,
            "快递员已成功取件",
        ))
        .await
        .unwrap_err();
    assert_eq!(e.api_code(), Some(errcode::INVALID_ARGS), "{e}");
}
