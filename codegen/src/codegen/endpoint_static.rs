//! The static description of each endpoint (`rt::Endpoint`): what the
//! transport, the sandbox and the spec-derived tests read.

use heck::ToShoutySnakeCase;
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::method::{config_key, method_str};
use crate::ir::{Answer, Credential, Endpoint, Location, Method, Param, Source, Ty, TypeKind};

/// `pub static QUERY_AUTH: rt::Endpoint = ...;`
pub fn constant(module: &str, e: &Endpoint) -> TokenStream {
    let constant = format_ident!("{}", e.name.to_shouty_snake_case());
    let doc = format!(
        " `{} https://{}{}` ({}.{}).",
        method_str(e.method),
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
    let method = match e.method {
        Method::Get => quote!(rt::HttpMethod::Get),
        Method::Post => quote!(rt::HttpMethod::Post),
    };
    let credential = match e.credential {
        Credential::None => quote!(rt::Credential::None),
        Credential::AccessToken => quote!(rt::Credential::AccessToken),
        Credential::ComponentAccessToken => quote!(rt::Credential::ComponentAccessToken),
    };
    let body = match (e.method, e.is_multipart()) {
        (Method::Get, _) => quote!(rt::BodyKind::None),
        (Method::Post, false) => quote!(rt::BodyKind::Json),
        (Method::Post, true) => quote!(rt::BodyKind::Multipart),
    };
    let answer = match e.answer {
        Answer::Json => quote!(rt::AnswerKind::Json),
        Answer::Media => quote!(rt::AnswerKind::Media),
        Answer::MediaOrJson => quote!(rt::AnswerKind::MediaOrJson),
    };
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

fn param_info(p: &Param) -> TokenStream {
    let name = &p.wire;
    let location = match p.location {
        Location::Path => quote!(rt::ParamLocation::Path),
        Location::Query => quote!(rt::ParamLocation::Query),
        Location::Body => quote!(rt::ParamLocation::Body),
        Location::Multipart => quote!(rt::ParamLocation::Multipart),
    };
    let source = match &p.source {
        Source::Fixed { value, .. } => quote!(rt::ParamSource::Fixed(#value)),
        Source::Config(key) => {
            let key = config_key(*key);
            quote!(rt::ParamSource::Config(#key))
        }
        Source::User(f) => {
            let required = !f.optional;
            quote!(rt::ParamSource::Caller { required: #required })
        }
    };
    let kind = value_kind(p.ty());
    let flatten = matches!(&p.source, Source::User(f) if f.flatten);
    quote!(rt::ParamInfo { location: #location, name: #name, source: #source, kind: #kind, flatten: #flatten })
}

fn value_kind(ty: &Ty) -> TokenStream {
    match ty {
        Ty::String => quote!(rt::ValueKind::String),
        Ty::Bool => quote!(rt::ValueKind::Bool),
        Ty::I32 | Ty::I64 | Ty::U32 | Ty::U64 => quote!(rt::ValueKind::Integer),
        Ty::F64 => quote!(rt::ValueKind::Float),
        Ty::Json => quote!(rt::ValueKind::Json),
        Ty::List(_) => quote!(rt::ValueKind::List),
        Ty::Map(_) => quote!(rt::ValueKind::Object),
        Ty::JsonString(_) => quote!(rt::ValueKind::JsonString),
        Ty::File => quote!(rt::ValueKind::File),
        Ty::Named(r) => match r.kind {
            TypeKind::StrEnum => quote!(rt::ValueKind::String),
            TypeKind::IntEnum => quote!(rt::ValueKind::Integer),
            TypeKind::Object | TypeKind::Union => quote!(rt::ValueKind::Object),
        },
    }
}

fn option_str(s: Option<&str>) -> TokenStream {
    match s {
        Some(s) => quote!(Some(#s)),
        None => quote!(None),
    }
}
