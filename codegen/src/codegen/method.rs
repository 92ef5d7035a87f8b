//! The module handle (`client.component()`), its methods and the static
//! endpoint descriptions.

use heck::{ToShoutySnakeCase, ToUpperCamelCase};
use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};

use super::doc_attrs;
use super::types::{request_name, response_name, rust_ty};
use crate::ir::{ConfigKey, Credential, Endpoint, Method, Module, Param, Source, Ty};

/// `ComponentApi` for the module `component`.
pub fn handle_name(m: &Module) -> Ident {
    format_ident!("{}Api", m.name.to_upper_camel_case())
}

/// The handle struct, its methods, and the accessor on `Client`.
pub fn handle(m: &Module) -> TokenStream {
    let handle = handle_name(m);
    let accessor = format_ident!("{}", m.name);
    let handle_doc = format!(
        " The `{}` endpoints, from [`Client::{}`](crate::Client::{}).",
        m.name, m.name, m.name
    );
    let accessor_doc = format!(" The `{}` endpoints.", m.name);
    let methods = m.endpoints.iter().map(method);
    quote! {
        #[doc = #handle_doc]
        ///
        /// Calls use the tokens the client manages; [`with_token`](Self::with_token)
        /// makes them use a token you manage yourself.
        #[derive(Debug, Clone, Copy)]
        pub struct #handle<'c> {
            client: &'c rt::Client,
            auth: rt::Auth<'c>,
        }

        impl<'c> #handle<'c> {
            /// Uses `token` as the credential of every call made through this
            /// handle, instead of the managed one. No automatic refresh or
            /// retry happens with an explicit token. Endpoints without a
            /// credential ignore it (a token they need, like a user's OAuth
            /// token, is an ordinary parameter); hooks still run.
            pub fn with_token(self, token: &'c str) -> Self {
                Self { auth: rt::Auth::Explicit(token), ..self }
            }

            #(#methods)*
        }

        impl rt::Client {
            #[doc = #accessor_doc]
            pub fn #accessor(&self) -> #handle<'_> {
                #handle { client: self, auth: rt::Auth::Managed }
            }
        }
    }
}

