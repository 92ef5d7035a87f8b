//! One request to WeChat as generated code describes it: the endpoint, how
//! it authenticates, its path parameters, query and body, each serialized
//! as soon as it is given. [`send`](crate::transport::send) does the rest.

use std::borrow::Cow;
use std::fmt::Display;

use bytes::Bytes;
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use serde::Serialize;

use crate::client::Auth;
use crate::endpoint::{AnswerKind, BodyKind, Credential, Endpoint, HttpMethod};
use crate::error::{CallName, Error, Result};
use crate::multipart::Multipart;

/// Everything but RFC 3986's unreserved characters is encoded in a path
/// segment (so `/`, `?` and `#` in a value cannot change the path; `.` and
/// `..`, which URL parsing resolves even encoded, are refused).
pub(crate) const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// A request to one endpoint, built by generated code:
///
/// ```ignore
/// let call = rt::Call::new(&endpoints::SUBMIT_AUDIT, self.auth)
///     .path_param("id", &request.id)
///     .query(&Query { .. })?
///     .json(&Body { .. })?;
/// rt::send(self.client, call).await?.json()
/// ```
pub struct Call<'a> {
    pub(crate) target: Target,
    pub(crate) auth: Auth<'a>,
    /// The serialized query, without the credential.
    pub(crate) query: String,
    pub(crate) body: Payload,
    /// Why the call cannot be made, found while building it.
    pub(crate) invalid: Option<String>,
}

/// Where a call goes and what it expects: an endpoint of the spec, or the
/// description of a raw call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Target {
    pub(crate) name: CallName,
    pub(crate) module: &'static str,
    pub(crate) method: HttpMethod,
    pub(crate) host: Cow<'static, str>,
    pub(crate) path: Cow<'static, str>,
    pub(crate) credential: Credential,
    pub(crate) credential_param: Cow<'static, str>,
    pub(crate) body: BodyKind,
    pub(crate) answer: AnswerKind,
}

impl Target {
    pub(crate) fn of(endpoint: &'static Endpoint) -> Self {
        let credential_param = match endpoint.credential_param {
            "" => endpoint.credential.query_name().unwrap_or(""),
            name => name,
        };
        Self {
            name: CallName::endpoint(endpoint.module, endpoint.name, endpoint.path),
            module: endpoint.module,
            method: endpoint.method,
            host: Cow::Borrowed(endpoint.host),
            path: Cow::Borrowed(endpoint.path),
            credential: endpoint.credential,
            credential_param: Cow::Borrowed(credential_param),
            body: endpoint.body,
            answer: endpoint.answer,
        }
    }
}

/// The body of a call.
#[derive(Debug)]
pub(crate) enum Payload {
    None,
    Json(Bytes),
    Multipart(Multipart),
}

impl<'a> Call<'a> {
    /// A call to `endpoint`, authenticated as `auth` says.
    pub fn new(endpoint: &'static Endpoint, auth: Auth<'a>) -> Self {
        Self::to(Target::of(endpoint), auth)
    }

    pub(crate) fn to(target: Target, auth: Auth<'a>) -> Self {
        Self {
            target,
            auth,
            query: String::new(),
            body: Payload::None,
            invalid: None,
        }
    }

    /// Puts `value`, percent-encoded as one path segment, in place of the
    /// path's `{name}`. An empty value, `.` or `..` (which would change the
    /// path) makes the call fail with [`Error::Encode`] before it is sent.
    pub fn path_param(mut self, name: &str, value: &dyn Display) -> Self {
        let placeholder = format!("{{{name}}}");
        let value = value.to_string();
        if matches!(value.as_str(), "" | "." | "..") {
            if self.invalid.is_none() {
                self.invalid = Some(format!(
                    "path parameter `{name}` is empty, `.` or `..`, which would change the path"
                ));
            }
        } else if self.target.path.contains(&placeholder) {
            let encoded = utf8_percent_encode(&value, SEGMENT).to_string();
            self.target.path = Cow::Owned(self.target.path.replace(&placeholder, &encoded));
        } else if self.invalid.is_none() {
            self.invalid = Some(format!("the path has no `{placeholder}` placeholder"));
        }
        self
    }

    /// Adds the fields of `query` to the query string.
    ///
    /// # Errors
    /// [`Error::Encode`] when `query` is not a flat struct or map of scalars.
    pub fn query<Q: Serialize + ?Sized>(mut self, query: &Q) -> Result<Self> {
        let encoded = serde_urlencoded::to_string(query).map_err(|e| self.encode_error(&e))?;
        if !encoded.is_empty() {
            if !self.query.is_empty() {
                self.query.push('&');
            }
            self.query.push_str(&encoded);
        }
        Ok(self)
    }

    /// Sends `body` as the JSON body.
    ///
    /// # Errors
    /// [`Error::Encode`] when `body` cannot be serialized (a map with
    /// non-string keys).
    pub fn json<B: Serialize + ?Sized>(mut self, body: &B) -> Result<Self> {
        let json = serde_json::to_vec(body).map_err(|e| self.encode_error(&e))?;
        self.body = Payload::Json(Bytes::from(json));
        Ok(self)
    }

    /// Sends `parts` as a `multipart/form-data` body.
    pub fn multipart(mut self, parts: Multipart) -> Self {
        self.body = Payload::Multipart(parts);
        self
    }

    fn encode_error(&self, e: &dyn Display) -> Error {
        Error::Encode {
            endpoint: self.target.name.clone(),
            reason: e.to_string(),
        }
    }
}

impl std::fmt::Debug for Call<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // the query and the body may hold secrets; the auth holds a token
        f.debug_struct("Call")
            .field("endpoint", &self.target.name)
            .field("path", &self.target.path)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    static THING: Endpoint = Endpoint {
        module: "demo",
        name: "get_thing",
        summary: "",
        link: None,
        permission: None,
        method: HttpMethod::Get,
        host: "api.weixin.qq.com",
        path: "/demo/{id}/things/{kind}",
        credential: Credential::ComponentAccessToken,
        credential_param: "",
        body: BodyKind::None,
        answer: AnswerKind::Json,
        params: &[],
        response_fields: &[],
        example: None,
    };

    #[test]
    fn path_params_are_one_encoded_segment() {
        let call = Call::new(&THING, Auth::Managed)
            .path_param("id", &"a/b?c#d e")
            .path_param("kind", &42);
        assert_eq!(call.target.path, "/demo/a%2Fb%3Fc%23d%20e/things/42");
        assert!(call.invalid.is_none());
        let call = Call::new(&THING, Auth::Managed).path_param("nope", &1);
        assert!(call.invalid.is_some_and(|r| r.contains("{nope}")));
    }

    #[test]
    fn queries_append_and_the_credential_name_defaults() {
        #[derive(Serialize)]
        struct Q<'a> {
            a: &'a str,
            n: Option<u32>,
        }
        let call = Call::new(&THING, Auth::Managed)
            .query(&Q { a: "x y&", n: None })
            .and_then(|c| c.query(&[("b", "2")]))
            .expect("flat queries encode");
        assert_eq!(call.query, "a=x+y%26&b=2");
        assert_eq!(call.target.credential_param, "component_access_token");
        let nested = Call::new(&THING, Auth::Managed).query(&[("a", [1, 2])]);
        assert!(matches!(nested, Err(Error::Encode { .. })));
    }
}
