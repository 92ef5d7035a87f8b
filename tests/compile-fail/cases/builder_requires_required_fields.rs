// Named types are built with `new(required fields)` and setters for the
// optional ones: leaving out a required field does not compile.
wechat_api::generate!("builder_requires_required_fields");

fn main() {
    let _fine = demo::Button::new("Buy").key("BUY");
    let _missing_name = demo::Button::new().key("BUY");
}
