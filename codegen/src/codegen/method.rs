//! The module handler (`client.component()`) and its methods: each builds
//! the wire form of its request (path, query, JSON or multipart body) and
//! hands it to the runtime's one, non-generic, send path.

use heck::{ToShoutySnakeCase, ToUpperCamelCase};
use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};

use super::request::{request_name, response_name};
use super::types::rust_ty;
use super::{Ctx, doc_attrs, handler_name};
use crate::ir::{
    AnswerKind, Credential, Endpoint, Family, Module, ParamInfo, ParamLocation, ParamSource, Ty,
};
use crate::validate::is_plain_ident;

/// The handler struct, its methods, and the accessor on `Client` (an
/// inherent method inside `wechat-api`, an extension trait elsewhere).
pub fn handle(ctx: Ctx<'_>, m: &Module) -> TokenStream {
    let handle = handler_name(&m.name);
    let accessor = format_ident!("{}", m.name);
    let handle_doc = format!(" The `{}` endpoints, from `client.{}()`.", m.name, m.name);
    let accessor_doc = format!(" The `{}` endpoints.", m.name);
    let methods = m.endpoints.iter().map(|e| {
        let paged = e.paging.as_ref().map(|p| super::paging::pages_method(e, p));
        let method = method(ctx, e);
        quote! { #method #paged }
    });
    let accessor = if ctx.options.internal {
        quote! {
            impl rt::Client {
                #[doc = #accessor_doc]
                pub fn #accessor(&self) -> #handle<'_> {
                    #handle { client: self, auth: rt::Auth::Managed }
                }
            }
        }
    } else {
        let trait_name = trait_name(&m.name);
        quote! {
            impl super::#trait_name for rt::Client {
                fn #accessor(&self) -> #handle<'_> {
                    #handle { client: self, auth: rt::Auth::Managed }
                }
            }
        }
    };
    quote! {
        #[doc = #handle_doc]
        ///
        /// Calls use the tokens the client manages (the authorizer's when the
        /// client acts for one); [`with_token`](Self::with_token) makes them
        /// use a token you manage yourself.
        #[derive(Debug, Clone, Copy)]
        pub struct #handle<'c> {
            client: &'c rt::Client,
            auth: rt::Auth<'c>,
        }

        impl<'c> #handle<'c> {
            /// Uses `token` as the credential of every call made through this
            /// handler, instead of the managed one. No automatic refresh or
            /// retry happens with an explicit token. Endpoints without a
            /// credential ignore it (a token they need, like a user's OAuth
            /// token, is an ordinary parameter).
            pub fn with_token(self, token: &'c str) -> Self {
                Self { auth: rt::Auth::Explicit(token), ..self }
            }

            #(#methods)*
        }

        #accessor
    }
}

/// The handler of a WeChat Pay module (`pay.transactions()`), its methods,
/// and the accessor on `WechatPay` (inherent inside `wechat-api`, an
/// extension trait elsewhere).
pub fn pay_handle(ctx: Ctx<'_>, m: &Module) -> TokenStream {
    let handle = handler_name(&m.name);
    let accessor = format_ident!("{}", m.name);
    let handle_doc = format!(
        " The `{}` WeChat Pay endpoints, from `pay.{}()`.",
        m.name, m.name
    );
    let accessor_doc = format!(" The `{}` WeChat Pay endpoints.", m.name);
    let methods = m.endpoints.iter().map(|e| pay_method(ctx, e));
    let accessor = if ctx.options.internal {
        quote! {
            impl rt::WechatPay {
                #[doc = #accessor_doc]
                pub fn #accessor(&self) -> #handle<'_> {
                    #handle { pay: self }
                }
            }
        }
    } else {
        let trait_name = trait_name(&m.name);
        quote! {
            impl super::#trait_name for rt::WechatPay {
                fn #accessor(&self) -> #handle<'_> {
                    #handle { pay: self }
                }
            }
        }
    };
    quote! {
        #[doc = #handle_doc]
        ///
        /// Every call is signed with the merchant key and every answer's
        /// signature is verified before it is decoded.
        #[derive(Debug, Clone, Copy)]
        pub struct #handle<'p> {
            pay: &'p rt::WechatPay,
        }

        impl<'p> #handle<'p> {
            #(#methods)*
        }

        #accessor
    }
}

