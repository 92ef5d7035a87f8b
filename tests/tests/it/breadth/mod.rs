mod code_lifecycle;
mod custom_message;
mod media;
mod menu;
mod express;
mod store_order;
mod store_product;
