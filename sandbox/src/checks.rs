//! The checks every endpoint gets, in WeChat's order: the credential (a live
//! token of the right kind), the body's format (JSON object, or a
//! `multipart/form-data` form), then each declared parameter — required
//! ones present, fixed values right, appids known, secrets right, file
//! parts present with a filename.

use std::collections::HashMap;
use std::convert::Infallible;

use axum::body::Bytes;
use serde_json::{Map, Value};
use wechat_api::endpoint::{
    ConfigKey, Credential, Endpoint, HttpMethod, ParamLocation, ParamSource, ValueKind,
};

use crate::Shared;
use crate::answer::File;
use crate::checked::{Checked, render};
use crate::errcode::{self, WxError};
use crate::world::TokenKind;

/// How many parts a multipart form may have (WeChat's forms have one to
/// three).
const MAX_PARTS: usize = 16;

/// A request as it arrived, before an endpoint is chosen for it.
#[derive(Debug)]
pub(crate) struct Incoming {
    /// The query string.
    pub query: HashMap<String, String>,
    /// The path parameters, when the route has `{name}` segments.
    pub path: HashMap<String, String>,
    /// The boundary, when the body is `multipart/form-data`.
    pub boundary: Option<String>,
    /// The body.
    pub body: Bytes,
    /// The body as a JSON object, when it is one.
    pub json: Option<Map<String, Value>>,
}

impl Incoming {
    /// Reads a request for the route `template` (an endpoint path).
    pub(crate) fn new(
        template: &str,
        path: &str,
        query: &str,
        content_type: Option<&str>,
        body: Bytes,
    ) -> Self {
        let boundary = content_type
            .filter(|ct| {
                ct.trim_start()
                    .to_ascii_lowercase()
                    .starts_with("multipart/form-data")
            })
            .and_then(|ct| multer::parse_boundary(ct).ok());
        let json = match boundary {
            Some(_) => None,
            None => match serde_json::from_slice::<Value>(&body) {
                Ok(Value::Object(map)) => Some(map),
                _ => None,
            },
        };
        Incoming {
            query: url::form_urlencoded::parse(query.as_bytes())
                .into_owned()
                .collect(),
            path: path_params(template, path),
            boundary,
            body,
            json,
        }
    }

    /// The value of a body field or a query parameter, as text.
    pub(crate) fn value(&self, location: ParamLocation, name: &str) -> Option<String> {
        match location {
            ParamLocation::Query => self.query.get(name).cloned(),
            ParamLocation::Body => self.json.as_ref()?.get(name).and_then(render),
            ParamLocation::Path => self.path.get(name).cloned(),
            ParamLocation::Multipart => None,
        }
    }
}

/// The `{name}` segments of `template` matched against `path`
/// (percent-decoded).
fn path_params(template: &str, path: &str) -> HashMap<String, String> {
    template
        .split('/')
        .zip(path.split('/'))
        .filter_map(|(pattern, value)| {
            let name = pattern.strip_prefix('{')?.strip_suffix('}')?;
            let value = percent_encoding::percent_decode_str(value)
                .decode_utf8_lossy()
                .into_owned();
            Some((name.to_owned(), value))
        })
        .collect()
}

/// The query parameter the credential of `endpoint` is sent under.
pub(crate) fn credential_name(endpoint: &Endpoint) -> Option<&'static str> {
    match endpoint.credential {
        Credential::None => None,
        _ if !endpoint.credential_param.is_empty() => Some(endpoint.credential_param),
        credential => credential.query_name(),
    }
}

/// Whether a token of `kind` is accepted as `credential`.
pub(crate) fn accepts(credential: Credential, kind: &TokenKind) -> bool {
    match credential {
        Credential::AccessToken => kind.is_access_token(),
        Credential::ComponentAccessToken => *kind == TokenKind::Component,
        Credential::None => true,
    }
}

