//! The WeChat Store (微信小店) as the sandbox keeps it, per shop (the appid
//! the call's token acts for): the products added, with their SKUs, stock
//! and sale state, and the orders buyers placed
//! ([`Sandbox::place_store_order`](crate::Sandbox::place_store_order)), with
//! their shipments.
//!
//! Products skip review: an added or updated product is approved at once
//! (`edit_status` 4), so `listing` can put it on sale right away. WeChat's
//! store-specific errcodes are not modelled: an unknown product, SKU or order,
//! or a move its state does not allow, answers 40097 (invalid args).

use std::collections::{BTreeMap, HashMap};

use serde_json::{Map, Value, json};

use crate::errcode::{self, WxError};

/// 商品状态 values the sandbox uses.
pub(crate) mod product_status {
    /// 初始值: added, never on sale.
    pub const INITIAL: i64 = 0;
    /// 上架: on sale.
    pub const ON_SALE: i64 = 5;
    /// 自主下架: taken off sale by the shop.
    pub const DELISTED: i64 = 11;
}

/// 订单状态 values the sandbox uses.
pub(crate) mod order_status {
    /// 待发货: paid, not shipped.
    pub const AWAITING_SHIPMENT: i64 = 20;
    /// 部分发货: some products shipped.
    pub const PARTLY_SHIPPED: i64 = 21;
    /// 待收货: every product shipped.
    pub const AWAITING_RECEIPT: i64 = 30;
}

/// `edit_status` of an approved edit.
const EDIT_APPROVED: i64 = 4;

/// The first product id a shop gives (WeChat's are 14 digits).
const FIRST_PRODUCT_ID: u64 = 10_000_029_995_861;
/// The first SKU id.
const FIRST_SKU_ID: u64 = 1_514_545_113;
/// The first order id (WeChat's are 19 digits).
const FIRST_ORDER_ID: u64 = 3_705_115_058_471_208_928;

/// A product: the fields the shop sent, with the ids and the state WeChat
/// adds.
#[derive(Debug, Clone)]
pub(crate) struct Product {
    /// The product as `get` answers it.
    pub body: Map<String, Value>,
    /// 商品状态.
    pub status: i64,
}

/// An order a buyer placed.
#[derive(Debug, Clone)]
pub(crate) struct Order {
    /// 订单 ID.
    pub id: String,
    /// The buyer.
    pub openid: String,
    /// 订单状态.
    pub status: i64,
    /// The ordered product, as `order/get` answers it.
    pub product: Value,
    /// Product, SKU and quantity.
    pub line: (String, String, u64),
    /// Unit price and total, in fen.
    pub price: (u64, u64),
    /// Shipments so far, as `order/get` answers them.
    pub shipments: Vec<Value>,
    /// Unix seconds.
    pub create_time: i64,
    /// Unix seconds.
    pub update_time: i64,
    /// When the last product shipped, Unix seconds.
    pub ship_done_time: Option<i64>,
}

/// One shop's products and orders.
#[derive(Debug, Default)]
pub(crate) struct Shop {
    /// By product id, in the order they were added.
    pub products: BTreeMap<String, Product>,
    /// By order id.
    pub orders: BTreeMap<String, Order>,
    next_product: u64,
    next_sku: u64,
    next_order: u64,
}

/// Every shop, by appid.
#[derive(Debug, Default)]
pub(crate) struct StoreState {
    shops: HashMap<String, Shop>,
}

/// 40097 with `message`.
pub(crate) fn invalid(message: &str) -> WxError {
    WxError::new(errcode::INVALID_ARGS, message)
}

fn text(map: &Map<String, Value>, name: &str) -> String {
    match map.get(name) {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Null) | None => String::new(),
        Some(other) => other.to_string(),
    }
}

fn number(value: Option<&Value>) -> Option<u64> {
    match value? {
        Value::Number(n) => n.as_u64(),
        Value::String(s) => s.parse().ok(),
        _ => None,
    }
}

impl StoreState {
    /// The shop of `appid`, created on first use.
    pub(crate) fn shop(&mut self, appid: &str) -> &mut Shop {
        self.shops.entry(appid.to_owned()).or_default()
    }
}

impl Shop {
    fn product_id(&mut self) -> String {
        let id = FIRST_PRODUCT_ID.saturating_add(self.next_product);
        self.next_product = self.next_product.saturating_add(1);
        id.to_string()
    }

