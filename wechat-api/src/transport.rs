//! Sending a [`Call`]: the one code path every call goes through, compiled
//! once for all endpoints.
//!
//! [`send`] resolves the managed credential, reads multipart files once,
//! sends, reads the answer up to its limit, turns a non-2xx status into
//! [`Error::Status`] and a non-zero `errcode` into [`Error::Api`], and when
//! WeChat says the token is invalid or expired (40001, 40014, 42001) drops
//! it, refreshes it and sends again, exactly once. Every error quoting what
//! came back is redacted with the secrets this call knows.

use bytes::Bytes;
use reqwest::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use tracing::Instrument;
use url::Url;

use crate::answer::{self, Answer, Received};
use crate::call::{Call, Payload, Target};
use crate::client::{Auth, Client};
use crate::endpoint::{AnswerKind, BodyKind, Credential, HttpMethod};
use crate::error::{CallName, Error, Result};
use crate::limits;
use crate::multipart::LoadedForm;
use crate::redact::{self, KnownSecrets, is_secret_key};

/// Sends `call` and checks the answer; see the module documentation.
///
/// # Errors
/// [`Error::Api`] for a non-zero `errcode` (after the one retry for an
/// expired token), [`Error::Status`], [`Error::Http`],
/// [`Error::AnswerTooLarge`], [`Error::Decode`] for a JSON endpoint whose
/// answer is not JSON, [`Error::Upload`] and [`Error::Encode`] before
/// anything is sent, and the errors of fetching the credential.
pub async fn send(client: &Client, call: Call<'_>) -> Result<Answer> {
    let span = tracing::debug_span!(
        "wechat.call",
        endpoint = %call.target.name,
        module = call.target.module,
        authorizer = client.authorizer_appid().unwrap_or(""),
    );
    exchange(client, call).instrument(span).await
}

async fn exchange(client: &Client, call: Call<'_>) -> Result<Answer> {
    let Call {
        target,
        auth,
        query,
        body,
        invalid,
    } = call;
    if let Some(reason) = invalid {
        return Err(Error::Encode {
            endpoint: target.name,
            reason,
        });
    }
    let request = Request::prepare(client, target, query, body).await?;
    let (token, received) = match (request.target.credential, auth) {
        (Credential::None, _) => (None, request.attempt(client, None).await),
        (_, Auth::Explicit(token)) => (
            Some(token.to_owned()),
            request.attempt(client, Some(token)).await,
        ),
        (credential, Auth::Managed) => {
            let token = client.credential(credential).await?;
            match request.attempt(client, Some(&token)).await {
                Err(e) if e.is_token_expired() => {
                    tracing::info!(
                        code = e.api_code(),
                        "token rejected; refreshing and retrying once"
                    );
                    // no longer cached, but an echo of it may come back
                    // from the refresh or the retry: still masked
                    client.retire_token(&token);
                    if let Err(error) = client.invalidate_credential(credential, &token).await {
                        // the retry may then get the same token and the
                        // same answer, but WeChat's error is not lost
                        tracing::warn!(%error, "could not drop the rejected token; retrying anyway");
                    }
                    let token = client.credential(credential).await?;
                    let received = request.attempt(client, Some(&token)).await;
                    (Some(token), received)
                }
                other => (Some(token), other),
            }
        }
    };
    Ok(Answer {
        received: received?,
        exchange: Exchange {
            client: client.clone(),
            token,
            request,
        },
    })
}

/// A call ready to be sent, as often as needed: its files read, its body
/// serialized.
pub(crate) struct Request {
    target: Target,
    query: String,
    body: Body,
}

enum Body {
    None,
    Json(Bytes),
    Form(LoadedForm),
}

impl Request {
    async fn prepare(
        client: &Client,
        target: Target,
        query: String,
        body: Payload,
    ) -> Result<Self> {
        if let Some(start) = target.path.find('{') {
            let placeholder = target.path[start..].split('}').next().unwrap_or_default();
            return Err(Error::Encode {
                reason: format!("no value was given for the path parameter `{placeholder}}}`"),
                endpoint: target.name,
            });
        }
        let body = match body {
            Payload::None if target.method == HttpMethod::Post && target.body == BodyKind::Json => {
                // WeChat answers 44002 (empty post data) to a POST without a body
                Body::Json(Bytes::from_static(b"{}"))
            }
            Payload::None => Body::None,
            Payload::Json(json) => Body::Json(json),
            Payload::Multipart(parts) => {
                Body::Form(parts.load(&target.name, client.inner.limits.media).await?)
            }
        };
        Ok(Self {
            target,
            query,
            body,
        })
    }

