//! Calls to endpoints no spec describes (yet): the endpoint WeChat released
//! yesterday, called with the same managed credentials, `errcode` check,
//! one retry on an expired token, answer limits and redaction as a
//! generated method.

use std::borrow::Cow;

use crate::error::CallName;

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::call::{Call, Target};
use crate::client::{Auth, Client};
use crate::endpoint::{AnswerKind, BodyKind, Credential, HttpMethod};
use crate::error::Result;
use crate::media::Media;
use crate::transport::send;

/// The host raw calls go to unless [`RawCall::host`] says otherwise.
const DEFAULT_HOST: &str = crate::hosts::API_HOST;

/// A call to any path of WeChat's API, built with [`Client::raw`].
///
/// It authenticates with the managed `access_token` unless told otherwise
/// ([`credential`](Self::credential), [`with_token`](Self::with_token)); a
/// `POST` without a [`json`](Self::json) body sends `{}`.
#[must_use = "a raw call does nothing until it is sent"]
pub struct RawCall<'c> {
    client: &'c Client,
    call: Call<'c>,
    credential_param: Option<Cow<'static, str>>,
}

impl Client {
    /// A call to `path` (e.g. `/wxa/new_api`) on `api.weixin.qq.com`, for
    /// endpoints no spec describes. Errors name the call by its path.
    ///
    /// Through [`Client::authorizer`], it uses the authorizer's token.
    ///
    /// ```no_run
    /// # async fn demo(client: wechat_api::Client) -> wechat_api::Result<()> {
    /// use serde::{Deserialize, Serialize};
    /// use wechat_api::endpoint::{Credential, HttpMethod};
    ///
    /// #[derive(Serialize)]
    /// struct NewApi<'a> {
    ///     item: &'a str,
    /// }
    /// #[derive(Deserialize)]
    /// struct NewApiAnswer {
    ///     result_id: u64,
    /// }
    ///
    /// let answer: NewApiAnswer = client
    ///     .authorizer("wx_merchant")
    ///     .raw(HttpMethod::Post, "/wxa/new_api")
    ///     .credential(Credential::AccessToken)
    ///     .json(&NewApi { item: "x" })?
    ///     .send()
    ///     .await?;
    /// println!("{}", answer.result_id);
    /// # Ok(()) }
    /// ```
    pub fn raw(&self, method: HttpMethod, path: impl Into<String>) -> RawCall<'_> {
        let path: String = path.into();
        let problem = if !path.starts_with('/') {
            Some("a raw call's path must start with `/`")
        } else if path.contains(['?', '#']) {
            Some("a raw call's path must not hold a query: use `RawCall::query`")
        } else if path.contains(['{', '}']) {
            Some("a raw call's path must not hold `{` or `}`")
        } else {
            None
        };
        let target = Target {
            name: CallName::from(path.clone()),
            module: "raw",
            method,
            host: Cow::Borrowed(DEFAULT_HOST),
            path: Cow::Owned(path),
            credential: Credential::AccessToken,
            credential_param: Cow::Borrowed(""),
            body: match method {
                HttpMethod::Get => BodyKind::None,
                HttpMethod::Post => BodyKind::Json,
            },
            answer: AnswerKind::Json,
        };
        let mut call = Call::to(target, Auth::Managed);
        call.invalid = problem.map(str::to_owned);
        RawCall {
            client: self,
            call,
            credential_param: None,
        }
    }
}

impl<'c> RawCall<'c> {
    /// Sends the call to `host` instead of `api.weixin.qq.com` (a base URL
    /// set for `host` on the builder applies).
    ///
    /// A call that carries a credential goes only to a host under
    /// `weixin.qq.com` or to one given a base URL with
    /// [`ClientBuilder::base_url`](crate::ClientBuilder::base_url); to any
    /// other, sending it is an [`Error::Encode`](crate::Error::Encode) and
    /// no request is made, so a typo or a host taken from input never
    /// receives a token.
    pub fn host(mut self, host: impl Into<String>) -> Self {
        self.call.target.host = Cow::Owned(host.into());
        self
    }

    /// The managed credential to send (default
    /// [`Credential::AccessToken`]; [`Credential::None`] sends none).
    pub fn credential(mut self, credential: Credential) -> Self {
        self.call.target.credential = credential;
        self
    }

    /// The query name the credential is sent under, when it is not the
    /// usual one (some endpoints take the `component_access_token` as
    /// `access_token`).
    pub fn credential_param(mut self, name: impl Into<Cow<'static, str>>) -> Self {
        self.credential_param = Some(name.into());
        self
    }

    /// Sends `token` as the credential instead of the managed one (no
    /// refresh, no retry).
    pub fn with_token(mut self, token: &'c str) -> Self {
        self.call.auth = Auth::Explicit(token);
        self
    }

    /// Adds the fields of `query` (a struct, a map or a list of pairs) to
    /// the query string.
    ///
    /// # Errors
    /// [`Error::Encode`](crate::Error::Encode) when `query` is not flat.
    pub fn query<Q: Serialize + ?Sized>(mut self, query: &Q) -> Result<Self> {
        self.call = self.call.query(query)?;
        Ok(self)
    }

    /// Sends `body` as the JSON body.
    ///
    /// # Errors
    /// [`Error::Encode`](crate::Error::Encode) when `body` cannot be
    /// serialized.
    pub fn json<B: Serialize + ?Sized>(mut self, body: &B) -> Result<Self> {
        self.call = self.call.json(body)?;
        Ok(self)
    }

    /// Sends the call and decodes the JSON answer as `R`
    /// (`serde_json::Value` takes anything).
    ///
    /// # Errors
    /// As a generated method: [`Error::Api`](crate::Error::Api) for a
    /// non-zero `errcode`, transport, status, size and decoding errors.
    pub async fn send<R: DeserializeOwned>(self) -> Result<R> {
        let client = self.client;
        send(client, self.finish(AnswerKind::Json)).await?.json()
    }

    /// Sends the call and returns the file WeChat answers with (read up to
    /// the media limit); a JSON error answer is an
    /// [`Error::Api`](crate::Error::Api).
    ///
    /// # Errors
    /// As [`send`](Self::send).
    pub async fn send_media(self) -> Result<Media> {
        let client = self.client;
        send(client, self.finish(AnswerKind::Media)).await?.media()
    }

    fn finish(self, answer: AnswerKind) -> Call<'c> {
        let mut call = self.call;
        call.target.answer = answer;
        if call.invalid.is_none()
            && call.target.credential != Credential::None
            && !may_receive_credentials(self.client, &call.target.host)
        {
            call.invalid = Some(
                "a raw call sends a credential only to a host under `weixin.qq.com` \
                 or one given a base URL with `ClientBuilder::base_url`"
                    .to_owned(),
            );
        }
        call.target.credential_param = match self.credential_param {
            Some(name) => name,
            None => Cow::Borrowed(call.target.credential.query_name().unwrap_or("")),
        };
        call
    }
}

/// Whether a call carrying a token may go to `host`: WeChat's own hosts, or
/// one the client was given a base URL for.
fn may_receive_credentials(client: &Client, host: &str) -> bool {
    if client.base_url_override(host).is_some() {
        return true;
    }
    let wellformed = !host.is_empty()
        && host
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'.' || b == b'-');
    wellformed
        && (host == "weixin.qq.com" || host.ends_with(".weixin.qq.com"))
        && !host.contains("..")
}

impl std::fmt::Debug for RawCall<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RawCall")
            .field("call", &self.call)
            .finish_non_exhaustive()
    }
}