/// The form of a multipart body: text fields and file parts. A body that
/// does not parse gives what was read before the fault (WeChat then finds
/// the media missing).
async fn read_form(
    boundary: &str,
    body: Bytes,
) -> (HashMap<String, String>, HashMap<String, File>) {
    let stream = futures_util::stream::once(async move { Ok::<_, Infallible>(body) });
    let mut multipart = multer::Multipart::new(stream, boundary);
    let (mut form, mut files) = (HashMap::new(), HashMap::new());
    for _ in 0..MAX_PARTS {
        let field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(_) => {
                tracing::debug!("sandbox could not read a multipart body");
                break;
            }
        };
        let Some(name) = field.name().map(str::to_owned) else {
            continue;
        };
        let filename = field.file_name().map(str::to_owned);
        let content_type = field.content_type().map(ToString::to_string);
        let Ok(bytes) = field.bytes().await else {
            break;
        };
        match filename {
            Some(filename) => {
                let content_type = content_type.unwrap_or_else(|| {
                    mime_guess::from_path(&filename)
                        .first_or_octet_stream()
                        .to_string()
                });
                files.insert(
                    name,
                    File {
                        content_type,
                        filename,
                        bytes,
                    },
                );
            }
            None => {
                form.insert(name, String::from_utf8_lossy(&bytes).into_owned());
            }
        }
    }
    (form, files)
}

/// The checks of `endpoint` on `incoming`; the call with its parameters
/// when they pass.
pub(crate) async fn check(
    shared: &Shared,
    endpoint: &'static Endpoint,
    incoming: Incoming,
) -> Result<Checked, WxError> {
    let token = match credential_name(endpoint) {
        None => None,
        Some(name) => {
            let value = incoming
                .query
                .get(name)
                .filter(|v| !v.is_empty())
                .cloned()
                .ok_or_else(|| WxError::missing(name, false))?;
            let kind = shared.world().check(&value)?.clone();
            if !accepts(endpoint.credential, &kind) {
                return Err(WxError::invalid_credential());
            }
            Some((value, kind))
        }
    };
    let multipart = endpoint
        .params
        .iter()
        .any(|p| p.location == ParamLocation::Multipart);
    let has_body_params = endpoint
        .params
        .iter()
        .any(|p| p.location == ParamLocation::Body);
    let (mut body, mut form, mut files) = (Map::new(), HashMap::new(), HashMap::new());
    if multipart {
        if let Some(boundary) = &incoming.boundary {
            (form, files) = read_form(boundary, incoming.body.clone()).await;
        }
    } else if endpoint.method == HttpMethod::Post {
        if incoming.body.iter().all(u8::is_ascii_whitespace) {
            if has_body_params {
                return Err(WxError::new(errcode::EMPTY_POST, "empty post data"));
            }
        } else {
            body = incoming.json.clone().ok_or_else(|| {
                WxError::new(
                    errcode::DATA_FORMAT,
                    "data format error: the body is not a JSON object",
                )
            })?;
        }
    }
    let call = Checked {
        endpoint,
        path: incoming.path,
        query: incoming.query,
        body,
        form,
        files,
        token,
    };
    check_params(shared, &call)?;
    Ok(call)
}