    fn sku_id(&mut self) -> String {
        let id = FIRST_SKU_ID.saturating_add(self.next_sku);
        self.next_sku = self.next_sku.saturating_add(1);
        id.to_string()
    }

    /// Checks a product body (title, head images, SKUs with price and
    /// stock) and gives each new SKU an id.
    fn checked(&mut self, mut product: Map<String, Value>) -> Result<Map<String, Value>, WxError> {
        if text(&product, "title").trim().is_empty() {
            return Err(invalid("title is empty"));
        }
        let images = product.get("head_imgs").and_then(Value::as_array);
        if images.is_none_or(|i| i.is_empty()) {
            return Err(invalid("head_imgs is empty"));
        }
        let Some(Value::Array(skus)) = product.get_mut("skus") else {
            return Err(invalid("skus is empty"));
        };
        if skus.is_empty() {
            return Err(invalid("skus is empty"));
        }
        let mut fresh = Vec::with_capacity(skus.len());
        for sku in skus.iter_mut() {
            let Value::Object(sku) = sku else {
                return Err(invalid("a sku is not an object"));
            };
            if number(sku.get("sale_price")).is_none() || number(sku.get("stock_num")).is_none() {
                return Err(invalid("a sku has no sale_price or stock_num"));
            }
            fresh.push(text(sku, "sku_id").is_empty());
        }
        for (i, is_new) in fresh.into_iter().enumerate() {
            if is_new {
                let id = self.sku_id();
                if let Some(Value::Object(sku)) = product.get_mut("skus").and_then(|s| s.get_mut(i))
                {
                    sku.insert("sku_id".into(), Value::String(id));
                }
            }
        }
        Ok(product)
    }

    /// Adds a product; answers its id.
    pub(crate) fn add(
        &mut self,
        product: Map<String, Value>,
        now: &str,
    ) -> Result<String, WxError> {
        let mut product = self.checked(product)?;
        let id = self.product_id();
        product.insert("product_id".into(), Value::String(id.clone()));
        product.insert("create_time".into(), Value::String(now.to_owned()));
        self.products.insert(
            id.clone(),
            Product {
                body: product,
                status: product_status::INITIAL,
            },
        );
        Ok(id)
    }

    /// Replaces a product's fields, keeping its id, creation time and state.
    pub(crate) fn update(&mut self, product: Map<String, Value>) -> Result<String, WxError> {
        let id = text(&product, "product_id");
        let created = match self.products.get(&id) {
            Some(p) => p.body.get("create_time").cloned(),
            None => return Err(invalid("product not exist")),
        };
        let mut product = self.checked(product)?;
        if let Some(created) = created {
            product.insert("create_time".into(), created);
        }
        if let Some(existing) = self.products.get_mut(&id) {
            existing.body = product;
        }
        Ok(id)
    }

    /// A product.
    pub(crate) fn product(&self, id: &str) -> Result<&Product, WxError> {
        self.products
            .get(id)
            .ok_or_else(|| invalid("product not exist"))
    }

    /// Moves a product to `status`, from one of `from`.
    pub(crate) fn set_status(
        &mut self,
        id: &str,
        from: &[i64],
        status: i64,
    ) -> Result<(), WxError> {
        let product = self
            .products
            .get_mut(id)
            .ok_or_else(|| invalid("product not exist"))?;
        if !from.contains(&product.status) {
            return Err(invalid("the product's status does not allow this"));
        }
        product.status = status;
        Ok(())
    }

