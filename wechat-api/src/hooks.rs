//! Stateful behaviour attached to endpoints by the spec's `hook:` key.
//!
//! The generated method runs the call, then the hook, in a task of its own
//! ([`run_to_completion`](crate::detached::run_to_completion)), so what the
//! answer carries is stored even when the caller stops waiting. A hook reads
//! only the few fields it stores, before the answer is decoded into the
//! full response type: a field WeChat sends in an unexpected shape elsewhere
//! in the answer fails the decoding, but never loses a refresh token.
//!
//! A hook is handed the [`Answer`] alone, and reads what it needs of the
//! request from the JSON the call sent ([`Answer::decode_sent`]): it names
//! no generated type, so the runtime stays below the generated API (see the
//! crate's layering notes in `lib.rs`). The client's own token refresh
//! calls [`remember_authorizer_token`] too.

use std::time::Duration;

use serde::Deserialize;

use crate::answer::Answer;
use crate::client::Client;
use crate::endpoint::ConfigKey;
use crate::error::Result;
use crate::token::TokenKey;

/// What `remember_authorization` reads of `api_query_auth`'s answer.
#[derive(Deserialize)]
struct Authorization {
    authorization_info: AuthorizationTokens,
}

#[derive(Deserialize)]
struct AuthorizationTokens {
    authorizer_appid: String,
    #[serde(default)]
    authorizer_access_token: Option<String>,
    #[serde(default)]
    expires_in: Option<u64>,
    #[serde(default)]
    authorizer_refresh_token: Option<String>,
}

/// What `remember_authorization` reads of the `api_query_auth` request.
#[derive(Deserialize)]
struct ExchangedCode {
    authorization_code: String,
}

/// How long an exchanged `auth_code` is remembered: its own lifetime (WeChat
/// gives an hour).
const EXCHANGED_CODE_TTL: Duration = Duration::from_secs(3600);

/// The marker of an exchanged `auth_code`, holding the authorizer's appid:
/// the SHA-1 of the code (the code itself is a secret) under the kind
/// `auth_code`.
pub(crate) fn exchanged_code_key(auth_code: &str) -> TokenKey {
    use sha1::{Digest as _, Sha1};
    TokenKey::marker("auth_code", hex::encode(Sha1::digest(auth_code.as_bytes())))
}

/// What `remember_authorizer_token` reads of the `api_authorizer_token`
/// request it follows.
#[derive(Deserialize)]
struct RefreshedAuthorizer {
    authorizer_appid: String,
}

/// What `remember_authorizer_token` reads of `api_authorizer_token`'s answer.
#[derive(Deserialize)]
struct RotatedRefreshToken {
    authorizer_refresh_token: String,
}

/// `component.query_auth`: stores the authorizer's refresh token durably
/// (an error here fails the call: the caller must not believe it is stored)
/// and caches its access token (best effort: a failure is logged, the token
/// can be refreshed later).
pub async fn remember_authorization(client: &Client, answer: &Answer) -> Result<()> {
    let info = answer.decode::<Authorization>()?.authorization_info;
    let component_appid = client.config_value(ConfigKey::ComponentAppId)?;
    if let Some(refresh_token) = &info.authorizer_refresh_token {
        client
            .tokens()
            .store_refresh_token(component_appid, &info.authorizer_appid, refresh_token)
            .await?;
    }
    if let (Some(token), Some(expires_in)) = (&info.authorizer_access_token, info.expires_in) {
        let key = TokenKey::authorizer_access_token(component_appid, &info.authorizer_appid);
        let ttl = Some(Duration::from_secs(expires_in));
        if let Err(error) = client.tokens().set(&key, token, ttl).await {
            tracing::warn!(%error, "could not cache the authorizer access token");
        }
    }
    // Best effort: lets the authorization route skip a second exchange of
    // the same code (WeChat's codes are single-use).
    if let Ok(sent) = answer.decode_sent::<ExchangedCode>() {
        let key = exchanged_code_key(&sent.authorization_code);
        let marked = client
            .tokens()
            .set(&key, &info.authorizer_appid, Some(EXCHANGED_CODE_TTL))
            .await;
        if let Err(error) = marked {
            tracing::warn!(%error, "could not remember an exchanged auth_code");
        }
    }
    Ok(())
}

/// `component.authorizer_token`: stores the refresh token WeChat handed out
/// with the new access token, under the authorizer the request named.
pub async fn remember_authorizer_token(client: &Client, answer: &Answer) -> Result<()> {
    let rotated = answer.decode::<RotatedRefreshToken>()?;
    let request = answer.decode_sent::<RefreshedAuthorizer>()?;
    let component_appid = client.config_value(ConfigKey::ComponentAppId)?;
    client
        .tokens()
        .store_refresh_token(
            component_appid,
            &request.authorizer_appid,
            &rotated.authorizer_refresh_token,
        )
        .await
}
