//! The static description of each endpoint (`rt::Endpoint`): what the
//! transport, the sandbox and the spec-derived tests read.

use heck::ToShoutySnakeCase;
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::ir::{Api, Endpoint, Field, ParamInfo, ParamLocation, ParamSource, Ty, TypeItem};

/// `pub static QUERY_AUTH: rt::Endpoint = ...;`
pub fn constant(module: &str, e: &Endpoint) -> TokenStream {
    let constant = format_ident!("{}", e.name.to_shouty_snake_case());
    let doc = format!(
        " `{} https://{}{}` ({}.{}).",
        e.method.as_str(),
        e.host,
        e.path,
        module,
        e.name
    );
    let name = &e.name;
    let summary = e.doc.clone().unwrap_or_default();
    let link = option_str(e.link.as_deref());
    let permission = option_str(e.permission.as_deref());
    let example = option_str(e.example.as_deref());
    let host = &e.host;
    let path = &e.path;
    let credential_param = &e.credential_param;
    let method = e.method;
    let credential = e.credential;
    let body = e.body();
    let answer = e.answer;
    let params = e.params.iter().map(param_info);
    let response_fields = e.response.iter().map(|f| f.wire.as_str());
    quote! {
        #[doc = #doc]
        pub static #constant: rt::Endpoint = rt::Endpoint {
            module: #module,
            name: #name,
            summary: #summary,
            link: #link,
            permission: #permission,
            method: #method,
            host: #host,
            path: #path,
            credential: #credential,
            credential_param: #credential_param,
            body: #body,
            answer: #answer,
            params: &[#(#params),*],
            response_fields: &[#(#response_fields),*],
            example: #example,
        };
    }
}

/// `pub static CLOSE: rt::PayEndpoint = ...;` for a WeChat Pay endpoint.
pub fn pay_constant(api: &Api, module: &str, e: &Endpoint) -> TokenStream {
    let constant = format_ident!("{}", e.name.to_shouty_snake_case());
    let doc = format!(
        " `{} https://{}{}` ({}.{}).",
        e.method.as_str(),
        e.host,
        e.path,
        module,
        e.name
    );
    let name = &e.name;
    let summary = e.doc.clone().unwrap_or_default();
    let link = option_str(e.link.as_deref());
    let example = option_str(e.example.as_deref());
    let host = &e.host;
    let path = &e.path;
    let method = e.method;
    let answer = if e.has_response_struct() {
        quote!(rt::PayAnswerKind::Json)
    } else {
        quote!(rt::PayAnswerKind::NoContent)
    };
    let params = e.params.iter().map(param_info);
    let sensitive = sensitive_paths(api, e);
    let response_fields = e.response.iter().map(|f| f.wire.as_str());
    quote! {
        #[doc = #doc]
        pub static #constant: rt::PayEndpoint = rt::PayEndpoint {
            module: #module,
            name: #name,
            summary: #summary,
            link: #link,
            method: #method,
            host: #host,
            path: #path,
            params: &[#(#params),*],
            answer: #answer,
            sensitive: &[#(#sensitive),*],
            response_fields: &[#(#response_fields),*],
            example: #example,
        };
    }
}

fn param_info(p: &ParamInfo) -> TokenStream {
    let name = &p.wire;
    let location = p.location;
    // the runtime's source is the static part of the IR's: the literal, the
    // configuration key, or whether the caller must give it
    let source = match &p.source {
        ParamSource::Fixed { value, .. } => quote!(rt::ParamSource::Fixed(#value)),
        ParamSource::Config(key) => quote!(rt::ParamSource::Config(#key)),
        ParamSource::Caller(f) => {
            let required = !f.optional;
            quote!(rt::ParamSource::Caller { required: #required })
        }
    };
    let kind = p.kind();
    let flatten = p.flatten();
    quote!(rt::ParamInfo { location: #location, name: #name, source: #source, kind: #kind, flatten: #flatten })
}

fn option_str(s: Option<&str>) -> TokenStream {
    match s {
        Some(s) => quote!(Some(#s)),
        None => quote!(None),
    }
}

/// The body paths of an endpoint's sensitive fields: `bank_account` for a
/// body parameter, `contact_info.contact_name` for a field of a named type
/// nested in one (a list's elements are walked through, a flattened
/// object's fields sit at its parent's level).
pub fn sensitive_paths(api: &Api, e: &Endpoint) -> Vec<String> {
    fn walk(api: &Api, field: &Field, prefix: &str, depth: usize, out: &mut Vec<String>) {
        let path = if field.flatten {
            prefix.to_owned()
        } else if prefix.is_empty() {
            field.wire.clone()
        } else {
            format!("{prefix}.{}", field.wire)
        };
        if field.sensitive {
            out.push(path);
            return;
        }
        // recursive types are bounded by lists; sensitive data is shallow
        if depth > 8 {
            return;
        }
        let mut ty = &field.ty;
        while let Ty::List(inner) | Ty::Map(inner) = ty {
            ty = inner;
        }
        if let Ty::Named(r) = ty
            && let Some(TypeItem::Object(o)) = api.find_type(&r.name)
        {
            for f in &o.fields {
                walk(api, f, &path, depth + 1, out);
            }
        }
    }
    let mut out = Vec::new();
    for p in e.params_at(ParamLocation::Body) {
        if let ParamSource::Caller(field) = &p.source {
            walk(api, field, "", 0, &mut out);
        }
    }
    out
}