    /// A buyer orders `count` of a SKU of a product on sale.
    pub(crate) fn place_order(
        &mut self,
        product_id: &str,
        sku_id: &str,
        count: u64,
        openid: &str,
        now: i64,
    ) -> Result<String, WxError> {
        let product = self
            .products
            .get_mut(product_id)
            .ok_or_else(|| invalid("product not exist"))?;
        if product.status != product_status::ON_SALE {
            return Err(invalid("the product is not on sale"));
        }
        let title = text(&product.body, "title");
        let head = product
            .body
            .get("head_imgs")
            .and_then(|i| i.get(0))
            .cloned()
            .unwrap_or(Value::Null);
        let sku = product
            .body
            .get_mut("skus")
            .and_then(Value::as_array_mut)
            .and_then(|skus| {
                skus.iter_mut()
                    .filter_map(Value::as_object_mut)
                    .find(|s| text(s, "sku_id") == sku_id)
            })
            .ok_or_else(|| invalid("sku not exist"))?;
        let stock = number(sku.get("stock_num")).unwrap_or(0);
        if count == 0 || count > stock {
            return Err(invalid("not enough stock"));
        }
        sku.insert("stock_num".into(), json!(stock - count));
        let unit = number(sku.get("sale_price")).unwrap_or(0);
        let thumb = sku.get("thumb_img").cloned().unwrap_or(head);
        let total = unit.saturating_mul(count);
        let id = FIRST_ORDER_ID.saturating_add(self.next_order).to_string();
        self.next_order = self.next_order.saturating_add(1);
        let line = json!({
            "product_id": product_id,
            "sku_id": sku_id,
            "thumb_img": thumb,
            "sku_cnt": count,
            "sale_price": unit,
            "title": title,
            "on_aftersale_sku_cnt": 0,
            "finish_aftersale_sku_cnt": 0,
            "real_price": total,
        });
        self.orders.insert(
            id.clone(),
            Order {
                id: id.clone(),
                openid: openid.to_owned(),
                status: order_status::AWAITING_SHIPMENT,
                product: line,
                line: (product_id.to_owned(), sku_id.to_owned(), count),
                price: (unit, total),
                shipments: Vec::new(),
                create_time: now,
                update_time: now,
                ship_done_time: None,
            },
        );
        Ok(id)
    }

    /// An order.
    pub(crate) fn order(&self, id: &str) -> Result<&Order, WxError> {
        self.orders
            .get(id)
            .ok_or_else(|| invalid("order not exist"))
    }

    /// Ships parcels of an order: each names a known courier, a tracking
    /// number and the order's product; the order is awaiting receipt once
    /// every unit shipped.
    pub(crate) fn ship(
        &mut self,
        order_id: &str,
        parcels: &[Value],
        couriers: &BTreeMap<String, String>,
        now: i64,
    ) -> Result<(), WxError> {
        let order = self
            .orders
            .get_mut(order_id)
            .ok_or_else(|| invalid("order not exist"))?;
        if ![
            order_status::AWAITING_SHIPMENT,
            order_status::PARTLY_SHIPPED,
        ]
        .contains(&order.status)
        {
            return Err(invalid("the order's status does not allow shipping"));
        }
        if parcels.is_empty() {
            return Err(invalid("delivery_list is empty"));
        }
        let (product_id, sku_id, count) = order.line.clone();
        let mut shipped: u64 = order
            .shipments
            .iter()
            .flat_map(|s| s["product_infos"].as_array().cloned().unwrap_or_default())
            .filter_map(|p| number(p.get("product_cnt")))
            .sum();
        let mut new = Vec::new();
        for parcel in parcels {
            let Some(parcel) = parcel.as_object() else {
                return Err(invalid("a parcel is not an object"));
            };
            let delivery_id = text(parcel, "delivery_id");
            let deliver_type = number(parcel.get("deliver_type")).unwrap_or(1);
            let name = match couriers.get(&delivery_id) {
                Some(name) => name.clone(),
                None if deliver_type == 3 => String::new(),
                None => return Err(invalid("invalid delivery_id")),
            };
            if deliver_type != 3 && text(parcel, "waybill_id").is_empty() {
                return Err(invalid("waybill_id is empty"));
            }
            let products = parcel
                .get("product_infos")
                .and_then(Value::as_array)
                .filter(|p| !p.is_empty())
                .ok_or_else(|| invalid("product_infos is empty"))?;
            for p in products.iter().filter_map(Value::as_object) {
                if text(p, "product_id") != product_id || text(p, "sku_id") != sku_id {
                    return Err(invalid("the product is not in the order"));
                }
                shipped = shipped.saturating_add(number(p.get("product_cnt")).unwrap_or(0));
            }
            new.push(json!({
                "waybill_id": text(parcel, "waybill_id"),
                "delivery_id": delivery_id,
                "delivery_name": name,
                "delivery_time": now,
                "deliver_type": deliver_type,
                "product_infos": products,
            }));
        }
        if shipped > count {
            return Err(invalid("more units shipped than ordered"));
        }
        order.shipments.extend(new);
        order.update_time = now;
        if shipped == count {
            order.status = order_status::AWAITING_RECEIPT;
            order.ship_done_time = Some(now);
        } else {
            order.status = order_status::PARTLY_SHIPPED;
        }
        Ok(())
    }
}

