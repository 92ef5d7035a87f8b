mod authorize_urls;
mod conveniences;
mod managed_tokens;
mod new_endpoint;
mod seed;
mod spec;
