//! Endpoints: method, host, path and its parameters, credential, query,
//! body and multipart parameters, answer kind, response, hook.

use std::collections::HashSet;

use heck::ToUpperCamelCase;
use serde_saphyr::Spanned;

use super::types::{self, Place};
use super::{DEFAULT_HOST, KNOWN_HOOKS, Options, PAY_HOST, Report, Scope};
use crate::ir::{
    AnswerKind, ConfigKey, Credential, Endpoint, Family, HttpMethod, ParamInfo, ParamLocation,
    ParamSource, Ty, TypeKind,
};
use crate::model::{EndpointDef, FieldDef};

const CREDENTIALS: &str = "`none`, `access_token` or `component_access_token`";
const CONFIG_KEYS: &str = "`appid`, `secret`, `component_appid` or `component_secret`";
const PAY_CONFIG_KEYS: &str = "`mchid` (the merchant id of the `WechatPay` the call goes through)";

/// The endpoints of one module, each with the definition it came from.
pub fn endpoints<'d>(
    report: &mut Report<'_>,
    module: &str,
    defs: &'d [EndpointDef],
    scope: &Scope,
    options: Options,
) -> Vec<(&'d EndpointDef, Endpoint)> {
    let handle = format!("{}Handler", module.to_upper_camel_case());
    let mut seen = HashSet::new();
    let mut out = Vec::with_capacity(defs.len());
    for def in defs {
        let endpoint = endpoint(report, def, scope, options);
        if !seen.insert(endpoint.name.clone()) {
            report.error(
                &def.name,
                format!(
                    "duplicate endpoint name `{}` in module `{module}`: endpoint names become method names and must be unique",
                    endpoint.name
                ),
            );
            continue;
        }
        let camel = endpoint.name.to_upper_camel_case();
        let generated = [format!("{camel}Request"), format!("{camel}Response")];
        let clash = generated.iter().find(|g| {
            scope
                .get(g)
                .is_some_and(|t| t.module == module && t.name == **g)
                || **g == handle
        });
        if let Some(clash) = clash {
            report.error(
                &def.name,
                format!(
                    "endpoint `{}` generates the type `{clash}`, which is also a named type of this module; rename one of them",
                    endpoint.name
                ),
            );
            continue;
        }
        out.push((def, endpoint));
    }
    out
}