impl Product {
    /// The product as `product/get` answers it.
    pub(crate) fn answer(&self) -> Value {
        let mut body = self.body.clone();
        let min_price = body
            .get("skus")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|s| number(s.get("sale_price")))
            .min()
            .unwrap_or(0);
        body.insert("status".into(), json!(self.status));
        body.insert("edit_status".into(), json!(EDIT_APPROVED));
        body.insert("min_price".into(), json!(min_price));
        Value::Object(body)
    }
}

impl Order {
    /// The order as `order/get` answers it.
    pub(crate) fn answer(&self) -> Value {
        let mut delivery = json!({
            "delivery_product_info": self.shipments,
            "deliver_method": 0,
        });
        if let Some(done) = self.ship_done_time {
            delivery["ship_done_time"] = json!(done);
        }
        json!({
            "order_id": self.id,
            "status": self.status,
            "openid": self.openid,
            "order_detail": {
                "product_infos": [self.product],
                "price_info": {
                    "product_price": self.price.1,
                    "order_price": self.price.1,
                    "freight": 0,
                },
                "delivery_info": delivery,
            },
            "aftersale_detail": {"on_aftersale_order_cnt": 0, "aftersale_order_list": []},
            "create_time": self.create_time,
            "update_time": self.update_time,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shop_with_order(count: u64) -> (Shop, String, String, String) {
        let mut shop = Shop::default();
        let product = json!({
            "title": "tea",
            "head_imgs": ["https://example.com/tea.jpg"],
            "skus": [{"sale_price": 500, "stock_num": 10}],
        });
        let Value::Object(product) = product else {
            unreachable!("a literal object")
        };
        let id = shop.add(product, "2024-05-01 12:00:00").expect("added");
        shop.set_status(&id, &[product_status::INITIAL], product_status::ON_SALE)
            .expect("on sale");
        let sku = shop.product(&id).expect("product").body["skus"][0]["sku_id"]
            .as_str()
            .expect("a sku id")
            .to_owned();
        let order = shop
            .place_order(&id, &sku, count, "openid", 1)
            .expect("ordered");
        (shop, id, sku, order)
    }

    fn parcel(product: &str, sku: &str, count: u64) -> Value {
        json!({"delivery_id": "SF", "waybill_id": "SF1", "deliver_type": 1,
               "product_infos": [{"product_id": product, "sku_id": sku, "product_cnt": count}]})
    }

    #[test]
    fn an_order_shipped_in_two_parcels_is_partly_shipped_then_awaits_receipt() {
        let couriers = BTreeMap::from([("SF".to_owned(), "顺丰速运".to_owned())]);
        let (mut shop, product, sku, order) = shop_with_order(3);
        shop.ship(&order, &[parcel(&product, &sku, 1)], &couriers, 2)
            .expect("first parcel");
        assert_eq!(
            shop.order(&order).expect("order").status,
            order_status::PARTLY_SHIPPED
        );
        let e = shop
            .ship(&order, &[parcel(&product, &sku, 3)], &couriers, 3)
            .expect_err("more than ordered");
        assert_eq!(e.code, errcode::INVALID_ARGS);
        shop.ship(&order, &[parcel(&product, &sku, 2)], &couriers, 4)
            .expect("the rest");
        let shipped = shop.order(&order).expect("order");
        assert_eq!(shipped.status, order_status::AWAITING_RECEIPT);
        assert_eq!(shipped.shipments.len(), 2);
        assert_eq!(shipped.ship_done_time, Some(4));
    }

    #[test]
    fn an_order_takes_stock_and_cannot_take_more_than_there_is() {
        let (mut shop, product, sku, _) = shop_with_order(4);
        let stock = &shop.product(&product).expect("product").body["skus"][0]["stock_num"];
        assert_eq!(stock, &json!(6));
        assert!(shop.place_order(&product, &sku, 7, "openid", 1).is_err());
        assert!(
            shop.place_order(&product, "no-such-sku", 1, "openid", 1)
                .is_err()
        );
        assert!(shop.place_order(&product, &sku, 6, "openid", 1).is_ok());
    }
}
