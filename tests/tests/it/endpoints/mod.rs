mod authorize_urls;
mod managed_tokens;
mod new_endpoint;
mod seed;
mod spec;
