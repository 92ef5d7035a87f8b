//! How generated code spells the IR's description values.
//!
//! The IR (`crate::ir`) and the runtime (`wechat_api::endpoint`) name the
//! same ideas with the same types and variants, so a value is spelled as the
//! runtime value of the same name: `HttpMethod::Get` becomes
//! `rt::HttpMethod::Get`. The match in each impl is exhaustive, so a variant
//! added to the IR fails to compile here until it is listed; a variant the
//! runtime lacks fails to compile in the generated code (`wechat-api`'s own
//! build).

use proc_macro2::TokenStream;
use quote::{ToTokens, quote};

use crate::ir::{
    AnswerKind, BodyKind, ConfigKey, Credential, HttpMethod, ParamLocation, ValueKind,
};

/// `impl ToTokens` spelling each listed variant as `rt::<Type>::<Variant>`.
macro_rules! same_name {
    ($($ty:ident { $($variant:ident),* $(,)? })*) => {$(
        impl ToTokens for $ty {
            fn to_tokens(&self, tokens: &mut TokenStream) {
                let variant = match self {
                    $($ty::$variant => quote!($variant),)*
                };
                tokens.extend(quote!(rt::$ty::#variant));
            }
        }
    )*};
}

same_name! {
    HttpMethod { Get, Post }
    Credential { None, AccessToken, ComponentAccessToken }
    BodyKind { None, Json, Multipart }
    AnswerKind { Json, Media, MediaOrJson }
    ParamLocation { Path, Query, Body, Multipart }
    ConfigKey { AppId, Secret, ComponentAppId, ComponentSecret, MchId }
    ValueKind { String, Bool, Integer, Float, List, Object, Json, JsonString, File }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_spelled_as_the_runtime_value_of_the_same_name() {
        let spelled = |tokens: TokenStream| tokens.to_string().replace(' ', "");
        assert_eq!(
            spelled(HttpMethod::Post.to_token_stream()),
            "rt::HttpMethod::Post"
        );
        assert_eq!(
            spelled(Credential::None.to_token_stream()),
            "rt::Credential::None"
        );
        assert_eq!(
            spelled(ConfigKey::ComponentSecret.to_token_stream()),
            "rt::ConfigKey::ComponentSecret"
        );
        assert_eq!(
            spelled(ValueKind::JsonString.to_token_stream()),
            "rt::ValueKind::JsonString"
        );
    }
}
