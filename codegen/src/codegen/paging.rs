//! The `…_pages()` method of a paged endpoint: a `Stream` of every page,
//! built on `rt::paging` with the step from one page to the next request
//! computed from the spec's `paging:` key.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::request::{request_name, response_name};
use crate::ir::{Endpoint, FieldStep, Paging, PagingKind};

/// The number of items at `path` under `base` (0 through an absent object).
fn items_len(base: TokenStream, path: &[FieldStep]) -> TokenStream {
    let Some((first, rest)) = path.split_first() else {
        return quote!(0usize);
    };
    let member = format_ident!("{}", first.rust);
    match (first.optional, rest.is_empty()) {
        (true, true) => quote!(#base.#member.as_ref().map_or(0, |items| items.len())),
        (false, true) => quote!(#base.#member.len()),
        (true, false) => {
            let inner = items_len(quote!(value), rest);
            quote!(#base.#member.as_ref().map_or(0, |value| #inner))
        }
        (false, false) => items_len(quote!(#base.#member), rest),
    }
}

/// `name_pages(request)`: a `Stream` of every page of `name`.
pub fn pages_method(e: &Endpoint, paging: &Paging) -> TokenStream {
    let method = format_ident!("{}", e.name);
    let name = format_ident!("{}_pages", e.name);
    let request = request_name(e);
    let response = response_name(e);
    let items = items_len(quote!(page), &paging.items);
    let (step, rule) = match &paging.kind {
        PagingKind::Cursor {
            request: cursor,
            answer,
        } => {
            let cursor_member = format_ident!("{}", cursor.rust);
            let answer_member = format_ident!("{}", answer.rust);
            let next = if answer.optional {
                quote!(page.#answer_member.as_deref())
            } else {
                quote!(Some(page.#answer_member.as_str()))
            };
            (
                quote! {
                    let cursor = rt::paging::next_cursor(request.#cursor_member.as_deref(), #next, #items)?;
                    let mut request = request.clone();
                    request.#cursor_member = Some(cursor);
                    Some(request)
                },
                format!(
                    "each next request carries the answer's `{}` as `{}`; the walk ends on an empty page or an empty, absent or unchanged cursor",
                    answer.rust, cursor.rust
                ),
            )
        }
        PagingKind::Offset { offset, total } => {
            let offset_member = format_ident!("{}", offset.rust);
            let total_member = format_ident!("{}", total.rust);
            let current = if offset.optional {
                quote!(request.#offset_member.unwrap_or_default())
            } else {
                quote!(request.#offset_member)
            };
            let total_value = if total.optional {
                quote!(page.#total_member?)
            } else {
                quote!(page.#total_member)
            };
            let assign = if offset.optional {
                quote!(request.#offset_member = Some(offset);)
            } else {
                quote!(request.#offset_member = offset;)
            };
            (
                quote! {
                    let offset = rt::paging::next_offset(#current, #items, #total_value)?;
                    let mut request = request.clone();
                    #assign
                    Some(request)
                },
                format!(
                    "each next request's `{}` moves by the items received; the walk ends on an empty page or at `{}`",
                    offset.rust, total.rust
                ),
            )
        }
    };
    let doc = format!(
        " Every page of [`{method}`](Self::{method}), starting from `request`: {rule}. Each call uses the handler's token (managed unless set with `with_token`); the first error ends the stream."
    );
    quote! {
        #[doc = #doc]
        pub fn #name(&self, request: #request) -> impl rt::Stream<Item = rt::Result<#response>> + 'c {
            let handle = *self;
            rt::paging::pages(
                request,
                move |request: #request| async move { handle.#method(request).await },
                |request: &#request, page: &#response| -> Option<#request> { #step },
            )
        }
    }
}