fn endpoint(
    report: &mut Report<'_>,
    def: &EndpointDef,
    scope: &Scope,
    options: Options,
) -> Endpoint {
    let name = report.snake_name(&def.name, "endpoint name");
    let has_body = !def.body.is_empty() || !def.multipart.is_empty();
    let method = match &def.method {
        None => {
            report.error(
                &def.name,
                format!("endpoint `{name}` has no `method`: expected GET or POST"),
            );
            if has_body {
                HttpMethod::Post
            } else {
                HttpMethod::Get
            }
        }
        Some(m) => match m.value.as_str() {
            "GET" => HttpMethod::Get,
            "POST" => HttpMethod::Post,
            other => {
                report.error(
                    m,
                    format!(
                        "bad HTTP method `{other}` for endpoint `{name}`: expected GET or POST (upper case)"
                    ),
                );
                if has_body {
                    HttpMethod::Post
                } else {
                    HttpMethod::Get
                }
            }
        },
    };
    let path = path(report, def, &name);
    let pay = report.is_pay();
    let default_host = if pay { PAY_HOST } else { DEFAULT_HOST };
    if pay {
        pay_checks(report, def, &name);
    }
    let host = match &def.host {
        None => default_host.to_string(),
        Some(h)
            if !h.value.is_empty()
                && h.value
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-') =>
        {
            h.value.clone()
        }
        Some(h) => {
            report.error(
                h,
                format!(
                    "invalid host `{}`: expected a host name like `api.weixin.qq.com`",
                    h.value
                ),
            );
            default_host.to_string()
        }
    };
    let credential = match &def.credential {
        None => Credential::None,
        Some(_) if pay => Credential::None,
        Some(c) => match c.value.as_str() {
            "none" => Credential::None,
            "access_token" => Credential::AccessToken,
            "component_access_token" => Credential::ComponentAccessToken,
            other => {
                report.error(
                    c,
                    format!("unknown credential kind `{other}`: expected {CREDENTIALS}"),
                );
                Credential::None
            }
        },
    };
    let credential_param = match &def.credential_param {
        None => credential.query_name().unwrap_or_default().to_string(),
        Some(_) if pay => String::new(),
        Some(p) if credential == Credential::None => {
            report.error(p, "`credential_param` names the query parameter of the credential, and this endpoint has none");
            String::new()
        }
        Some(p) if super::names::is_ident(&p.value) => p.value.clone(),
        Some(p) => {
            report.error(
                p,
                format!(
                    "invalid query parameter name `{}` for the credential",
                    p.value
                ),
            );
            credential.query_name().unwrap_or_default().to_string()
        }
    };
    if method == HttpMethod::Get
        && let Some(first) = def.body.first().or(def.multipart.first())
    {
        report.error(
            &first.name,
            format!(
                "endpoint `{name}` is GET but has `body` or `multipart` fields: GET sends path and query parameters only"
            ),
        );
    }
    if let (Some(_), Some(first)) = (def.body.first(), def.multipart.first()) {
        report.error(
            &first.name,
            format!("endpoint `{name}` has both `body` and `multipart`: a request has one body; put the JSON-encoded fields in a `json_string<T>` part"),
        );
    }
    let mut params = Vec::new();
    params.extend(path_params(report, def, &path, scope));
    params.extend(parameters(report, &def.query, scope, ParamLocation::Query));
    if method == HttpMethod::Post {
        if def.multipart.is_empty() {
            params.extend(parameters(report, &def.body, scope, ParamLocation::Body));
        } else {
            params.extend(parameters(
                report,
                &def.multipart,
                scope,
                ParamLocation::Multipart,
            ));
        }
    }
    let params = dedup_rust_names(report, params, def, &name);
    if !credential_param.is_empty()
        && let Some(clash) = def.query.iter().find(|f| f.name.value == credential_param)
    {
        report.error(
            &clash.name,
            format!("`{credential_param}` is added by the credential; remove this query parameter"),
        );
    }
    let answer = match def.answer.as_ref().map(|a| (a, a.value.as_str())) {
        None | Some((_, "json")) => AnswerKind::Json,
        Some((_, "media")) => AnswerKind::Media,
        Some((_, "media_or_json")) => AnswerKind::MediaOrJson,
        Some((node, other)) => {
            report.error(
                node,
                format!("unknown answer kind `{other}`: expected `json` (default), `media` (file bytes) or `media_or_json`"),
            );
            AnswerKind::Json
        }
    };
    let response = types::fields(report, &def.response, scope, "response field");
    for (field, field_def) in response.iter().zip(&def.response) {
        if !pay && matches!(field.wire.as_str(), "errcode" | "errmsg") {
            report.error(
                &field_def.name,
                format!(
                    "`{}` is checked by the client before decoding (a non-zero `errcode` is `Error::Api` with its `errmsg`); do not declare it as a response field",
                    field.wire
                ),
            );
        }
    }
    if answer == AnswerKind::Media {
        if let Some(first) = def.response.first() {
            report.error(
                &first.name,
                "an endpoint answering `media` has no response fields (use `media_or_json` when some answers are JSON)",
            );
        }
        if let Some(example) = &def.example {
            report.error(
                example,
                "an endpoint answering `media` has no JSON example (its success answer is file bytes)",
            );
        }
    }
    let hook = match &def.hook {
        None => None,
        Some(_) if pay => None,
        Some(h) if !options.internal => {
            report.error(
                h,
                "hooks run hand-written code of wechat-api itself; an endpoint of your own crate cannot name one",
            );
            None
        }
        Some(h) if KNOWN_HOOKS.contains(&h.value.as_str()) => Some(h.value.clone()),
        Some(h) => {
            report.error(
                h,
                format!(
                    "unknown hook `{}`: expected one of {} (hooks are hand-written in wechat-api/src/hooks.rs; add a new one there and to KNOWN_HOOKS in codegen/src/validate/mod.rs)",
                    h.value,
                    KNOWN_HOOKS
                        .iter()
                        .map(|k| format!("`{k}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            );
            None
        }
    };
    Endpoint {
        name,
        family: if pay { Family::Pay } else { Family::Wechat },
        doc: def.doc.clone(),
        link: def.link.clone(),
        permission: def.permission.as_ref().map(|p| p.value.text.clone()),
        method,
        host,
        path,
        credential,
        credential_param,
        params,
        answer: if answer == AnswerKind::Media {
            AnswerKind::Media
        } else {
            answer
        },
        response: if answer == AnswerKind::Media {
            Vec::new()
        } else {
            response
        },
        example: def.example.as_ref().map(|e| e.value.clone()),
        example_request: def.example_request.as_ref().map(|e| e.value.clone()),
        hook,
        // resolved once every type is known (validate::paging)
        paging: None,
    }
}

/// What a WeChat Pay endpoint cannot have: a token credential (requests
/// are signed), a hook, multipart parts, an answer kind.
fn pay_checks(report: &mut Report<'_>, def: &EndpointDef, name: &str) {
    if let Some(node) = &def.credential {
        report.error(
            node,
            format!("WeChat Pay endpoint `{name}` takes no token `credential`: every WeChat Pay request is signed with the merchant key; remove it"),
        );
    }
    if let Some(node) = &def.credential_param {
        report.error(
            node,
            "WeChat Pay endpoints send no credential in the query; remove `credential_param`",
        );
    }
    if let Some(node) = &def.hook {
        report.error(node, "WeChat Pay endpoints take no hook");
    }
    if let Some(node) = &def.answer {
        report.error(
            node,
            "WeChat Pay endpoints answer JSON (with `response` fields) or `204 No Content` (without); remove `answer`",
        );
    }
    if let Some(first) = def.multipart.first() {
        report.error(
            &first.name,
            "WeChat Pay endpoints of the spec send JSON bodies; `multipart` is not supported",
        );
    }
}

fn path(report: &mut Report<'_>, def: &EndpointDef, name: &str) -> String {
    match &def.path {
        None => {
            report.error(
                &def.name,
                format!(
                    "missing path: endpoint `{name}` has no `path` (e.g. `path: /cgi-bin/token`)"
                ),
            );
            "/".into()
        }
        Some(p) if !p.value.starts_with('/') || p.value.contains(['?', '#', ' ']) => {
            report.error(
                p,
                format!(
                    "invalid path `{}`: expected an absolute path starting with `/`, without query or fragment (fixed query parameters go in `query` with a `value`)",
                    p.value
                ),
            );
            "/".into()
        }
        Some(p) => p.value.clone(),
    }
}

/// The `{name}` placeholders of a path, or an error for a malformed one.
fn placeholders(path: &str) -> Result<Vec<&str>, String> {
    let mut names = Vec::new();
    let mut rest = path;
    while let Some(open) = rest.find(['{', '}']) {
        if rest[open..].starts_with('}') {
            return Err("a `}` without its `{`".into());
        }
        let after = &rest[open + 1..];
        let close = after.find('}').ok_or("a `{` without its `}`")?;
        let name = &after[..close];
        if name.contains('{') || !super::names::is_ident(name) {
            return Err(format!("`{{{name}}}` is not a parameter name"));
        }
        names.push(name);
        rest = &after[close + 1..];
    }
    Ok(names)
}

fn path_params(
    report: &mut Report<'_>,
    def: &EndpointDef,
    path: &str,
    scope: &Scope,
) -> Vec<ParamInfo> {
    let placeholders = match placeholders(path) {
        Ok(names) => names,
        Err(why) => {
            if let Some(node) = &def.path {
                report.error(node, format!("invalid path `{path}`: {why}; path parameters are written `{{name}}` and declared in `path_params`"));
            }
            Vec::new()
        }
    };
    let params = parameters(report, &def.path_params, scope, ParamLocation::Path);
    for (param, field_def) in params.iter().zip(&def.path_params) {
        if !placeholders.contains(&param.wire.as_str()) {
            report.error(
                &field_def.name,
                format!("path parameter `{}` does not appear in the path `{path}` (write it as `{{{}}}`)", param.wire, param.wire),
            );
        }
        if matches!(param.source, ParamSource::Caller(ref f) if f.optional) {
            report.error(&field_def.name, "a path parameter cannot be optional");
        }
    }
    if let Some(node) = &def.path {
        for name in &placeholders {
            if !params.iter().any(|p| p.wire == *name) {
                report.error(
                    node,
                    format!("`{{{name}}}` in the path is not declared: add it to `path_params` (a `{{` in a path is sent literally otherwise, as `%7B`)"),
                );
            }
        }
    }
    params
}

fn parameters(
    report: &mut Report<'_>,
    defs: &[FieldDef],
    scope: &Scope,
    location: ParamLocation,
) -> Vec<ParamInfo> {
    let place = match location {
        ParamLocation::Path | ParamLocation::Query => Place::Scalar,
        ParamLocation::Body => Place::Json,
        ParamLocation::Multipart => Place::Multipart,
    };
    let mut wire_names = HashSet::new();
    let mut params = Vec::with_capacity(defs.len());
    for def in defs {
        if !wire_names.insert(def.name.value.as_str()) {
            report.error(
                &def.name,
                format!("duplicate parameter `{}`", def.name.value),
            );
            continue;
        }
        if location != ParamLocation::Body
            && let Some(node) = def.sensitive.as_ref().filter(|n| n.value)
        {
            report.error(
                node,
                "only JSON body parameters can be `sensitive` (WeChat Pay encrypts body fields); path and query values are sent as they are",
            );
        }
        let source = match (&def.value, &def.from) {
            (Some(_), Some(from)) => {
                report.error(
                    from,
                    format!(
                        "parameter `{}` has both `value` and `from`; keep one",
                        def.name.value
                    ),
                );
                ParamSource::Config(ConfigKey::AppId)
            }
            (Some(value), None) => fixed(report, def, value, scope, place),
            (None, Some(from)) if report.is_pay() => {
                ParamSource::Config(if from.value == "mchid" {
                    ConfigKey::MchId
                } else {
                    report.error(
                        from,
                        format!(
                            "unknown configuration value `{}` for a WeChat Pay endpoint: expected {PAY_CONFIG_KEYS}",
                            from.value
                        ),
                    );
                    ConfigKey::MchId
                })
            }
            (None, Some(from)) => ParamSource::Config(match from.value.as_str() {
                "appid" => ConfigKey::AppId,
                "secret" => ConfigKey::Secret,
                "component_appid" => ConfigKey::ComponentAppId,
                "component_secret" => ConfigKey::ComponentSecret,
                other => {
                    report.error(
                        from,
                        format!("unknown configuration value `{other}`: expected {CONFIG_KEYS}"),
                    );
                    ConfigKey::AppId
                }
            }),
            (None, None) => ParamSource::Caller(types::field(
                report,
                def,
                scope,
                place,
                location == ParamLocation::Body,
            )),
        };
        params.push(ParamInfo {
            wire: def.name.value.clone(),
            location,
            source,
        });
    }
    params
}

fn fixed(
    report: &mut Report<'_>,
    def: &FieldDef,
    value: &Spanned<crate::model::Scalar>,
    scope: &Scope,
    place: Place,
) -> ParamSource {
    let ty = types::resolve(report, def.ty.as_ref(), scope, place);
    let text = &value.value.text;
    let valid = match &ty {
        Ty::String => true,
        Ty::Bool => matches!(text.as_str(), "true" | "false"),
        Ty::I32 | Ty::I64 => text.parse::<i64>().is_ok(),
        Ty::U32 | Ty::U64 => text.parse::<u64>().is_ok(),
        Ty::Named(r) if r.kind == TypeKind::StrEnum => true,
        Ty::Named(r) if r.kind == TypeKind::IntEnum => text.parse::<i64>().is_ok(),
        _ => false,
    };
    if !valid {
        report.error(
            value,
            format!(
                "fixed value `{text}` does not fit the type of `{}` (fixed values are strings, booleans, integers or enum values)",
                def.name.value
            ),
        );
        return ParamSource::Fixed {
            value: text.clone(),
            ty: Ty::String,
        };
    }
    let ty = match ty {
        Ty::Named(r) if r.kind == TypeKind::StrEnum => Ty::String,
        Ty::Named(r) if r.kind == TypeKind::IntEnum => Ty::I64,
        other => other,
    };
    ParamSource::Fixed {
        value: text.clone(),
        ty,
    }
}

/// One Rust name per request struct, across path, query and body: the
/// second of two parameters with the same name is reported and dropped.
fn dedup_rust_names(
    report: &mut Report<'_>,
    params: Vec<ParamInfo>,
    def: &EndpointDef,
    name: &str,
) -> Vec<ParamInfo> {
    let all_defs: Vec<&FieldDef> = def
        .path_params
        .iter()
        .chain(&def.query)
        .chain(&def.body)
        .chain(&def.multipart)
        .collect();
    let mut rust_names = HashSet::new();
    let mut kept = Vec::with_capacity(params.len());
    for param in params {
        if let ParamSource::Caller(field) = &param.source
            && !rust_names.insert(field.rust.clone())
        {
            let node = all_defs
                .iter()
                .rev()
                .find(|d| d.name.value == param.wire)
                .map(|d| &d.name);
            if let Some(node) = node {
                report.error(
                    node,
                    format!("duplicate parameter `{}` in endpoint `{name}`", field.rust),
                );
            }
            continue;
        }
        kept.push(param);
    }
    kept
}
