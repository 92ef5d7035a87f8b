//! Shared sandbox set-up for the integration tests: a sandbox without
//! scheduled pushes, a client on it, and a merchant authorized the way a
//! browser would (authorization page → redirect → `query_auth`).
#![allow(dead_code)]

use std::sync::Arc;

use wechat_api::Client;
use wechat_api::api::component::QueryAuthRequest;
use wechat_api::token::MemoryStore;
use wechat_api_examples::callback::CallbackServer;
use wechat_sandbox::{Sandbox, SandboxConfigBuilder};

/// A sandbox built from `config`, without scheduled pushes (tests push on demand).
pub async fn sandbox_with(config: SandboxConfigBuilder) -> Sandbox {
    Sandbox::start(config.push_interval(None).build().expect("sandbox config"))
        .await
        .expect("sandbox starts")
}

/// A client on the sandbox with an in-memory token store of its own.
pub fn client(sandbox: &Sandbox) -> Client {
    sandbox
        .client_builder()
        .expect("builder")
        .token_store(Arc::new(MemoryStore::new()))
        .build()
        .expect("client")
}

/// Pushes a verify ticket to a callback server for `client`, then lets the
/// sandbox's merchant authorize and exchanges the code. Keep the returned
/// server alive as long as the sandbox may push.
pub async fn authorize_merchant(sandbox: &Sandbox, client: &Client) -> CallbackServer {
    let server = CallbackServer::start(([127, 0, 0, 1], 0).into(), client.clone())
        .await
        .expect("callback server starts");
    sandbox.set_callback_url(server.events_url());
    sandbox.push_verify_ticket().await.expect("ticket pushed");
    authorize(client, None).await;
    server
}

/// The merchant `biz_appid` (else the sandbox's selected one) authorizes
/// the platform on the authorization page, as a browser would; the code is
/// exchanged with `query_auth`, which stores the authorizer's tokens. The
/// platform must have its verify ticket.
pub async fn authorize(client: &Client, biz_appid: Option<&str>) {
    let code = client
        .component()
        .create_preauthcode()
        .await
        .expect("pre_auth_code")
        .pre_auth_code;
    let mut page = client
        .component_auth_url(code, "http://127.0.0.1:9/cb")
        .expect("authorization page");
    if let Some(appid) = biz_appid {
        page = page.biz_appid(appid);
    }
    let page = page.build().expect("authorization page");
    let browser = wechat_api_examples::quickstart::browser().expect("browser");
    let back = wechat_api_examples::quickstart::follow(&browser, &page, "page")
        .await
        .expect("the page redirects back");
    let auth_code = back
        .query_pairs()
        .find(|(k, _)| k == "auth_code")
        .map(|(_, v)| v.into_owned())
        .expect("auth_code in the redirect");
    client
        .component()
        .query_auth(QueryAuthRequest::new(auth_code))
        .await
        .expect("query_auth");
}
