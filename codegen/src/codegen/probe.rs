//! Probes for the spec-derived tests (inside `wechat-api` only, behind its
//! `spec-tests` feature): for each endpoint, a call of the generated method
//! with a request synthesized from the spec (or built from the doc's
//! example request), and what must go over the wire for it — computed from
//! the spec, not from the generated serde code the test exercises.

use heck::ToShoutySnakeCase;
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use serde_json::{Map, Value};

use super::Ctx;
use super::request::request_name;
use super::types::{rust_ty, starts_empty};
use crate::ir::{AnswerKind, Api, Endpoint, Family, Module, ParamLocation, ParamSource, Ty};
use crate::sample::{Drift, Sampler, drift, restrict};
use crate::validate::Options;

/// The file name and content of a probe's uploads.
const PROBE_FILENAME: &str = "probe.jpg";
const PROBE_FILE: &str = "probe file";

/// `pub mod probes { ... }` of one module; empty outside `wechat-api`.
pub fn module_probes(ctx: Ctx<'_>, m: &Module) -> TokenStream {
    if !ctx.options.internal || m.endpoints.is_empty() {
        return TokenStream::new();
    }
    let inner = Ctx { depth: 1, ..ctx };
    let probes = m.endpoints.iter().map(|e| probe(inner, &m.name, e));
    quote! {
        /// What the spec-derived tests call and expect (feature `spec-tests`).
        #[cfg(all(feature = "spec-tests", not(test)))]
        #[doc(hidden)]
        pub mod probes {
            #[allow(unused_imports)]
            use super::*;
            #(#probes)*
        }
    }
}

