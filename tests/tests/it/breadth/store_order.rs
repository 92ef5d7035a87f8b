//! A WeChat Store order shipped end to end, through the real client acting
//! for an authorized merchant: a product on sale is ordered by a buyer (the
//! sandbox plays the buyer), the order is awaiting shipment (状态 20) and
//! listed as such, the merchant ships it with a courier from the courier
//! list, and the order reads back awaiting receipt (状态 30) with the
//! shipment. Shipping it again, or with an unknown courier, is refused.

use wechat_api_test_support::platform as sandbox_flow;

use sandbox_flow::Platform;
use wechat_api::api::channels_ec_delivery::{EcShipment, SendRequest};
use wechat_api::api::channels_ec_order::{self, EcOrderStatus, EcShippedProduct};
use wechat_api::api::channels_ec_product::{AddRequest, GetRequest, ListingRequest};
use wechat_api::callback::Router;
use wechat_sandbox::{DEFAULT_MERCHANT_APPID, DEFAULT_OPENID, SandboxConfig, errcode};

use super::store_product::tea;

#[tokio::test]
async fn an_order_is_shipped_and_awaits_receipt() {
    let sandbox = sandbox_flow::sandbox_with(SandboxConfig::builder()).await;
    let platform = Platform::start(&sandbox, Router::new()).await;
    let merchant = platform.authorize(DEFAULT_MERCHANT_APPID).await;

    let products = merchant.channels_ec_product();
    let product_id = products
        .add(AddRequest::new(tea()))
        .await
        .unwrap()
        .data
        .product_id;
    let sku_id = products
        .get(GetRequest::new(&product_id))
        .await
        .unwrap()
        .product
        .and_then(|p| p.skus.into_iter().next())
        .and_then(|s| s.sku_id)
        .expect("a sku id");

    // Not on sale: no buyer can order it.
    assert!(
        sandbox
            .place_store_order(
                DEFAULT_MERCHANT_APPID,
                &product_id,
                &sku_id,
                2,
                DEFAULT_OPENID
            )
            .is_err()
    );
    products
        .listing(ListingRequest::new(&product_id))
        .await
        .unwrap();
    let order_id = sandbox
        .place_store_order(
            DEFAULT_MERCHANT_APPID,
            &product_id,
            &sku_id,
            2,
            DEFAULT_OPENID,
        )
        .expect("the buyer orders");

    let orders = merchant.channels_ec_order();
    let waiting = orders
        .list(channels_ec_order::ListRequest::new(100).status(EcOrderStatus::AwaitingShipment))
        .await
        .unwrap();
    assert_eq!(waiting.order_id_list, std::slice::from_ref(&order_id));
    let order = orders
        .get(channels_ec_order::GetRequest::new(&order_id))
        .await
        .unwrap()
        .order;
    assert_eq!(order.status, EcOrderStatus::AwaitingShipment);
    assert_eq!(order.openid, DEFAULT_OPENID);
    let line = &order.order_detail.product_infos[0];
    assert_eq!((line.sku_cnt, line.sale_price), (2, 1300));
    assert_eq!(order.order_detail.price_info.order_price, 2600);

    // The stock went down by the two units ordered.
    let stock = products
        .get(GetRequest::new(&product_id))
        .await
        .unwrap()
        .product
        .map(|p| p.skus[0].stock_num);
    assert_eq!(stock, Some(18));

    let delivery = merchant.channels_ec_delivery();
    let companies = delivery.list_companies().await.unwrap().company_list;
    let courier = companies.first().expect("a courier").delivery_id.clone();
    let parcel = |courier: &str| {
        EcShipment::new(
            courier,
            "SF1234567890",
            1,
            vec![EcShippedProduct::new(&product_id, &sku_id, 2)],
        )
    };

    let e = delivery
        .send(SendRequest::new(&order_id, vec![parcel("NO_SUCH_COURIER")]))
        .await
        .unwrap_err();
    assert_eq!(e.api_code(), Some(errcode::INVALID_ARGS), "{e}");

    delivery
        .send(SendRequest::new(&order_id, vec![parcel(&courier)]))
        .await
        .unwrap();
    let order = orders
        .get(channels_ec_order::GetRequest::new(&order_id))
        .await
        .unwrap()
        .order;
    assert_eq!(order.status, EcOrderStatus::AwaitingReceipt);
    let shipped = order
        .order_detail
        .delivery_info
        .and_then(|d| d.delivery_product_info)
        .unwrap_or_default();
    assert_eq!(shipped.len(), 1);
    assert_eq!(shipped[0].waybill_id, "SF1234567890");
    assert_eq!(shipped[0].delivery_id, courier);
    assert_eq!(shipped[0].product_infos[0].product_cnt, 2);

    let waiting = orders
        .list(channels_ec_order::ListRequest::new(100).status(EcOrderStatus::AwaitingShipment))
        .await
        .unwrap();
    assert!(waiting.order_id_list.is_empty());

    // Shipped already: a second shipment is refused.
    let e = delivery
        .send(SendRequest::new(&order_id, vec![parcel(&courier)]))
        .await
        .unwrap_err();
    assert_eq!(e.api_code(), Some(errcode::INVALID_ARGS), "{e}");
}
