//! A follower's profile (`user/info`) for the openid asked: the configured
//! user's (with its unionid), or for an openid the sandbox does not know,
//! the answer WeChat gives about someone who does not follow the account
//! (`subscribe: 0` and the openid only).

use serde_json::{Value, json};

use crate::Shared;
use crate::checked::Checked;
use crate::errcode::WxError;

/// When the configured users followed (Unix seconds; fixed, like the rest
/// of the sandbox's world).
const SUBSCRIBE_TIME: i64 = 1_700_000_000;

pub(super) fn info(shared: &Shared, call: &Checked) -> Result<Value, WxError> {
    let openid = call.required("openid")?;
    let Some(user) = shared.config.user(&openid) else {
        return Ok(json!({"subscribe": 0, "openid": openid}));
    };
    let mut answer = json!({
        "subscribe": 1,
        "openid": user.openid,
        "language": "zh_CN",
        "subscribe_time": SUBSCRIBE_TIME,
        "remark": "",
        "groupid": 0,
        "tagid_list": [],
        "subscribe_scene": "ADD_SCENE_QR_CODE",
        "qr_scene": 0,
        "qr_scene_str": "",
    });
    if let (Some(unionid), Some(map)) = (&user.unionid, answer.as_object_mut()) {
        map.insert("unionid".into(), json!(unionid));
    }
    Ok(answer)
}
