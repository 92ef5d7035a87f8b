//! Typed events from hostile plaintext: `ComponentEvent`, `Message` and
//! `Push` parse or give a clean error; what parses can be shown (`Debug`)
//! and serialized, and `Push` agrees with the family it picks.
#![no_main]

use libfuzzer_sys::fuzz_target;
use wechat_api::event::{ComponentEvent, Message, Push};
use wechat_api_fuzz::assert_clean;

fuzz_target!(|xml: &str| {
    let component = ComponentEvent::from_xml(xml);
    let message = Message::from_xml(xml);
    let push = Push::from_xml(xml);
    for error in [
        component.as_ref().err(),
        message.as_ref().err(),
        push.as_ref().err(),
    ]
    .into_iter()
    .flatten()
    {
        assert_clean(error);
    }
    match &push {
        Ok(Push::Component(event)) => assert_eq!(Some(event), component.as_ref().ok()),
        Ok(Push::Message(event)) => assert_eq!(Some(event), message.as_ref().ok()),
        _ => {}
    }
    if let Ok(push) = &push {
        let _ = format!("{push:?}");
        if let Err(error) = serde_json::to_string(push) {
            panic!("a parsed push does not serialize: {error}");
        }
    }
});