/// `pub static PROBES` listing every probe; empty outside `wechat-api`.
pub fn table(api: &Api, options: Options) -> TokenStream {
    if !options.internal {
        return TokenStream::new();
    }
    let of_family = |family: Family| {
        api.modules
            .iter()
            .filter(move |m| m.family == family)
            .flat_map(|m| {
                let module = format_ident!("{}", m.name);
                m.endpoints.iter().map(move |e| {
                    let constant = format_ident!("{}", e.name.to_shouty_snake_case());
                    quote! { &#module::probes::#constant }
                })
            })
    };
    let all = of_family(Family::Wechat);
    let pay = of_family(Family::Pay);
    quote! {
        /// Every WeChat endpoint's probe (feature `spec-tests`).
        #[cfg(all(feature = "spec-tests", not(test)))]
        #[doc(hidden)]
        pub static PROBES: &[&crate::__private::Probe] = &[#(#all),*];

        /// Every WeChat Pay endpoint's probe (features `spec-tests` and `pay`).
        #[cfg(all(feature = "spec-tests", feature = "pay", not(test)))]
        #[doc(hidden)]
        pub static PAY_PROBES: &[&crate::__private::PayProbe] = &[#(#pay),*];
    }
}

fn probe(ctx: Ctx<'_>, module: &str, e: &Endpoint) -> TokenStream {
    let constant = format_ident!("{}", e.name.to_shouty_snake_case());
    let function = format_ident!("call_{}", e.name);
    let mut sampler = Sampler::new(ctx.api);
    let example_request: Option<Map<String, Value>> = e
        .example_request
        .as_deref()
        .and_then(|text| serde_json::from_str(text).ok());
    // one wire-form sample per caller parameter
    let mut samples: Vec<(String, Value)> = Vec::new();
    for p in &e.params {
        if let ParamSource::Caller(field) = &p.source {
            let from_doc = example_request
                .as_ref()
                .filter(|_| p.location == ParamLocation::Body)
                .and_then(|ex| ex.get(&p.wire))
                .filter(|v| !v.is_null())
                .cloned();
            let value = match (from_doc, field.flatten) {
                (Some(value), false) => value,
                (_, true) => {
                    let mut map = Map::new();
                    sampler.fields_into(&mut map, std::slice::from_ref(field), 0);
                    Value::Object(map)
                }
                (None, false) => sampler.value(&field.ty, &p.wire, 0),
            };
            samples.push((p.wire.clone(), value));
        }
    }
    let sample = |wire: &str| samples.iter().find(|(w, _)| w == wire).map(|(_, v)| v);
    // what must go over the wire
    let mut path = e.path.clone();
    let mut query = Vec::new();
    let mut body = Map::new();
    let mut parts = Vec::new();
    for p in &e.params {
        let value = match &p.source {
            ParamSource::Config(_) => continue, // the test fills these from its configuration
            ParamSource::Fixed { value, ty } => fixed_json(value, ty),
            ParamSource::Caller(_) => match sample(&p.wire) {
                Some(v) => v.clone(),
                None => continue,
            },
        };
        let is_file = matches!(&p.source, ParamSource::Caller(f) if f.ty == Ty::File);
        match p.location {
            ParamLocation::Path => path = path.replace(&format!("{{{}}}", p.wire), &text(&value)),
            ParamLocation::Query => query.push((p.wire.clone(), text(&value))),
            ParamLocation::Body => match (&p.source, value) {
                (ParamSource::Caller(f), Value::Object(map)) if f.flatten => body.extend(map),
                (_, value) => {
                    body.insert(p.wire.clone(), value);
                }
            },
            ParamLocation::Multipart if is_file => parts.push((
                p.wire.clone(),
                Some(PROBE_FILENAME.to_string()),
                PROBE_FILE.to_string(),
            )),
            ParamLocation::Multipart => parts.push((p.wire.clone(), None, text(&value))),
        }
    }
    let query = query.iter().map(|(k, v)| quote!((#k, #v)));
    let body = (e.method == crate::ir::HttpMethod::Post && !e.is_multipart())
        .then(|| Value::Object(body).to_string());
    let body = match body {
        Some(b) => quote!(Some(#b)),
        None => quote!(None),
    };
    let parts = parts.iter().map(|(name, filename, content)| {
        let filename = match filename {
            Some(f) => quote!(Some(#f)),
            None => quote!(None),
        };
        quote!(rt::ProbePart { name: #name, filename: #filename, content: #content })
    });
    let answer = match (e.answer, e.example.as_deref()) {
        (AnswerKind::Media, _) | (_, None) => quote!(None),
        // nothing but `errcode`/`errmsg`: the method returns `()`
        (AnswerKind::Json, Some(_)) if !e.has_response_struct() => quote!(Some("null")),
        (_, Some(example)) => {
            let restricted = serde_json::from_str::<Map<String, Value>>(example)
                .map(|ex| Value::Object(restrict(ctx.api, &ex, &e.response)).to_string())
                .unwrap_or_default();
            quote!(Some(#restricted))
        }
    };
    // the example again with its scalars flipped as WeChat does
    let drifted = |way: Drift| match (e.answer, e.example.as_deref()) {
        (AnswerKind::Media, _) | (_, None) => quote!(None),
        (_, Some(example)) => match serde_json::from_str::<Map<String, Value>>(example) {
            Ok(ex) => {
                let text = Value::Object(drift(ctx.api, &ex, &e.response, way)).to_string();
                quote!(Some(#text))
            }
            Err(_) => quote!(None),
        },
    };
    let as_strings = drifted(Drift::ToStrings);
    let as_numbers = drifted(Drift::ToNumbers);
    let call = call_fn(ctx, module, e, &function, &samples);
    if e.family == Family::Pay {
        return quote! {
            #call
            pub static #constant: rt::PayProbe = rt::PayProbe {
                endpoint: &super::endpoints::#constant,
                path: #path,
                query: &[#(#query),*],
                body: #body,
                answer: #answer,
                call: #function,
            };
        };
    }
    quote! {
        #call
        pub static #constant: rt::Probe = rt::Probe {
            endpoint: &super::endpoints::#constant,
            path: #path,
            query: &[#(#query),*],
            body: #body,
            parts: &[#(#parts),*],
            answer: #answer,
            as_strings: #as_strings,
            as_numbers: #as_numbers,
            call: #function,
        };
    }
}

/// The function calling the generated method with the sample request.
fn call_fn(
    ctx: Ctx<'_>,
    module: &str,
    e: &Endpoint,
    function: &proc_macro2::Ident,
    samples: &[(String, Value)],
) -> TokenStream {
    let accessor = format_ident!("{module}");
    let method = format_ident!("{}", e.name);
    let fields: Vec<_> = e.user_fields().collect();
    let build = if fields.is_empty() {
        TokenStream::new()
    } else {
        let ident = request_name(e);
        let value = |wire: &str, ty: &Ty| -> TokenStream {
            if *ty == Ty::File {
                return quote!(rt::Upload::from_bytes(#PROBE_FILENAME, #PROBE_FILE.as_bytes().to_vec()));
            }
            let json = samples
                .iter()
                .find(|(w, _)| w == wire)
                .map(|(_, v)| v.clone())
                .unwrap_or(Value::Null);
            // a json_string parameter is typed T in Rust: its sample's content
            let json = match (ty, &json) {
                (Ty::JsonString(_), Value::String(s)) => s.clone(),
                _ => json.to_string(),
            };
            let rust = rust_ty(ctx, ty);
            quote!(rt::probe_value::<#rust>(#json)?)
        };
        let args = e.params.iter().filter_map(|p| match &p.source {
            ParamSource::Caller(f) if !f.optional && !starts_empty(f) => {
                Some(value(&p.wire, &f.ty))
            }
            _ => None,
        });
        // a required map starts empty: the sample is put in whole
        let filled: Vec<TokenStream> = e
            .params
            .iter()
            .filter_map(|p| match &p.source {
                ParamSource::Caller(f) if starts_empty(f) => {
                    let name = format_ident!("{}", f.rust);
                    let v = value(&p.wire, &f.ty);
                    Some(quote!(request.#name = #v;))
                }
                _ => None,
            })
            .collect();
        let setters = e.params.iter().filter_map(|p| match &p.source {
            ParamSource::Caller(f) if f.optional && f.rust != "new" => {
                let setter = format_ident!("{}", f.rust);
                let v = value(&p.wire, &f.ty);
                Some(quote!(.#setter(#v)))
            }
            _ => None,
        });
        if filled.is_empty() {
            quote!(let request = #ident::new(#(#args),*)#(#setters)*;)
        } else {
            quote! {
                let mut request = #ident::new(#(#args),*)#(#setters)*;
                #(#filled)*
            }
        }
    };
    let arg = (!fields.is_empty()).then(|| quote!(request));
    if e.family == Family::Pay {
        return quote! {
            fn #function(pay: &rt::WechatPay) -> rt::BoxFuture<'_, rt::Result<rt::serde_json::Value>> {
                Box::pin(async move {
                    #build
                    let answer = pay.#accessor().#method(#arg).await?;
                    rt::probe_json(&answer)
                })
            }
        };
    }
    let answer = match e.answer {
        AnswerKind::Json => quote!(rt::probe_json(&answer)),
        AnswerKind::Media => quote!(rt::probe_media(&answer)),
        AnswerKind::MediaOrJson => quote!(rt::probe_media_or_json(&answer)),
    };
    quote! {
        fn #function(client: &rt::Client) -> rt::BoxFuture<'_, rt::Result<rt::serde_json::Value>> {
            Box::pin(async move {
                #build
                let answer = client.#accessor().#method(#arg).await?;
                #answer
            })
        }
    }
}

fn fixed_json(value: &str, ty: &Ty) -> Value {
    match ty {
        Ty::Bool => Value::Bool(value == "true"),
        Ty::I32 | Ty::I64 => value.parse::<i64>().map(Value::from).unwrap_or(Value::Null),
        Ty::U32 | Ty::U64 => value.parse::<u64>().map(Value::from).unwrap_or(Value::Null),
        _ => Value::String(value.to_string()),
    }
}

/// A scalar as text (query, path and multipart values).
fn text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}
