//! What the callback benchmark's server, its load generator and the
//! wechatpy peer (`scripts/bench_callback/wechatpy_server.py`) agree on:
//! the platform's credentials, the authorizer the messages are sent to, the
//! text messages sent and the reply each one must get; and for the
//! official account's own message URL (`--account`), the account's appid
//! (with the same token and key) and its path.
//!
//! The credentials are made up for the benchmark (they are not secrets):
//! the peer script repeats them, and a change here must be made there too.

use wechat_api::callback::{MessageCallback, Reply, Router};
use wechat_api::{Client, Config};

/// The component appid (the receive id of every envelope).
pub const COMPONENT_APPID: &str = "wx3c1a2b3c4d5e6f70";
/// The component's message token.
pub const TOKEN: &str = "componenttoken";
/// The component's EncodingAESKey.
pub const AES_KEY: &str = "Q2xhdWRlQ29kZUlzV3JpdGluZ1RoaXNLZXlGb3JUZXN";
/// The authorizer appid in the message URL (`/{appid}/callback`).
pub const AUTHORIZER: &str = "wxf8b4f85f3a794e77";
/// The official account's appid, in the account benchmark (`--account`):
/// the receive id of every envelope, with [`TOKEN`] and [`AES_KEY`].
pub const ACCOUNT_APPID: &str = "wx5823bf96d3bd56c7";
/// The path of the account's message URL (the library's default).
pub const ACCOUNT_PATH: &str = "/wechat";
/// The official account's original id, the messages' `ToUserName`.
pub const ACCOUNT: &str = "gh_3c1a2b3c4d5e";
/// The sender's openid, the messages' `FromUserName`.
pub const OPENID: &str = "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o";

/// The configuration of the benchmark's platform (no secret: its API is
/// never called).
///
/// # Errors
///
/// [`wechat_api::Error::Config`] if the constants above are invalid.
pub fn config() -> wechat_api::Result<Config> {
    Config::builder()
        .component_appid(COMPONENT_APPID)
        .component_secret("unused")
        .component_token(TOKEN)
        .component_encoding_aes_key(AES_KEY)
        .build()
}

/// The configuration of the benchmark's official account (`--account`).
///
/// # Errors
///
/// [`wechat_api::Error::Config`] if the constants above are invalid.
pub fn account_config() -> wechat_api::Result<Config> {
    Config::builder()
        .appid(ACCOUNT_APPID)
        .secret("unused")
        .token(TOKEN)
        .encoding_aes_key(AES_KEY)
        .build()
}

/// The router of both benchmarks: text messages are answered with a passive
/// text reply repeating their content; other messages get none.
pub fn echo_router() -> Router {
    Router::new().message("text", |message, _client| async move {
        Ok(Some(Reply::text(message.content().unwrap_or_default())))
    })
}

/// The message URL of the benchmark: text messages are answered with a
/// passive text reply repeating their content; other messages get none.
///
/// # Errors
///
/// [`wechat_api::Error::Config`] as for [`MessageCallback::new`].
pub fn echo_messages(client: Client) -> wechat_api::Result<MessageCallback> {
    MessageCallback::new(client, echo_router())
}

/// The content of the text message with id `msg_id` (distinct per message,
/// so that each reply can be told apart).
pub fn content(msg_id: u64) -> String {
    format!("hello {msg_id}")
}

/// The plaintext of the text message with id `msg_id`, sent at
/// `create_time`, as WeChat writes it.
pub fn text_message(msg_id: u64, create_time: i64) -> String {
    format!(
        "<xml><ToUserName><![CDATA[{ACCOUNT}]]></ToUserName>\
         <FromUserName><![CDATA[{OPENID}]]></FromUserName>\
         <CreateTime>{create_time}</CreateTime><MsgType><![CDATA[text]]></MsgType>\
         <Content><![CDATA[{content}]]></Content><MsgId>{msg_id}</MsgId></xml>",
        content = content(msg_id)
    )
}
