//! Stateful behaviour attached to endpoints by the spec's `hook:` key: the
//! generated method calls the hook with its request and the decoded answer
//! before returning, so what the answer carries is stored even when the
//! caller drops it.

use std::time::Duration;

use crate::api::component::{
    AuthorizerTokenRequest, AuthorizerTokenResponse, QueryAuthRequest, QueryAuthResponse,
};
use crate::client::Client;
use crate::endpoint::ConfigKey;
use crate::error::Result;
use crate::token::TokenKey;

/// `component.query_auth`: stores the authorizer's refresh token durably
/// (an error here fails the call: the caller must not believe it is stored)
/// and caches its access token (best effort: a failure is logged, the token
/// can be refreshed later).
pub async fn remember_authorization(
    client: &Client,
    _request: &QueryAuthRequest,
    response: &QueryAuthResponse,
) -> Result<()> {
    let info = &response.authorization_info;
    let component_appid = client.config_value(ConfigKey::ComponentAppId)?;
    if let Some(refresh_token) = &info.authorizer_refresh_token {
        client
            .tokens()
            .store_refresh_token(component_appid, &info.authorizer_appid, refresh_token)
            .await?;
    }
    if let (Some(token), Some(expires_in)) = (&info.authorizer_access_token, info.expires_in) {
        let key = TokenKey::authorizer_access_token(component_appid, &info.authorizer_appid);
        let ttl = Some(Duration::from_secs(u64::from(expires_in)));
        if let Err(error) = client.tokens().set(&key, token, ttl).await {
            tracing::warn!(authorizer = %info.authorizer_appid, %error, "could not cache the authorizer access token");
        }
    }
    Ok(())
}

/// `component.authorizer_token`: stores the refresh token WeChat handed out
/// with the new access token.
pub async fn remember_authorizer_token(
    client: &Client,
    request: &AuthorizerTokenRequest,
    response: &AuthorizerTokenResponse,
) -> Result<()> {
    let component_appid = client.config_value(ConfigKey::ComponentAppId)?;
    client
        .tokens()
        .store_refresh_token(
            component_appid,
            &request.authorizer_appid,
            &response.authorizer_refresh_token,
        )
        .await
}
