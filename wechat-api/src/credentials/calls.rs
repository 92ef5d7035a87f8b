//! The token calls the client makes by itself, in wire form.
//!
//! Fetching a credential is part of the runtime, and the generated API
//! (`crate::api`) is built on the runtime: so the runtime does not call
//! generated methods for its tokens. These six calls are described here by
//! hand, exactly as the spec describes them (`spec/component.yaml`,
//! `spec/official.yaml`; a unit test compares each with its generated
//! endpoint), and go through the same [`send`] as every generated method:
//! same credential handling, `errcode` check, retry, limits and redaction.
//!
//! Each answer is read into a struct holding only the token and its
//! lifetime; none derives `Debug`, so no token can reach a log through one.

use std::borrow::Cow;

use crate::error::CallName;

use serde::{Deserialize, Serialize};

use crate::answer::Answer;
use crate::call::{Call, Target};
use crate::client::{Auth, Client};
use crate::detached::run_to_completion;
use crate::endpoint::{AnswerKind, BodyKind, ConfigKey, Credential, HttpMethod};
use crate::error::Result;
use crate::hooks;
use crate::hosts::API_HOST;
use crate::transport::send;

/// A token as a token endpoint hands it out.
pub(crate) struct Issued {
    /// The token (or ticket).
    pub(crate) token: String,
    /// Its lifetime, in seconds.
    pub(crate) expires_in: u32,
}

/// `component.component_token`.
const COMPONENT_TOKEN: Described = Described {
    module: "component",
    name: "component_token",
    method: HttpMethod::Post,
    path: "/cgi-bin/component/api_component_token",
    credential: Credential::None,
};
/// `component.start_push_ticket`.
const START_PUSH_TICKET: Described = Described {
    module: "component",
    name: "start_push_ticket",
    method: HttpMethod::Post,
    path: "/cgi-bin/component/api_start_push_ticket",
    credential: Credential::None,
};
/// `component.authorizer_token`.
const AUTHORIZER_TOKEN: Described = Described {
    module: "component",
    name: "authorizer_token",
    method: HttpMethod::Post,
    path: "/cgi-bin/component/api_authorizer_token",
    credential: Credential::ComponentAccessToken,
};
/// `official.token`.
const TOKEN: Described = Described {
    module: "official",
    name: "token",
    method: HttpMethod::Get,
    path: "/cgi-bin/token",
    credential: Credential::None,
};
/// `official.stable_token`.
const STABLE_TOKEN: Described = Described {
    module: "official",
    name: "stable_token",
    method: HttpMethod::Post,
    path: "/cgi-bin/stable_token",
    credential: Credential::None,
};
/// `official.get_ticket`.
const GET_TICKET: Described = Described {
    module: "official",
    name: "get_ticket",
    method: HttpMethod::Get,
    path: "/cgi-bin/ticket/getticket",
    credential: Credential::AccessToken,
};

/// What differs between the token calls: all are on [`API_HOST`], send
/// their credential under its usual name, a JSON body when they `POST`,
/// and answer JSON.
#[derive(Debug, Clone, Copy)]
struct Described {
    module: &'static str,
    name: &'static str,
    method: HttpMethod,
    path: &'static str,
    credential: Credential,
}

impl Described {
    fn target(self) -> Target {
        Target {
            name: CallName::endpoint(self.module, self.name, self.path),
            module: self.module,
            method: self.method,
            host: Cow::Borrowed(API_HOST),
            path: Cow::Borrowed(self.path),
            credential: self.credential,
            credential_param: Cow::Borrowed(self.credential.query_name().unwrap_or("")),
            body: match self.method {
                HttpMethod::Get => BodyKind::None,
                HttpMethod::Post => BodyKind::Json,
            },
            answer: AnswerKind::Json,
        }
    }

    /// A call to this endpoint with the managed credential (if any).
    fn call(self) -> Call<'static> {
        Call::to(self.target(), Auth::Managed)
    }
}

#[derive(Serialize)]
struct ComponentTokenBody<'r> {
    component_appid: &'r str,
    component_appsecret: &'r str,
    component_verify_ticket: &'r str,
}

#[derive(Deserialize)]
struct ComponentTokenAnswer {
    component_access_token: String,
    #[serde(deserialize_with = "crate::tolerant::deserialize")]
    expires_in: u32,
}

#[derive(Serialize)]
struct StartPushTicketBody<'r> {
    component_appid: &'r str,
    component_secret: &'r str,
}

