//! Managed credentials: which token a call needs, and how the client
//! refreshes it through the [`TokenManager`](crate::token::TokenManager).
//!
//! * `component_access_token`: from the stored `component_verify_ticket`;
//!   when there is none, WeChat is asked to push one
//!   (`api_start_push_ticket`, at most once a minute per component across
//!   every instance sharing the token store).
//! * `access_token` of the account itself: `cgi-bin/stable_token` (with
//!   `force_refresh` only after WeChat rejected the current token), or
//!   `cgi-bin/token` ([`AccessTokenEndpoint`]).
//! * `access_token` of an authorizer: `api_authorizer_token` with the stored
//!   `authorizer_refresh_token`; the new refresh token is stored before the
//!   access token is handed out.
//! * `jsapi_ticket`: `cgi-bin/ticket/getticket` with the access token.
//!
//! The token calls themselves are in [`calls`]: hand-written, so that the
//! runtime never calls the generated API built on top of it.

use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

mod calls;

use crate::client::Client;
use crate::config::AccessTokenEndpoint;
use crate::endpoint::{ConfigKey, Credential};
use crate::error::{Error, Result};
use crate::token::{FreshToken, TokenKey};

/// The marker kind of a `start_push_ticket` request ([`TokenManager::mark_seen`](crate::token::TokenManager::mark_seen)).
const PUSH_REQUEST_MARKER: &str = "start_push_ticket";
/// How often WeChat is asked to push a missing verify ticket, per component.
const PUSH_REQUEST_INTERVAL: Duration = Duration::from_secs(60);

impl Client {
    /// The platform's `component_access_token`, cached or refreshed once.
    ///
    /// # Errors
    /// [`Error::TicketMissing`] when no `component_verify_ticket` was stored
    /// (WeChat is then asked to push one, see
    /// [`TicketMissing::push_requested`](Error::TicketMissing)); the errors
    /// of `component_token` otherwise.
    pub async fn component_access_token(&self) -> Result<String> {
        let component_appid = self.config_value(ConfigKey::ComponentAppId)?;
        let key = required(&self.inner.keys.component_access_token, "component_appid")?;
        self.tokens()
            .get_or_refresh(key, || async {
                let ticket = match self.tokens().verify_ticket(component_appid).await {
                    Err(Error::TicketMissing { .. }) => {
                        return Err(Error::TicketMissing {
                            component_appid: component_appid.to_owned(),
                            push_requested: self.request_ticket_push(component_appid).await,
                        });
                    }
                    other => other?,
                };
                let issued = self.fetch_component_token(&ticket).await?;
                Ok(FreshToken::new(issued.token, seconds(issued.expires_in)))
            })
            .await
    }

    /// Asks WeChat to push a `component_verify_ticket`, unless this or
    /// another instance sharing the token store did within the last minute.
    /// Returns whether a push was requested (now or then); a failed request
    /// is logged.
    async fn request_ticket_push(&self, component_appid: &str) -> bool {
        let first = self
            .tokens()
            .mark_seen(PUSH_REQUEST_MARKER, component_appid, PUSH_REQUEST_INTERVAL)
            .await;
        match first {
            // Another instance (or an earlier call) asked less than a minute ago.
            Ok(false) => true,
            Ok(true) => match self.request_start_push_ticket().await {
                Ok(_) => {
                    tracing::info!(
                        component_appid,
                        "no component_verify_ticket stored: asked WeChat to push one"
                    );
                    true
                }
                Err(error) => {
                    tracing::warn!(
                        component_appid,
                        %error,
                        "no component_verify_ticket stored, and asking WeChat to push one failed"
                    );
                    false
                }
            },
            Err(error) => {
                tracing::warn!(
                    component_appid,
                    %error,
                    "no component_verify_ticket stored, and the token store failed"
                );
                false
            }
        }
    }

    /// The `access_token` calls of this client use: the account's basic token,
    /// or the authorizer's when the client acts for one
    /// ([`Client::authorizer`]).
    ///
    /// The account's own token comes from `cgi-bin/stable_token` (with
    /// `force_refresh: true` only after WeChat rejected the current one), or
    /// from `cgi-bin/token` when so configured
    /// ([`ConfigBuilder::access_token_endpoint`](crate::ConfigBuilder::access_token_endpoint)).
    ///
    /// # Errors
    /// [`Error::RefreshTokenMissing`] for an authorizer never authorized here;
    /// [`Error::AuthorizerRefresh`] when WeChat refuses the refresh token; the
    /// errors of `cgi-bin/stable_token` (or `cgi-bin/token`) otherwise.
    pub async fn access_token(&self) -> Result<String> {
        match &self.authorizer {
            Some(acting) => {
                let key = required(&acting.access_token, "component_appid")?;
                self.authorizer_access_token(key, &acting.appid).await
            }
            None => {
                let key = required(&self.inner.keys.access_token, "appid")?;
                self.tokens()
                    .get_or_refresh(key, || self.fetch_access_token(key))
                    .await
            }
        }
    }