/// Each declared parameter: present when required, fixed values right,
/// appids and secrets those of the sandbox, file parts with a filename.
fn check_params(shared: &Shared, call: &Checked) -> Result<(), WxError> {
    let config = &shared.config;
    let mut appid_for_secret = None;
    for param in call.endpoint.params {
        if param.flatten {
            // its keys sit in the body itself; the body's other checks apply
            continue;
        }
        let in_body = matches!(
            param.location,
            ParamLocation::Body | ParamLocation::Multipart
        );
        if param.kind == ValueKind::File {
            let present = call
                .files
                .get(param.name)
                .is_some_and(|f| !f.filename.trim().is_empty());
            if !present && param.source != (ParamSource::Caller { required: false }) {
                return Err(WxError::new(
                    errcode::MEDIA_MISSING,
                    format!("media data missing: no file part `{}`", param.name),
                ));
            }
            continue;
        }
        let value = match param.location {
            ParamLocation::Query => call.query.get(param.name).cloned(),
            ParamLocation::Body => call.body.get(param.name).and_then(render),
            ParamLocation::Path => call.path.get(param.name).cloned(),
            ParamLocation::Multipart => call.form.get(param.name).cloned(),
        }
        .filter(|v| !v.is_empty());
        let value = match (value, param.source) {
            (None, ParamSource::Caller { required: false }) => continue,
            (None, _) => return Err(WxError::missing(param.name, in_body)),
            (Some(v), _) => v,
        };
        match param.source {
            ParamSource::Fixed(expected) if value != expected => {
                let code = if param.name == "grant_type" {
                    errcode::INVALID_GRANT_TYPE
                } else {
                    errcode::INVALID_ARGS
                };
                return Err(WxError::new(code, format!("invalid {}", param.name)));
            }
            ParamSource::Config(ConfigKey::AppId) => {
                let known = value == config.official_appid || config.merchant(&value).is_some();
                let token_appid = call.token.as_ref().and_then(|(_, kind)| kind.appid());
                if !known || token_appid.is_some_and(|a| a != value) {
                    return Err(WxError::new(errcode::INVALID_APPID, "invalid appid"));
                }
                appid_for_secret = Some(value);
            }
            ParamSource::Config(ConfigKey::ComponentAppId) if value != config.component_appid => {
                return Err(WxError::new(errcode::INVALID_APPID, "invalid appid"));
            }
            ParamSource::Config(ConfigKey::ComponentSecret) if value != config.component_secret => {
                return Err(WxError::new(errcode::INVALID_SECRET, "invalid appsecret"));
            }
            // `Config(Secret)` is checked against the appid below, once
            // every parameter was read.
            _ => {}
        }
    }
    if let Some(param) = call
        .endpoint
        .params
        .iter()
        .find(|p| p.source == ParamSource::Config(ConfigKey::Secret))
    {
        let secret = call.param(param.name).unwrap_or_default();
        let appid_ok = appid_for_secret.is_some_and(|a| a == config.official_appid);
        if !appid_ok || secret != config.official_secret {
            return Err(WxError::new(errcode::INVALID_SECRET, "invalid appsecret"));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_parameters_are_read_from_their_segments() {
        let params = path_params("/wxa/{appid}/page/{id}", "/wxa/wx1/page/a%20b");
        assert_eq!(params.len(), 2);
        assert_eq!(params["appid"], "wx1");
        assert_eq!(params["id"], "a b");
        assert!(path_params("/cgi-bin/token", "/cgi-bin/token").is_empty());
    }

    #[test]
    fn a_multipart_body_is_not_read_as_json() {
        let incoming = Incoming::new(
            "/x",
            "/x",
            "a=1",
            Some("multipart/form-data; boundary=XyZ"),
            Bytes::from_static(b"{\"k\": 1}"),
        );
        assert_eq!(incoming.boundary.as_deref(), Some("XyZ"));
        assert!(incoming.json.is_none());
        assert_eq!(
            incoming.value(ParamLocation::Query, "a").as_deref(),
            Some("1")
        );
        let json = Incoming::new("/x", "/x", "", None, Bytes::from_static(b"{\"k\": 1}"));
        assert_eq!(json.value(ParamLocation::Body, "k").as_deref(), Some("1"));
    }

    #[tokio::test]
    async fn a_form_is_split_into_text_fields_and_files() {
        let body = "--B\r\nContent-Disposition: form-data; name=\"description\"\r\n\r\n{\"title\":\"t\"}\r\n--B\r\nContent-Disposition: form-data; name=\"media\"; filename=\"a.png\"\r\n\r\nPNG!\r\n--B--\r\n";
        let (form, files) = read_form("B", Bytes::from(body)).await;
        assert_eq!(form["description"], "{\"title\":\"t\"}");
        assert_eq!(files["media"].filename, "a.png");
        assert_eq!(files["media"].content_type, "image/png");
        assert_eq!(&files["media"].bytes[..], b"PNG!");
        let (form, files) = read_form("B", Bytes::from_static(b"--B\r\ngarbage")).await;
        assert!(form.is_empty() && files.is_empty());
    }
}