#[derive(Serialize)]
struct AuthorizerTokenBody<'r> {
    component_appid: &'r str,
    authorizer_appid: &'r str,
    authorizer_refresh_token: &'r str,
}

#[derive(Deserialize)]
struct AuthorizerTokenAnswer {
    authorizer_access_token: String,
    #[serde(deserialize_with = "crate::tolerant::deserialize")]
    expires_in: u32,
}

#[derive(Serialize)]
struct TokenQuery<'r> {
    grant_type: &'static str,
    appid: &'r str,
    secret: &'r str,
}

#[derive(Serialize)]
struct StableTokenBody<'r> {
    grant_type: &'static str,
    appid: &'r str,
    secret: &'r str,
    #[serde(skip_serializing_if = "Option::is_none")]
    force_refresh: Option<bool>,
}

#[derive(Deserialize)]
struct AccessTokenAnswer {
    access_token: String,
    #[serde(deserialize_with = "crate::tolerant::deserialize")]
    expires_in: u32,
}

#[derive(Serialize)]
struct TicketQuery {
    #[serde(rename = "type")]
    ticket_type: &'static str,
}

#[derive(Deserialize)]
struct TicketAnswer {
    ticket: String,
    #[serde(deserialize_with = "crate::tolerant::deserialize")]
    expires_in: u32,
}

/// The `grant_type` of the account's own token.
const CLIENT_CREDENTIAL: &str = "client_credential";

impl Client {
    /// `api_component_token`: the platform's token from a verify ticket.
    pub(crate) async fn fetch_component_token(&self, ticket: &str) -> Result<Issued> {
        let body = ComponentTokenBody {
            component_appid: self.config_value(ConfigKey::ComponentAppId)?,
            component_appsecret: self.config_value(ConfigKey::ComponentSecret)?,
            component_verify_ticket: ticket,
        };
        let call = COMPONENT_TOKEN.call().json(&body)?;
        let answer: ComponentTokenAnswer = send(self, call).await?.json()?;
        Ok(Issued {
            token: answer.component_access_token,
            expires_in: answer.expires_in,
        })
    }

    /// `api_start_push_ticket`: asks WeChat to push a verify ticket.
    pub(crate) async fn request_start_push_ticket(&self) -> Result<()> {
        let body = StartPushTicketBody {
            component_appid: self.config_value(ConfigKey::ComponentAppId)?,
            component_secret: self.config_value(ConfigKey::ComponentSecret)?,
        };
        let call = START_PUSH_TICKET.call().json(&body)?;
        // still a JSON object (an HTML page is an error), nothing to keep
        send(self, call)
            .await?
            .json::<serde::de::IgnoredAny>()
            .map(drop)
    }

    /// `api_authorizer_token`: an authorizer's new access token from its
    /// refresh token. The call and its hook (which stores the rotated
    /// refresh token) run to completion in a task of their own, as the
    /// generated `component().authorizer_token(..)` does: WeChat may have
    /// rotated the refresh token already, so neither a dropped caller nor a
    /// timeout may cancel the call between WeChat's answer and the write.
    pub(crate) async fn fetch_authorizer_token(
        &self,
        authorizer_appid: &str,
        refresh_token: String,
    ) -> Result<Issued> {
        let client = self.clone();
        let authorizer_appid = authorizer_appid.to_owned();
        run_to_completion(async move {
            let body = AuthorizerTokenBody {
                component_appid: client.config_value(ConfigKey::ComponentAppId)?,
                authorizer_appid: &authorizer_appid,
                authorizer_refresh_token: &refresh_token,
            };
            let call = AUTHORIZER_TOKEN.call().json(&body)?;
            let answer = send(&client, call).await?;
            hooks::remember_authorizer_token(&client, &answer).await?;
            let answer: AuthorizerTokenAnswer = answer.json()?;
            Ok(Issued {
                token: answer.authorizer_access_token,
                expires_in: answer.expires_in,
            })
        })
        .await
    }

    /// `cgi-bin/token`: the account's basic token.
    pub(crate) async fn fetch_token(&self) -> Result<Issued> {
        let query = TokenQuery {
            grant_type: CLIENT_CREDENTIAL,
            appid: self.config_value(ConfigKey::AppId)?,
            secret: self.config_value(ConfigKey::Secret)?,
        };
        let call = TOKEN.call().query(&query)?;
        access_token(send(self, call).await?)
    }

