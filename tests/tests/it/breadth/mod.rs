mod code_lifecycle;
mod custom_message;
mod express;
mod media;
mod menu;
mod store_order;
mod store_product;
