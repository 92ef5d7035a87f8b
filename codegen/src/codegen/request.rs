//! The request and response types of one endpoint.

use heck::ToUpperCamelCase;
use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};

use super::Ctx;
use super::types::{builder, data_struct, debug_impl, field_ty, is_plain_data};
use crate::ir::{Endpoint, Field};

/// `QueryAuthRequest` for the endpoint `query_auth`.
pub fn request_name(endpoint: &Endpoint) -> Ident {
    format_ident!("{}Request", endpoint.name.to_upper_camel_case())
}

/// `QueryAuthResponse` for the endpoint `query_auth`.
pub fn response_name(endpoint: &Endpoint) -> Ident {
    format_ident!("{}Response", endpoint.name.to_upper_camel_case())
}

/// The request struct (when the caller provides parameters) and the
/// response struct (when the answer can be JSON).
pub fn endpoint_types(ctx: Ctx<'_>, handle: &Ident, endpoint: &Endpoint) -> TokenStream {
    let method = &endpoint.name;
    let response = endpoint.has_response_struct().then(|| {
        data_struct(
            ctx,
            &response_name(endpoint),
            &match endpoint.family {
                crate::ir::Family::Wechat => format!(
                    "What WeChat answers to [`{method}`]({handle}::{method}) (after `errcode` was checked)."
                ),
                crate::ir::Family::Pay => format!(
                    "What WeChat Pay answers to [`{method}`]({handle}::{method}) (after its signature was verified)."
                ),
            },
            &endpoint.response,
            true,
        )
    });
    let request = request_struct(ctx, handle, endpoint);
    quote! { #request #response }
}

fn request_struct(ctx: Ctx<'_>, handle: &Ident, endpoint: &Endpoint) -> TokenStream {
    let fields: Vec<Field> = endpoint
        .user_fields()
        .map(|f| Field {
            // the wire struct, not this one, carries the wire layout (and
            // the ciphertext of a sensitive field: this one holds plaintext)
            flatten: false,
            sensitive: false,
            ..f.clone()
        })
        .collect();
    if fields.is_empty() {
        return TokenStream::new();
    }
    let ident = request_name(endpoint);
    let method = &endpoint.name;
    let doc =
        format!(" The parameters of [`{method}`]({handle}::{method}) that the caller provides.");
    let members = fields.iter().map(|f| {
        let name = format_ident!("{}", f.rust);
        let ty = field_ty(ctx, f);
        let doc = super::doc_attrs(Some(f.doc.as_deref().unwrap_or(&format!("`{}`", f.wire))));
        quote! { #doc pub #name: #ty, }
    });
    let plain = fields.iter().all(|f| is_plain_data(&f.ty));
    let debug = debug_impl(&ident, &fields);
    let derive_debug = debug.is_none().then(|| quote!(Debug,));
    let derive_data = plain.then(|| quote!(Clone, PartialEq,));
    let derive_default = (plain
        && fields
            .iter()
            .all(|f| f.optional || matches!(f.ty, crate::ir::Ty::List(_) | crate::ir::Ty::Map(_))))
    .then(|| quote!(Default,));
    let builder = builder(ctx, &ident, &fields);
    quote! {
        #[doc = #doc]
        #[derive(#derive_debug #derive_default #derive_data)]
        pub struct #ident {
            #(#members)*
        }
        #builder
        #debug
    }
}
