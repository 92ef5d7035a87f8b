//! [`Checked`]: a request that passed the generic checks, with its parameters
//! from the path, the query, the JSON body or the multipart form.

use std::collections::HashMap;

use serde_json::{Map, Value};
use wechat_api::endpoint::{Endpoint, HttpMethod};

use crate::answer::File;
use crate::errcode::WxError;
use crate::world::TokenKind;

/// A request that passed the generic checks.
#[derive(Debug)]
pub(crate) struct Checked {
    /// The endpoint called.
    pub endpoint: &'static Endpoint,
    /// Path parameters (`{name}` segments).
    pub path: HashMap<String, String>,
    /// The query string.
    pub query: HashMap<String, String>,
    /// The JSON body (empty for a GET or a multipart body).
    pub body: Map<String, Value>,
    /// The text fields of a multipart body.
    pub form: HashMap<String, String>,
    /// The file parts of a multipart body, by part name.
    pub files: HashMap<String, File>,
    /// The credential's token and what it is, when the endpoint takes one.
    pub token: Option<(String, TokenKind)>,
}

/// A JSON value as a parameter's text: strings as is, other values rendered.
pub(crate) fn render(value: &Value) -> Option<String> {
    match value {
        Value::Null => None,
        Value::String(s) => Some(s.clone()),
        other => Some(other.to_string()),
    }
}

impl Checked {
    /// A parameter, from the path, the query, the body or the form.
    pub fn param(&self, name: &str) -> Option<String> {
        self.path
            .get(name)
            .or_else(|| self.query.get(name))
            .cloned()
            .or_else(|| self.body.get(name).and_then(render))
            .or_else(|| self.form.get(name).cloned())
    }

    /// A body field as JSON (objects included).
    pub fn body_field(&self, name: &str) -> Option<&Value> {
        self.body.get(name)
    }

    /// A parameter that must be there (the generic checks made sure of it
    /// when the spec says so).
    pub fn required(&self, name: &str) -> Result<String, WxError> {
        self.param(name)
            .filter(|v| !v.is_empty())
            .ok_or_else(|| WxError::missing(name, self.endpoint.method == HttpMethod::Post))
    }

    /// A boolean body parameter.
    pub fn flag(&self, name: &str) -> bool {
        match self.body.get(name) {
            Some(Value::Bool(b)) => *b,
            Some(Value::String(s)) => s == "true" || s == "1",
            Some(Value::Number(n)) => n.as_i64().is_some_and(|n| n != 0),
            _ => self
                .query
                .get(name)
                .is_some_and(|s| s == "true" || s == "1"),
        }
    }

    /// The appid the call's token acts for (an official account, an
    /// authorizer); 40001 for a call without one.
    pub fn appid(&self) -> Result<String, WxError> {
        self.token
            .as_ref()
            .and_then(|(_, kind)| kind.appid())
            .map(str::to_owned)
            .ok_or_else(WxError::invalid_credential)
    }
}