    /// Fetches the account's basic `access_token` from the configured endpoint.
    async fn fetch_access_token(&self, key: &TokenKey) -> Result<FreshToken> {
        let issued = match self.inner.config.access_token_endpoint() {
            AccessTokenEndpoint::StableToken => {
                // Forcing is limited (20 a day): only when WeChat rejected
                // the token it would otherwise hand out again.
                let force_refresh = self.tokens().was_rejected(key);
                self.fetch_stable_token(force_refresh).await?
            }
            AccessTokenEndpoint::Token => self.fetch_token().await?,
        };
        Ok(FreshToken::new(issued.token, seconds(issued.expires_in)))
    }

    async fn authorizer_access_token(
        &self,
        key: &TokenKey,
        authorizer_appid: &str,
    ) -> Result<String> {
        let component_appid = self.config_value(ConfigKey::ComponentAppId)?;
        self.tokens()
            .get_or_refresh(key, || async {
                let failed = |source: Error| Error::AuthorizerRefresh {
                    authorizer_appid: authorizer_appid.to_owned(),
                    source: Box::new(source),
                };
                let refresh_token = self
                    .tokens()
                    .refresh_token(component_appid, authorizer_appid)
                    .await?;
                // `fetch_authorizer_token` stores the new refresh token
                // (the spec's hook) before it returns, in a task of its own:
                // WeChat may have rotated the refresh token already, so
                // neither a dropped caller nor the manager's timeout can
                // cancel the call between WeChat's answer and the write.
                let issued = self
                    .fetch_authorizer_token(authorizer_appid, refresh_token)
                    .await
                    .map_err(failed)?;
                Ok(FreshToken::new(issued.token, seconds(issued.expires_in)))
            })
            .await
    }

    /// The JS-SDK `jsapi_ticket` of the account (or of the authorizer the
    /// client acts for), cached or refreshed once.
    ///
    /// # Errors
    /// The errors of [`access_token`](Self::access_token) and of `getticket`.
    pub async fn jsapi_ticket(&self) -> Result<String> {
        let key = match &self.authorizer {
            Some(acting) => &acting.jsapi_ticket,
            None => required(&self.inner.keys.jsapi_ticket, "appid")?,
        };
        self.tokens()
            .get_or_refresh(key, || async {
                let issued = self.fetch_jsapi_ticket().await?;
                Ok(FreshToken::new(issued.token, seconds(issued.expires_in)))
            })
            .await
    }

    /// The managed token for `credential`.
    ///
    /// Boxed on purpose: fetching a token is itself a call, which may need a
    /// token (`getticket` needs the `access_token`), so without type erasure here the future types of
    /// `execute` would be infinitely recursive.
    pub(crate) fn credential(
        &self,
        credential: Credential,
    ) -> Pin<Box<dyn Future<Output = Result<String>> + Send + '_>> {
        Box::pin(async move {
            match credential {
                Credential::ComponentAccessToken => self.component_access_token().await,
                Credential::AccessToken => self.access_token().await,
                Credential::None => Err(Error::Config("this endpoint takes no credential".into())),
            }
        })
    }

    /// Drops `stale` (just rejected by WeChat) so the next call refreshes.
    pub(crate) async fn invalidate_credential(
        &self,
        credential: Credential,
        stale: &str,
    ) -> Result<()> {
        let key = match (credential, &self.authorizer) {
            (Credential::ComponentAccessToken, _) => {
                required(&self.inner.keys.component_access_token, "component_appid")?
            }
            (Credential::AccessToken, Some(acting)) => {
                required(&acting.access_token, "component_appid")?
            }
            (Credential::AccessToken, None) => required(&self.inner.keys.access_token, "appid")?,
            (Credential::None, _) => return Ok(()),
        };
        self.tokens()
            .invalidate_if_equals(key, stale)
            .await
            .map(drop)
    }
}

/// A key built when the client was, or a configuration error naming what
/// was missing to build it.
fn required<'a>(key: &'a Option<TokenKey>, missing: &str) -> Result<&'a TokenKey> {
    key.as_ref()
        .ok_or_else(|| Error::Config(format!("`{missing}` is not configured")))
}

fn seconds(expires_in: u32) -> Duration {
    Duration::from_secs(u64::from(expires_in))
}
