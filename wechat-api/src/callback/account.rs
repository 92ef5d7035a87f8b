//! An official account's or a mini program's own message URL (服务器地址
//! URL, 消息推送): the everyday server of an account that is not served
//! through a third-party platform.
//!
//! It is the [`MessageCallback`] of the authorizer path, the same router,
//! deduplication, 5-second rule and passive replies, keyed by the
//! account's own [`Config`](crate::Config) (`appid`, `token`,
//! `encoding_aes_key`) instead of the platform's; handlers get the
//! account's client itself. What WeChat sends there:
//!
//! - the **URL check**: `GET ?signature=&timestamp=&nonce=&echostr=`,
//!   answered with `echostr` when `signature` (SHA-1 over the sorted token,
//!   timestamp and nonce) holds; the encrypted form (`msg_signature` over
//!   the `echostr` ciphertext too) is decrypted and answered in plain;
//! - **plain mode** (明文模式): the message as XML (or JSON for a mini
//!   program configured for it), `signature` in the query; replies in plain;
//! - **compatible mode** (兼容模式): the plaintext fields and an `Encrypt`
//!   element side by side, `encrypt_type=aes&msg_signature=` in the query:
//!   the signed ciphertext is what is read (the plaintext beside it is not
//!   signed), and the reply is encrypted, as the request came;
//! - **safe mode** (安全模式): only `ToUserName` and `Encrypt`; the reply is
//!   encrypted (XML, or the JSON envelope of a mini program's JSON push).
//!
//! Replays are refused twice over: a `timestamp` further than the replay
//! window from now (5 minutes) fails the request (`403`), and a message
//! already seen within the deduplication window — by `MsgId`, or for events
//! by `FromUserName` + `CreateTime` (and the event's name and key), as
//! WeChat documents for its retries — is answered `success` without running
//! the handler again (cluster-wide, through the client's token store).
//!
//! A mini program's customer-service messages (`text`, `image`,
//! `miniprogrampage`, the `user_enter_tempsession` event) come the same way,
//! in XML or JSON; their only passive reply is
//! [`Reply::transfer_customer_service`](super::Reply::transfer_customer_service):
//! answer with the customer-service API instead.
//!
//! ```no_run
//! use wechat_api::callback::{CallbackRequest, MessageCallback, Reply, Router};
//! use wechat_api::{Client, Config};
//!
//! # async fn demo(query: String, body: Vec<u8>) -> wechat_api::Result<()> {
//! // WECHAT_APPID, WECHAT_SECRET, WECHAT_TOKEN, WECHAT_ENCODING_AES_KEY
//! let client = Client::new(Config::from_env()?)?;
//! let router = Router::new()
//!     .message("text", |message, _client| async move {
//!         Ok(Some(Reply::text(message.content().unwrap_or_default())))
//!     })
//!     .event("subscribe", |_message, _client| async move { Ok(Some(Reply::text("welcome"))) });
//! let messages = MessageCallback::account(client, router)?;
//! // in the web framework's handler of GET and POST /wechat:
//! let response = messages.handle_account(CallbackRequest::post(query, body)).await;
//! # let _ = response;
//! # Ok(()) }
//! ```

use std::time::Duration;

use secrecy::ExposeSecret as _;

use super::http::{CallbackRequest, CallbackResponse};
use super::messages::{MessageCallback, Owner};
use super::router::Router;
use crate::crypto::MsgCrypt;
use crate::{Client, Config, Error, Result};

/// The message crypto of the official account or mini program configured in
/// `client` (its appid, message token and EncodingAESKey), rejecting
/// timestamps further than `replay_window` from now.
///
/// # Errors
///
/// [`Error::Config`] when one of the three is missing or the key is not a
/// valid EncodingAESKey.
pub(crate) fn account_crypt(client: &Client, replay_window: Duration) -> Result<MsgCrypt> {
    let config = client.config();
    let appid = Config::require(config.appid(), "appid")?;
    let token = Config::require(config.token().map(|t| t.expose_secret()), "token")?;
    let key = config
        .encoding_aes_key()
        .map(|k| k.expose_secret())
        .ok_or_else(|| {
            Error::Config(
                "`encoding_aes_key` is not configured: copy the EncodingAESKey of the account's \
                 message settings (WeChat shows one in plain mode too)"
                    .to_owned(),
            )
        })?;
    MsgCrypt::builder(token, key, appid)
        .max_timestamp_age(replay_window)
        .build()
}

impl MessageCallback {
    /// The own message URL of the official account or mini program
    /// configured in `client` (`appid`, `token` and `encoding_aes_key` of
    /// its [`Config`](crate::Config)), routing messages with `router` (a
    /// [`Router`], or a [`StateRouter`](super::StateRouter) with the
    /// application's state); handlers get `client` itself. Serve it with
    /// [`handle_account`](Self::handle_account), or with the `axum`
    /// feature's `server::AccountRoutes`.
    ///
    /// The same configuration may also name a third-party platform: this
    /// constructor ignores it ([`new`](Self::new) picks the platform's URL
    /// when a `component_appid` is configured).
    ///
    /// # Errors
    ///
    /// [`Error::Config`] when the configuration lacks one of the three or
    /// the key is invalid.
    pub fn account(client: Client, router: impl Into<Router>) -> Result<Self> {
        Self::owned_by(Owner::Account, client, router.into())
    }

    /// Whether this is an account's own message URL
    /// ([`account`](Self::account)) rather than a third-party platform's.
    pub fn is_account(&self) -> bool {
        self.owner() == Owner::Account
    }

    /// The appid pushes must be encrypted for: the account's own appid, or
    /// the component appid of a platform.
    pub fn appid(&self) -> &str {
        self.receive_id()
    }

    /// Handles one request to the account's own message URL (the URL check
    /// or a push) and answers it, as [`handle`](Self::handle) does for an
    /// authorizer's.
    pub async fn handle_account(&self, request: CallbackRequest) -> CallbackResponse {
        match self.try_handle_account(request).await {
            Ok(response) => response,
            Err(error) => self.refused(&error),
        }
    }

    /// Like [`handle_account`](Self::handle_account), with the typed error
    /// instead of its answer.
    ///
    /// # Errors
    ///
    /// As [`try_handle`](Self::try_handle); [`Rejection::InvalidAppid`]
    /// when this is a platform's message URL, which serves authorizers.
    ///
    /// [`Rejection::InvalidAppid`]: super::Rejection::InvalidAppid
    pub async fn try_handle_account(&self, request: CallbackRequest) -> Result<CallbackResponse> {
        if !self.is_account() {
            return Err(Error::Callback(super::Rejection::InvalidAppid));
        }
        let appid = self.receive_id().to_owned();
        self.try_handle(&appid, request).await
    }
}