fn pay_method_doc(e: &Endpoint) -> TokenStream {
    let mut doc = e
        .doc
        .clone()
        .unwrap_or_else(|| format!("Calls `{}`.", e.path));
    doc.push_str(&format!(
        "\n\n`{} https://{}{}`, signed with the merchant key; the answer's signature is verified before it is decoded.",
        e.method.as_str(),
        e.host,
        e.path,
    ));
    let sensitive: Vec<String> = e
        .user_fields()
        .filter(|f| f.sensitive)
        .map(|f| format!("`{}`", f.rust))
        .collect();
    if !sensitive.is_empty() {
        doc.push_str(&format!(
            "\n\n{} {} given in plaintext and sent encrypted with WeChat Pay's key (RSAES-OAEP), the key named in `Wechatpay-Serial`.",
            sensitive.join(", "),
            if sensitive.len() == 1 { "is" } else { "are" }
        ));
    }
    if let Some(link) = &e.link {
        doc.push_str(&format!("\n\nOfficial documentation: <{link}>"));
    }
    doc.push_str("\n\n# Errors\n\n[`Error::Pay`](crate::Error) for an error status (with WeChat Pay's `code`, `message`, `detail` and `Request-ID`); [`Error::PaySignature`](crate::Error) when the answer does not verify; transport, size and decoding errors otherwise.");
    doc_attrs(Some(&doc))
}

