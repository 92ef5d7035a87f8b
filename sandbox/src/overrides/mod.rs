//! The stateful behaviour, keyed by endpoint path: tokens, codes and
//! tickets, and the flows that span calls (a mini program's code reviews,
//! uploaded files, menus, customer-service messages, followers' profiles). Every other endpoint
//! answers its spec example (see [`crate::routes`]). Each override runs
//! The WeChat Store's products and orders and the logistics helper's
//! waybills are kept too. Each override runs
//! after the generic checks, so the credential, the appids, the secrets and
//! the required parameters are already known to be right.

mod code;
mod component;
mod custom;
mod express;
mod lists;
mod media;
mod menu;
mod oauth;
mod store;
mod tokens;
mod user;

pub(crate) use media::{VIDEO_PATH, download_video};

use std::sync::Arc;

use serde_json::Value;
use wechat_api::endpoint::Endpoint;

use crate::Shared;
use crate::answer::Answer;
use crate::checked::Checked;
use crate::errcode::WxError;

/// An override: computes the answer of a call that passed the generic
/// checks.
#[derive(Clone, Copy)]
pub(crate) enum Override {
    /// Answers JSON.
    Json(fn(&Shared, &Checked) -> Result<Value, WxError>),
    /// Answers JSON or a file, and may start work that outlives the call
    /// (an event pushed later).
    Answer(fn(&Arc<Shared>, &Checked) -> Result<Answer, WxError>),
}

impl Override {
    /// Runs it.
    pub(crate) fn run(self, shared: &Arc<Shared>, call: &Checked) -> Result<Answer, WxError> {
        match self {
            Override::Json(handler) => handler(shared, call).map(Answer::Json),
            Override::Answer(handler) => handler(shared, call),
        }
    }
}

/// Whether the sandbox answers `endpoint` with hand-written behaviour
/// rather than its example.
pub(crate) fn is_stateful(endpoint: &Endpoint) -> bool {
    find(endpoint).is_some()
}

/// The override of `endpoint`, if it has one.
pub(crate) fn find(endpoint: &Endpoint) -> Option<Override> {
    use Override::{Answer as A, Json as J};
    let handler = match endpoint.path {
        "/cgi-bin/component/api_component_token" => J(component::component_token),
        "/cgi-bin/component/api_start_push_ticket" => J(component::start_push_ticket),
        "/cgi-bin/component/api_create_preauthcode" => J(component::create_preauthcode),
        "/cgi-bin/component/api_query_auth" => J(component::query_auth),
        "/cgi-bin/component/api_authorizer_token" => J(component::authorizer_token),
        "/cgi-bin/component/api_get_authorizer_info" => J(component::get_authorizer_info),
        "/cgi-bin/component/clear_quota" | "/cgi-bin/clear_quota" => J(tokens::clear_quota),
        "/cgi-bin/token" => J(tokens::token),
        "/cgi-bin/stable_token" => J(tokens::stable_token),
        "/cgi-bin/ticket/getticket" => J(tokens::get_ticket),
        "/sns/oauth2/access_token" | "/sns/oauth2/component/access_token" => {
            J(oauth::oauth_access_token)
        }
        "/sns/oauth2/refresh_token" | "/sns/oauth2/component/refresh_token" => {
            J(oauth::oauth_refresh_token)
        }
        "/sns/userinfo" => J(oauth::userinfo),
        "/sns/auth" => J(oauth::check_token),
        "/cgi-bin/message/custom/send" => J(custom::custom_send),
        "/wxa/commit" => J(code::commit),
        "/wxa/get_page" => J(code::get_page),
        "/wxa/get_qrcode" => A(code::get_qrcode),
        "/wxa/submit_audit" => A(code::submit_audit),
        "/wxa/get_auditstatus" => J(code::get_audit_status),
        "/wxa/get_latest_auditstatus" => J(code::get_latest_audit_status),
        "/wxa/release" => J(code::release),
        "/wxa/getversioninfo" => J(code::get_version_info),
        "/cgi-bin/media/upload" => J(media::upload),
        "/cgi-bin/media/get" => A(media::get),
        "/cgi-bin/material/add_material" => J(media::add_material),
        "/cgi-bin/material/get_material" => A(media::get_material),
        "/cgi-bin/material/del_material" => J(media::del_material),
        "/cgi-bin/user/get" => J(lists::followers),
        "/cgi-bin/user/tag/get" => J(lists::tag_users),
        "/cgi-bin/tags/members/getblacklist" => J(lists::blacklist),
        "/cgi-bin/component/api_get_authorizer_list" => J(lists::authorizers),
        "/cgi-bin/user/info" => J(user::info),
        "/cgi-bin/menu/create" => J(menu::create),
        "/cgi-bin/menu/get" => J(menu::get),
        "/cgi-bin/menu/delete" => J(menu::delete),
        "/cgi-bin/get_current_selfmenu_info" => J(menu::current_selfmenu_info),
        "/channels/ec/product/add" => J(store::product_add),
        "/channels/ec/product/update" => J(store::product_update),
        "/channels/ec/product/get" => J(store::product_get),
        "/channels/ec/product/list/get" => J(store::product_list),
        "/channels/ec/product/listing" => J(store::product_listing),
        "/channels/ec/product/delisting" => J(store::product_delisting),
        "/channels/ec/product/delete" => J(store::product_delete),
        "/channels/ec/order/get" => J(store::order_get),
        "/channels/ec/order/list/get" => J(store::order_list),
        "/channels/ec/order/delivery/send" => J(store::delivery_send),
        "/cgi-bin/express/business/order/add" => J(express::add_order),
        "/cgi-bin/express/business/order/get" => J(express::get_order),
        "/cgi-bin/express/business/order/batchget" => J(express::batch_get_order),
        "/cgi-bin/express/business/order/cancel" => J(express::cancel_order),
        "/cgi-bin/express/business/path/get" => J(express::get_path),
        "/cgi-bin/express/business/test_update_order" => J(express::test_update_order),
        _ => return None,
    };
    Some(handler)
}