    /// `cgi-bin/stable_token`: the account's stable token, forced only when
    /// `force_refresh` (limited to 20 a day).
    pub(crate) async fn fetch_stable_token(&self, force_refresh: bool) -> Result<Issued> {
        let body = StableTokenBody {
            grant_type: CLIENT_CREDENTIAL,
            appid: self.config_value(ConfigKey::AppId)?,
            secret: self.config_value(ConfigKey::Secret)?,
            force_refresh: force_refresh.then_some(true),
        };
        let call = STABLE_TOKEN.call().json(&body)?;
        access_token(send(self, call).await?)
    }

    /// `cgi-bin/ticket/getticket?type=jsapi`: the JS-SDK ticket.
    pub(crate) async fn fetch_jsapi_ticket(&self) -> Result<Issued> {
        let call = GET_TICKET.call().query(&TicketQuery {
            ticket_type: "jsapi",
        })?;
        let answer: TicketAnswer = send(self, call).await?.json()?;
        Ok(Issued {
            token: answer.ticket,
            expires_in: answer.expires_in,
        })
    }
}

fn access_token(answer: Answer) -> Result<Issued> {
    let answer: AccessTokenAnswer = answer.json()?;
    Ok(Issued {
        token: answer.access_token,
        expires_in: answer.expires_in,
    })
}

#[cfg(test)]
mod tests {
    //! The hand-written descriptions against the spec's: a change of the
    //! spec that these calls do not follow fails here. (Test code may read
    //! the generated API; the runtime above does not.)

    use std::collections::BTreeSet;

    use super::*;
    use crate::api::{component, official};
    use crate::endpoint::{Endpoint, ParamLocation, ParamSource};

    /// Each hand-written call, its generated endpoint, and the query and
    /// body it sends (every parameter, optional ones included).
    fn pairs() -> Vec<(Described, &'static Endpoint, serde_json::Value)> {
        let body = |v: serde_json::Result<serde_json::Value>| v.expect("a flat struct serializes");
        vec![
            (
                COMPONENT_TOKEN,
                &component::endpoints::COMPONENT_TOKEN,
                body(serde_json::to_value(ComponentTokenBody {
                    component_appid: "c",
                    component_appsecret: "s",
                    component_verify_ticket: "t",
                })),
            ),
            (
                START_PUSH_TICKET,
                &component::endpoints::START_PUSH_TICKET,
                body(serde_json::to_value(StartPushTicketBody {
                    component_appid: "c",
                    component_secret: "s",
                })),
            ),
            (
                AUTHORIZER_TOKEN,
                &component::endpoints::AUTHORIZER_TOKEN,
                body(serde_json::to_value(AuthorizerTokenBody {
                    component_appid: "c",
                    authorizer_appid: "a",
                    authorizer_refresh_token: "r",
                })),
            ),
            (
                TOKEN,
                &official::endpoints::TOKEN,
                body(serde_json::to_value(TokenQuery {
                    grant_type: CLIENT_CREDENTIAL,
                    appid: "a",
                    secret: "s",
                })),
            ),
            (
                STABLE_TOKEN,
                &official::endpoints::STABLE_TOKEN,
                body(serde_json::to_value(StableTokenBody {
                    grant_type: CLIENT_CREDENTIAL,
                    appid: "a",
                    secret: "s",
                    force_refresh: Some(true),
                })),
            ),
            (
                GET_TICKET,
                &official::endpoints::GET_TICKET,
                body(serde_json::to_value(TicketQuery {
                    ticket_type: "jsapi",
                })),
            ),
        ]
    }

    #[test]
    fn token_calls_match_the_spec() {
        for (described, endpoint, sent) in pairs() {
            let ours = described.target();
            let spec = Target::of(endpoint);
            assert_eq!(ours, spec, "{endpoint}");
            // the fixed and configured values, and the caller's names
            let names: BTreeSet<&str> = sent
                .as_object()
                .map(|o| o.keys().map(String::as_str).collect())
                .unwrap_or_default();
            let wire: BTreeSet<&str> = endpoint
                .params
                .iter()
                .filter(|p| matches!(p.location, ParamLocation::Query | ParamLocation::Body))
                .map(|p| p.name)
                .collect();
            assert_eq!(names, wire, "{endpoint}: parameters");
            for p in endpoint.params {
                if let ParamSource::Fixed(value) = p.source {
                    assert_eq!(sent[p.name], value, "{endpoint}: `{}`", p.name);
                }
            }
        }
    }
}