    /// Sends the request once with `token` and checks the answer.
    async fn attempt(&self, client: &Client, token: Option<&str>) -> Result<Received> {
        let method = match self.target.method {
            HttpMethod::Get => reqwest::Method::GET,
            HttpMethod::Post => reqwest::Method::POST,
        };
        let mut request = client.inner.http.request(method, self.url(client, token)?);
        request = match &self.body {
            Body::None => request,
            Body::Json(json) => request
                .header(CONTENT_TYPE, "application/json")
                .body(json.clone()),
            Body::Form(form) => request.multipart(form.form()?),
        };
        let answer = request.send().await.map_err(|source| Error::Http {
            endpoint: self.target.name.clone(),
            source: std::sync::Arc::new(source.without_url()),
        })?;
        let status = answer.status().as_u16();
        let content_type = answer.headers().get(CONTENT_TYPE).cloned();
        let disposition = answer.headers().get(CONTENT_DISPOSITION).cloned();
        let body = if (200..300).contains(&status) {
            let limit = match self.target.answer {
                AnswerKind::Json => client.inner.limits.answer,
                AnswerKind::Media | AnswerKind::MediaOrJson => client.inner.limits.media,
            };
            limits::read_body(answer, limit, &self.target.name).await?
        } else {
            // an error page is only quoted: its start is all that is read
            limits::read_start(answer, limits::ERROR_PAGE_BYTES, &self.target.name).await?
        };
        tracing::debug!(status, bytes = body.len(), "answer");
        self.check(
            client,
            token,
            Received {
                status,
                content_type,
                disposition,
                body,
                json: false,
            },
        )
    }

    /// The URL of one attempt: the base URL of the host, the path, the
    /// credential, the query.
    fn url(&self, client: &Client, token: Option<&str>) -> Result<Url> {
        let mut url = client.base_url(&self.target.host)?;
        let path = format!("{}{}", url.path().trim_end_matches('/'), self.target.path);
        url.set_path(&path);
        let mut query = url::form_urlencoded::Serializer::new(String::new());
        if let Some(token) = token
            && !self.target.credential_param.is_empty()
        {
            query.append_pair(&self.target.credential_param, token);
        }
        let mut query = query.finish();
        if !self.query.is_empty() {
            if !query.is_empty() {
                query.push('&');
            }
            query.push_str(&self.query);
        }
        url.set_query((!query.is_empty()).then_some(query.as_str()));
        Ok(url)
    }

    /// Non-2xx → [`Error::Status`]; non-zero `errcode` → [`Error::Api`];
    /// a JSON endpoint answering something else than a JSON object →
    /// [`Error::Decode`].
    fn check(
        &self,
        client: &Client,
        token: Option<&str>,
        mut received: Received,
    ) -> Result<Received> {
        let name = &self.target.name;
        let secrets = || secrets(client, token, self);
        if !(200..300).contains(&received.status) {
            return Err(Error::Status {
                endpoint: name.clone(),
                status: received.status,
                snippet: redact::snippet(&received.body, &secrets()),
            });
        }
        let content_type = received.content_type();
        let json = match self.target.answer {
            AnswerKind::Json => true,
            AnswerKind::Media | AnswerKind::MediaOrJson => {
                answer::looks_like_json(content_type, &received.body)
            }
        };
        if !json {
            return Ok(received);
        }
        match answer::api_error(&received.body) {
            Ok(None) => {
                received.json = true;
                Ok(received)
            }
            Ok(Some((code, message))) => Err(Error::Api {
                code,
                message: redact::message(&message, &secrets()),
                endpoint: name.clone(),
            }),
            // a file that merely starts with `{`
            Err(_)
                if self.target.answer != AnswerKind::Json
                    && !answer::content_type_is_json(content_type) =>
            {
                Ok(received)
            }
            Err(reason) => Err(Error::Decode {
                endpoint: name.clone(),
                reason,
                snippet: redact::snippet(&received.body, &secrets()),
            }),
        }
    }
}

/// A call that was answered: kept with its [`Answer`] so that an error made
/// later (decoding) masks the same secrets.
pub(crate) struct Exchange {
    client: Client,
    token: Option<String>,
    request: Request,
}

impl Exchange {
    pub(crate) fn name(&self) -> &CallName {
        &self.request.target.name
    }

    /// The JSON body the call sent, if it sent one.
    pub(crate) fn sent_json(&self) -> Option<&[u8]> {
        match &self.request.body {
            Body::Json(json) => Some(json),
            Body::None | Body::Form(_) => None,
        }
    }

    pub(crate) fn secrets(&self) -> KnownSecrets {
        secrets(&self.client, self.token.as_deref(), &self.request)
    }
}

/// Every secret one call knows: the client's (configuration, managed
/// tokens), the token it sent, and the values it sent under secret-looking
/// names (a `component_verify_ticket`, an `authorizer_refresh_token`, an
/// OAuth `code`).
fn secrets(client: &Client, token: Option<&str>, request: &Request) -> KnownSecrets {
    let mut known = client.known_secrets();
    if let Some(token) = token {
        known.add(token);
    }
    for (key, value) in url::form_urlencoded::parse(request.query.as_bytes()) {
        if is_secret_key(&key) {
            known.add(&value);
        }
    }
    match &request.body {
        Body::None => {}
        Body::Json(json) => {
            if let Ok(value) = serde_json::from_slice::<serde_json::Value>(json) {
                add_secret_values(&value, &mut known);
            }
        }
        Body::Form(form) => form.secret_texts().for_each(|text| known.add(text)),
    }
    known
}

fn add_secret_values(value: &serde_json::Value, known: &mut KnownSecrets) {
    match value {
        serde_json::Value::Object(fields) => {
            for (key, value) in fields {
                match value {
                    serde_json::Value::String(text) if is_secret_key(key) => known.add(text),
                    other => add_secret_values(other, known),
                }
            }
        }
        serde_json::Value::Array(items) => items.iter().for_each(|v| add_secret_values(v, known)),
        _ => {}
    }
}