fn method(e: &Endpoint) -> TokenStream {
    let name = format_ident!("{}", e.name);
    let constant = format_ident!("{}", e.name.to_shouty_snake_case());
    let response = response_name(e);
    let mut doc = e
        .doc
        .clone()
        .unwrap_or_else(|| format!("Calls `{}`.", e.path));
    doc.push_str(&format!(
        "\n\n`{} https://{}{}`{}",
        method_str(e.method),
        e.host,
        e.path,
        match e.credential {
            Credential::None => String::new(),
            Credential::AccessToken => ", authenticated with the `access_token`.".to_string(),
            Credential::ComponentAccessToken =>
                ", authenticated with the `component_access_token`.".to_string(),
        }
    ));
    if let Some(link) = &e.link {
        doc.push_str(&format!("\n\nOfficial documentation: <{link}>"));
    }
    doc.push_str("\n\n# Errors\n\n[`Error::Api`](crate::Error::Api) when WeChat answers a non-zero `errcode`; transport, status and decoding errors otherwise.");
    let doc = doc_attrs(Some(&doc));
    let has_request = e.user_fields().next().is_some();
    let request_ident = request_name(e);
    let arg = has_request.then(|| quote!(request: #request_ident));
    let query = wire_struct(quote!(Query), &e.query);
    let body = wire_struct(quote!(Body), &e.body);
    let query_arg = if e.query.is_empty() {
        quote!(None::<&()>)
    } else {
        quote!(Some(&query))
    };
    let body_arg = if e.body.is_empty() {
        quote!(None::<&()>)
    } else {
        quote!(Some(&body))
    };
    let execute = quote! {
        self.client
            .execute(&endpoints::#constant, self.auth, #query_arg, #body_arg)
            .await
    };
    let call = match &e.hook {
        None => execute,
        Some(hook) => {
            let hook = format_ident!("{hook}");
            let request_ref = if has_request {
                quote!(&request)
            } else {
                quote!(&())
            };
            quote! {
                let response: #response = #execute?;
                rt::hooks::#hook(self.client, #request_ref, &response).await?;
                Ok(response)
            }
        }
    };
    quote! {
        #doc
        pub async fn #name(&self, #arg) -> rt::Result<#response> {
            #query
            #body
            #call
        }
    }
}

/// A borrowed, serializable view of the parameters that go to one place
/// (query or body), built right before the call.
fn wire_struct(name: TokenStream, params: &[Param]) -> TokenStream {
    if params.is_empty() {
        return TokenStream::new();
    }
    let var = format_ident!("{}", name.to_string().to_lowercase());
    let mut members = Vec::new();
    let mut inits = Vec::new();
    let user_names: Vec<&str> = params
        .iter()
        .filter_map(|p| match &p.source {
            Source::User(field) => Some(field.rust.as_str()),
            _ => None,
        })
        .collect();
    for (index, p) in params.iter().enumerate() {
        let wire = &p.wire;
        let (rust, ty, init, skip) = match &p.source {
            Source::Fixed { value, ty } => {
                let (ty, init) = fixed_literal(value, ty);
                (member_ident(wire, index, &user_names), ty, init, None)
            }
            Source::Config(key) => {
                let key = config_key(*key);
                (
                    member_ident(wire, index, &user_names),
                    quote!(&'r str),
                    quote!(self.client.config_value(#key)?),
                    None,
                )
            }
            Source::User(field) => {
                let member = format_ident!("{}", field.rust);
                let inner = rust_ty(&field.ty);
                if field.optional {
                    (
                        member.clone(),
                        quote!(&'r Option<#inner>),
                        quote!(&request.#member),
                        Some(quote!(#[serde(skip_serializing_if = "Option::is_none")])),
                    )
                } else {
                    (
                        member.clone(),
                        quote!(&'r #inner),
                        quote!(&request.#member),
                        None,
                    )
                }
            }
        };
        let rename = (rust != wire.as_str()).then(|| quote!(#[serde(rename = #wire)]));
        members.push(quote! { #rename #skip #rust: #ty, });
        inits.push(quote! { #rust: #init, });
    }
    let uses_lifetime = params
        .iter()
        .any(|p| !matches!(p.source, Source::Fixed { .. }));
    let generics = uses_lifetime.then(|| quote!(<'r>));
    quote! {
        #[derive(rt::serde::Serialize)]
        #[serde(crate = "rt::serde")]
        struct #name #generics {
            #(#members)*
        }
        let #var = #name { #(#inits)* };
    }
}

/// The member name of a fixed or configured parameter in a wire struct: its
/// wire name when that is a plain identifier no caller field uses, else a
/// positional name (the wire name itself is kept by `rename`).
fn member_ident(wire: &str, index: usize, user_names: &[&str]) -> Ident {
    let plain = crate::validate::is_plain_ident(wire) && !user_names.contains(&wire);
    if plain {
        format_ident!("{wire}")
    } else {
        format_ident!("param_{index}")
    }
}

fn fixed_literal(value: &str, ty: &Ty) -> (TokenStream, TokenStream) {
    match ty {
        Ty::Bool => {
            let b = value == "true";
            (quote!(bool), quote!(#b))
        }
        Ty::I32 | Ty::I64 => {
            let n: i64 = value.parse().unwrap_or_default();
            (quote!(i64), quote!(#n))
        }
        Ty::U32 | Ty::U64 => {
            let n: u64 = value.parse().unwrap_or_default();
            (quote!(u64), quote!(#n))
        }
        _ => (quote!(&'static str), quote!(#value)),
    }
}

fn config_key(key: ConfigKey) -> TokenStream {
    match key {
        ConfigKey::AppId => quote!(rt::ConfigKey::AppId),
        ConfigKey::Secret => quote!(rt::ConfigKey::Secret),
        ConfigKey::ComponentAppId => quote!(rt::ConfigKey::ComponentAppId),
        ConfigKey::ComponentSecret => quote!(rt::ConfigKey::ComponentSecret),
    }
}

fn method_str(m: Method) -> &'static str {
    match m {
        Method::Get => "GET",
        Method::Post => "POST",
    }
}

/// `pub static QUERY_AUTH: rt::Endpoint = ...;`
pub fn endpoint_constant(module: &str, e: &Endpoint) -> TokenStream {
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
    let example = option_str(e.example.as_deref());
    let host = &e.host;
    let path = &e.path;
    let method = match e.method {
        Method::Get => quote!(rt::HttpMethod::Get),
        Method::Post => quote!(rt::HttpMethod::Post),
    };
    let credential = match e.credential {
        Credential::None => quote!(rt::Credential::None),
        Credential::AccessToken => quote!(rt::Credential::AccessToken),
        Credential::ComponentAccessToken => quote!(rt::Credential::ComponentAccessToken),
    };
    let params = e
        .query
        .iter()
        .map(|p| param_info(quote!(rt::ParamLocation::Query), p))
        .chain(
            e.body
                .iter()
                .map(|p| param_info(quote!(rt::ParamLocation::Body), p)),
        );
    let response_fields = e.response.iter().map(|f| f.wire.as_str());
    let credential_param = e.credential_param();
    let body = match e.method {
        Method::Get => quote!(rt::BodyKind::None),
        Method::Post => quote!(rt::BodyKind::Json),
    };
    quote! {
        #[doc = #doc]
        pub static #constant: rt::Endpoint = rt::Endpoint {
            module: #module,
            name: #name,
            summary: #summary,
            link: #link,
            permission: None,
            method: #method,
            host: #host,
            path: #path,
            credential: #credential,
            credential_param: #credential_param,
            body: #body,
            answer: rt::AnswerKind::Json,
            params: &[#(#params),*],
            response_fields: &[#(#response_fields),*],
            example: #example,
        };
    }
}

fn param_info(location: TokenStream, p: &Param) -> TokenStream {
    let name = &p.wire;
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
    let kind = match &p.source {
        Source::Fixed { ty, .. } | Source::User(crate::ir::Field { ty, .. }) => value_kind(ty),
        Source::Config(_) => quote!(rt::ValueKind::String),
    };
    quote!(rt::ParamInfo { location: #location, name: #name, source: #source, kind: #kind })
}

fn value_kind(ty: &Ty) -> TokenStream {
    match ty {
        Ty::String => quote!(rt::ValueKind::String),
        Ty::Bool => quote!(rt::ValueKind::Bool),
        Ty::I32 | Ty::I64 | Ty::U32 | Ty::U64 => quote!(rt::ValueKind::Integer),
        Ty::F64 => quote!(rt::ValueKind::Float),
        Ty::Json => quote!(rt::ValueKind::Json),
        Ty::List(_) => quote!(rt::ValueKind::List),
        Ty::Named(_) => quote!(rt::ValueKind::Object),
    }
}

fn option_str(s: Option<&str>) -> TokenStream {
    match s {
        Some(s) => quote!(Some(#s)),
        None => quote!(None),
    }
}