fn pay_method(ctx: Ctx<'_>, e: &Endpoint) -> TokenStream {
    let name = format_ident!("{}", e.name);
    let constant = format_ident!("{}", e.name.to_shouty_snake_case());
    let doc = pay_method_doc(e);
    let has_request = e.user_fields().next().is_some();
    let request_ident = request_name(e);
    let arg = has_request.then(|| quote!(request: #request_ident));
    let client = quote!(self.pay);
    let user_names: Vec<&str> = e.user_fields().map(|f| f.rust.as_str()).collect();
    let path = e.params_at(ParamLocation::Path).map(|p| {
        let wire = &p.wire;
        let value = match &p.source {
            ParamSource::Caller(field) => {
                let member = format_ident!("{}", field.rust);
                quote!(&request.#member)
            }
            ParamSource::Fixed { value, .. } => quote!(&#value),
            ParamSource::Config(_) => quote!(&#client.config().mchid()),
        };
        quote!(.path_param(#wire, #value))
    });
    let query_params: Vec<&ParamInfo> = e.params_at(ParamLocation::Query).collect();
    let (query_struct, query_call) = if query_params.is_empty() {
        (TokenStream::new(), TokenStream::new())
    } else {
        (
            wire_struct(ctx, quote!(Query), &query_params, &user_names, &client),
            quote!(.query(&query)?),
        )
    };
    let body_params: Vec<&ParamInfo> = e.params_at(ParamLocation::Body).collect();
    // a sensitive field nested in a named type is a `Sensitive`, encrypted
    // while the body is serialized under the request's encryptor
    let paths = super::endpoint_static::sensitive_paths(ctx.api, e);
    let nested = paths
        .iter()
        .any(|p| !e.user_fields().any(|f| f.sensitive && f.wire == *p));
    let sensitive = !paths.is_empty();
    let encryptor = sensitive.then(|| quote!(let encryptor = rt::Encryptor::new(#client)?;));
    let serial_call = sensitive.then(|| quote!(.serial(encryptor.serial())));
    let (body_struct, body_call) = if body_params.is_empty() {
        (TokenStream::new(), TokenStream::new())
    } else if nested {
        (
            wire_struct(ctx, quote!(Body), &body_params, &user_names, &client),
            quote!(.json_sealed(&body, &encryptor)?),
        )
    } else {
        (
            wire_struct(ctx, quote!(Body), &body_params, &user_names, &client),
            quote!(.json(&body)?),
        )
    };
    let response = response_name(e);
    let (ret, decode) = if e.has_response_struct() {
        (quote!(#response), quote!(.json::<#response>()))
    } else {
        (quote!(()), quote!(.empty()))
    };
    quote! {
        #doc
        pub async fn #name(&self, #arg) -> rt::Result<#ret> {
            #encryptor
            #query_struct
            #body_struct
            let call = rt::PayCall::new(&endpoints::#constant)
                #(#path)*
                #query_call
                #body_call
                #serial_call;
            rt::pay_send(#client, call).await? #decode
        }
    }
}

/// `ExtraApi` for the module `extra` (extension trait in a user's crate).
fn trait_name(module: &str) -> Ident {
    format_ident!("{}Api", module.to_upper_camel_case())
}

/// The extension trait giving `wechat_api::Client` the accessor of a
/// module of a user's spec.
pub fn extension_trait(m: &Module) -> TokenStream {
    if m.family == Family::Pay {
        return pay_extension_trait(m);
    }
    let trait_name = trait_name(&m.name);
    let accessor = format_ident!("{}", m.name);
    let module = format_ident!("{}", m.name);
    let handle = handler_name(&m.name);
    let doc = format!(
        " Gives `wechat_api::Client` the `{}` endpoints: `use` this trait, then call `client.{}()`.",
        m.name, m.name
    );
    let accessor_doc = format!(" The `{}` endpoints.", m.name);
    quote! {
        #[doc = #doc]
        pub trait #trait_name {
            #[doc = #accessor_doc]
            fn #accessor(&self) -> #module::#handle<'_>;
        }
    }
}

/// The extension trait giving `wechat_api::pay::WechatPay` the accessor of
/// a WeChat Pay module of a user's spec.
fn pay_extension_trait(m: &Module) -> TokenStream {
    let trait_name = trait_name(&m.name);
    let accessor = format_ident!("{}", m.name);
    let module = format_ident!("{}", m.name);
    let handle = handler_name(&m.name);
    let doc = format!(
        " Gives `wechat_api::pay::WechatPay` the `{}` endpoints: `use` this trait, then call `pay.{}()`.",
        m.name, m.name
    );
    let accessor_doc = format!(" The `{}` WeChat Pay endpoints.", m.name);
    quote! {
        #[doc = #doc]
        pub trait #trait_name {
            #[doc = #accessor_doc]
            fn #accessor(&self) -> #module::#handle<'_>;
        }
    }
}

fn method_doc(e: &Endpoint) -> TokenStream {
    let mut doc = e
        .doc
        .clone()
        .unwrap_or_else(|| format!("Calls `{}`.", e.path));
    doc.push_str(&format!(
        "\n\n`{} https://{}{}`{}",
        e.method.as_str(),
        e.host,
        e.path,
        match e.credential {
            Credential::None => String::new(),
            Credential::AccessToken => {
                ", authenticated with the `access_token` (the authorizer's through `client.authorizer(..)`).".to_string()
            }
            Credential::ComponentAccessToken => {
                ", authenticated with the `component_access_token`.".to_string()
            }
        }
    ));
    if let Some(permission) = &e.permission {
        doc.push_str(&format!(
            "\n\nPermission set (权限集) a third-party platform needs: {permission}."
        ));
    }
    if let Some(link) = &e.link {
        doc.push_str(&format!("\n\nOfficial documentation: <{link}>"));
    }
    let answer = match e.answer {
        AnswerKind::Json => "",
        AnswerKind::Media => " The answer is the file's bytes.",
        AnswerKind::MediaOrJson => {
            " The answer is the file's bytes, or JSON for some kinds of media."
        }
    };
    doc.push_str(&format!("\n\n# Errors\n\n[`Error::Api`](crate::Error) when WeChat answers a non-zero `errcode`; transport, status, size and decoding errors otherwise.{answer}"));
    doc_attrs(Some(&doc))
}

fn method(ctx: Ctx<'_>, e: &Endpoint) -> TokenStream {
    let name = format_ident!("{}", e.name);
    let constant = format_ident!("{}", e.name.to_shouty_snake_case());
    let doc = method_doc(e);
    let has_request = e.user_fields().next().is_some();
    let request_ident = request_name(e);
    let arg = has_request.then(|| quote!(request: #request_ident));
    // a hooked call runs in a task of its own, with its own client handle
    let client = if e.hook.is_some() {
        quote!(&client)
    } else {
        quote!(self.client)
    };
    let auth = if e.hook.is_some() {
        quote!(auth)
    } else {
        quote!(self.auth)
    };
    let user_names: Vec<&str> = e.user_fields().map(|f| f.rust.as_str()).collect();
    let path = e.params_at(ParamLocation::Path).map(|p| {
        let wire = &p.wire;
        let value = match &p.source {
            ParamSource::Caller(field) => {
                let member = format_ident!("{}", field.rust);
                quote!(&request.#member)
            }
            ParamSource::Fixed { value, .. } => quote!(&#value),
            ParamSource::Config(key) => {
                quote!(&rt::config_value(#client, #key)?)
            }
        };
        quote!(.path_param(#wire, #value))
    });
    let query_params: Vec<&ParamInfo> = e.params_at(ParamLocation::Query).collect();
    let (query_struct, query_call) = if query_params.is_empty() {
        (TokenStream::new(), TokenStream::new())
    } else {
        (
            wire_struct(ctx, quote!(Query), &query_params, &user_names, &client),
            quote!(.query(&query)?),
        )
    };
    let body_params: Vec<&ParamInfo> = e.params_at(ParamLocation::Body).collect();
    let (body_struct, body_call) = if body_params.is_empty() {
        (TokenStream::new(), TokenStream::new())
    } else {
        (
            wire_struct(ctx, quote!(Body), &body_params, &user_names, &client),
            quote!(.json(&body)?),
        )
    };
    let multipart = e.is_multipart().then(|| multipart(e, &client));
    let multipart_call = multipart.as_ref().map(|_| quote!(.multipart(form)));
    let response = response_name(e);
    let (ret, decode) = match e.answer {
        AnswerKind::Json if !e.has_response_struct() => (
            quote!(()),
            // still a JSON object (an HTML page is an error), nothing to keep
            quote!(.json::<rt::serde::de::IgnoredAny>().map(drop)),
        ),
        AnswerKind::Json => (quote!(#response), quote!(.json::<#response>())),
        AnswerKind::Media => (quote!(rt::Media), quote!(.media())),
        AnswerKind::MediaOrJson => (
            quote!(rt::MediaOr<#response>),
            quote!(.media_or_json::<#response>()),
        ),
    };
    let build = quote! {
        #query_struct
        #body_struct
        #multipart
        let call = rt::Call::new(&endpoints::#constant, #auth)
            #(#path)*
            #query_call
            #body_call
            #multipart_call;
    };
    let body = match &e.hook {
        None => quote! {
            #build
            rt::send(#client, call).await? #decode
        },
        Some(hook) => {
            let hook = format_ident!("{hook}");
            quote! {
                // What the answer carries is stored even if the caller stops
                // waiting: the call and its hook run to completion in a task
                // of their own.
                let explicit = match self.auth {
                    rt::Auth::Explicit(token) => Some(token.to_owned()),
                    rt::Auth::Managed => None,
                };
                let client = self.client.clone();
                rt::run_to_completion(async move {
                    let auth = match &explicit {
                        Some(token) => rt::Auth::Explicit(token),
                        None => rt::Auth::Managed,
                    };
                    #build
                    let answer = rt::send(&client, call).await?;
                    rt::hooks::#hook(&client, &answer).await?;
                    answer #decode
                })
                .await
            }
        }
    };
    quote! {
        #doc
        pub async fn #name(&self, #arg) -> rt::Result<#ret> {
            #body
        }
    }
}

/// A borrowed, serializable view of the parameters that go to one place
/// (query or JSON body), built right before the call.
fn wire_struct(
    ctx: Ctx<'_>,
    name: TokenStream,
    params: &[&ParamInfo],
    user_names: &[&str],
    client: &TokenStream,
) -> TokenStream {
    let pay = ctx
        .api
        .modules
        .iter()
        .any(|m| m.name == ctx.module && m.family == Family::Pay);
    let var = format_ident!("{}", name.to_string().to_lowercase());
    let mut members = Vec::new();
    let mut inits = Vec::new();
    for (index, p) in params.iter().enumerate() {
        let wire = &p.wire;
        let mut attrs = Vec::new();
        let (rust, ty, init) = match &p.source {
            ParamSource::Fixed { value, ty } => {
                let (ty, init) = fixed_literal(value, ty);
                (member_ident(wire, index, user_names), ty, init)
            }
            ParamSource::Config(_) if pay => (
                member_ident(wire, index, user_names),
                quote!(&'r str),
                quote!(#client.config().mchid()),
            ),
            ParamSource::Config(key) => (
                member_ident(wire, index, user_names),
                quote!(&'r str),
                quote!(rt::config_value(#client, #key)?),
            ),
            ParamSource::Caller(field) if field.sensitive => {
                // plaintext in the request, ciphertext on the wire
                let member = format_ident!("{}", field.rust);
                if field.optional {
                    attrs.push(quote!(#[serde(skip_serializing_if = "Option::is_none")]));
                    (
                        member.clone(),
                        quote!(Option<String>),
                        quote!(request.#member.as_deref().map(|plain| encryptor.encrypt(plain)).transpose()?),
                    )
                } else {
                    (
                        member.clone(),
                        quote!(String),
                        quote!(encryptor.encrypt(&request.#member)?),
                    )
                }
            }
            ParamSource::Caller(field) => {
                let member = format_ident!("{}", field.rust);
                let inner = rust_ty(ctx, &field.ty);
                if field.optional {
                    attrs.push(quote!(#[serde(skip_serializing_if = "Option::is_none")]));
                }
                if field.flatten {
                    attrs.push(quote!(#[serde(flatten)]));
                }
                if matches!(field.ty, Ty::JsonString(_)) {
                    attrs.push(quote!(#[serde(serialize_with = "rt::json_string::serialize")]));
                }
                let plain_string = field.ty == Ty::String && !field.flatten;
                let (ty, init) = match (field.optional, plain_string) {
                    (true, true) => (quote!(Option<&'r str>), quote!(request.#member.as_deref())),
                    (false, true) => (quote!(&'r str), quote!(&request.#member)),
                    (true, false) => (quote!(&'r Option<#inner>), quote!(&request.#member)),
                    (false, false) => (quote!(&'r #inner), quote!(&request.#member)),
                };
                (member.clone(), ty, init)
            }
        };
        let is_flatten = matches!(&p.source, ParamSource::Caller(f) if f.flatten);
        if rust != wire.as_str() && !is_flatten {
            attrs.push(quote!(#[serde(rename = #wire)]));
        }
        members.push(quote! { #(#attrs)* #rust: #ty, });
        inits.push(quote! { #rust: #init, });
    }
    let uses_lifetime = params
        .iter()
        .any(|p| !matches!(p.source, ParamSource::Fixed { .. }));
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

/// The multipart form of an endpoint: file parts and text fields.
fn multipart(e: &Endpoint, client: &TokenStream) -> TokenStream {
    let mut steps = Vec::new();
    for p in e.params_at(ParamLocation::Multipart) {
        let wire = &p.wire;
        let step = match &p.source {
            ParamSource::Fixed { value, .. } => quote!(form = form.text(#wire, #value);),
            ParamSource::Config(key) => {
                quote!(form = form.text(#wire, rt::config_value(#client, #key)?);)
            }
            ParamSource::Caller(field) => {
                let member = format_ident!("{}", field.rust);
                let add = |value: TokenStream| match &field.ty {
                    Ty::File => quote!(form = form.file(#wire, #value);),
                    Ty::JsonString(_) => {
                        quote!(form = form.text(#wire, rt::json_string::to_string(&#value)?);)
                    }
                    _ => quote!(form = form.text(#wire, #value.to_string());),
                };
                if field.optional {
                    let set = add(quote!(value));
                    quote!(if let Some(value) = request.#member { #set })
                } else {
                    add(quote!(request.#member))
                }
            }
        };
        steps.push(step);
    }
    quote! {
        let mut form = rt::Multipart::new();
        #(#steps)*
    }
}

/// The member name of a fixed or configured parameter in a wire struct: its
/// wire name when that is a plain identifier no caller field uses, else a
/// positional name (the wire name itself is kept by `rename`).
fn member_ident(wire: &str, index: usize, user_names: &[&str]) -> Ident {
    if is_plain_ident(wire) && !user_names.contains(&wire) {
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
