//! A WeChat Store product end to end, through the real client acting for an
//! authorized merchant: the product is added (WeChat gives it and its SKU
//! ids), read back as sent, listed, put on sale, found among the products on
//! sale, delisted (状态 11), then found among the delisted ones and no longer
//! among those on sale. Moves its state does not allow are refused.

use wechat_api_test_support::platform as sandbox_flow;

use sandbox_flow::Platform;
use wechat_api::api::channels_ec_product::{
    AddRequest, DelistingRequest, EcAttr, EcProduct, EcProductCat, EcProductStatus, EcSku,
    GetRequest, ListRequest, ListingRequest,
};
use wechat_api::callback::Router;
use wechat_sandbox::{DEFAULT_MERCHANT_APPID, SandboxConfig, errcode};

/// A product with one SKU, as a shop adds it.
pub(super) fn tea() -> EcProduct {
    EcProduct::new(
        "Sandbox oolong, 250 g",
        vec!["https://mmecimage.cn/p/wx00000000b0000001/oolong.jpg".to_owned()],
        vec![
            EcSku::new(1300, 20)
                .out_sku_id("OOLONG-250")
                .sku_attrs(vec![EcAttr::new("重量", "250g")]),
        ],
    )
    .out_product_id("OOLONG")
    .cats_v2(vec![EcProductCat::new("6033"), EcProductCat::new("6057")])
    .brand_id("2100000000")
}

async fn ids_with(
    products: &wechat_api::api::channels_ec_product::ChannelsEcProductHandler<'_>,
    status: EcProductStatus,
) -> Vec<String> {
    products
        .list(ListRequest::new(30).status(status))
        .await
        .unwrap()
        .product_ids
}

#[tokio::test]
async fn a_product_is_added_listed_put_on_sale_and_delisted() {
    let sandbox = sandbox_flow::sandbox_with(SandboxConfig::builder()).await;
    let platform = Platform::start(&sandbox, Router::new()).await;
    let merchant = platform.authorize(DEFAULT_MERCHANT_APPID).await;
    let products = merchant.channels_ec_product();

    let added = products.add(AddRequest::new(tea())).await.unwrap();
    let id = added.data.product_id;
    assert!(!id.is_empty());

    let read = products
        .get(GetRequest::new(&id))
        .await
        .unwrap()
        .product
        .expect("the product on line");
    assert_eq!(read.product_id.as_deref(), Some(id.as_str()));
    assert_eq!(read.title, "Sandbox oolong, 250 g");
    assert_eq!(read.status, Some(EcProductStatus::Initial));
    assert_eq!(read.min_price, Some(1300));
    let sku = &read.skus[0];
    assert!(
        sku.sku_id.as_ref().is_some_and(|s| !s.is_empty()),
        "{sku:?}"
    );
    assert_eq!(sku.out_sku_id.as_deref(), Some("OOLONG-250"));
    assert_eq!(sku.stock_num, 20);

    let all = products.list(ListRequest::new(30)).await.unwrap();
    assert_eq!(all.product_ids, std::slice::from_ref(&id));
    assert_eq!(all.total_num, 1);
    assert!(
        ids_with(&products, EcProductStatus::OnSale)
            .await
            .is_empty()
    );

    // Not on sale yet: it cannot be delisted.
    let e = products
        .delisting(DelistingRequest::new(&id))
        .await
        .unwrap_err();
    assert_eq!(e.api_code(), Some(errcode::INVALID_ARGS), "{e}");

    products.listing(ListingRequest::new(&id)).await.unwrap();
    assert_eq!(
        ids_with(&products, EcProductStatus::OnSale).await,
        std::slice::from_ref(&id)
    );

    products
        .delisting(DelistingRequest::new(&id))
        .await
        .unwrap();
    let read = products.get(GetRequest::new(&id)).await.unwrap().product;
    assert_eq!(read.and_then(|p| p.status), Some(EcProductStatus::Delisted));
    assert!(
        ids_with(&products, EcProductStatus::OnSale)
            .await
            .is_empty()
    );
    assert_eq!(
        ids_with(&products, EcProductStatus::Delisted).await,
        std::slice::from_ref(&id)
    );

    // An unknown product is refused.
    let e = products
        .listing(ListingRequest::new("10000000000001"))
        .await
        .unwrap_err();
    assert_eq!(e.api_code(), Some(errcode::INVALID_ARGS), "{e}");
}

#[tokio::test]
async fn a_product_without_skus_is_refused() {
    let sandbox = sandbox_flow::sandbox_with(SandboxConfig::builder()).await;
    let platform = Platform::start(&sandbox, Router::new()).await;
    let merchant = platform.authorize(DEFAULT_MERCHANT_APPID).await;
    let products = merchant.channels_ec_product();

    let mut product = tea();
    product.skus.clear();
    let e = products.add(AddRequest::new(product)).await.unwrap_err();
    assert_eq!(e.api_code(), Some(errcode::INVALID_ARGS), "{e}");
    let all = products.list(ListRequest::new(30)).await.unwrap();
    assert!(all.product_ids.is_empty());
    assert_eq!(all.total_num, 0);
}
