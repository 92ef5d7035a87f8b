//! Tokens that expire or get replaced behind the client's back: the client
//! refreshes and retries once, and no error reaches the caller. The
//! sandbox's request counters show exactly one extra token fetch.

use std::sync::Arc;
use std::time::{Duration, Instant};

use wechat_api::api::official::{GetTicketRequest, TicketType};
use wechat_api::token::{MemoryStore, TokenManager};
use wechat_sandbox::{DEFAULT_MERCHANT_APPID, SandboxConfig, errcode};

const TOKEN: &str = "/cgi-bin/token";
/// Where the managed basic `access_token` comes from.
const STABLE_TOKEN: &str = "/cgi-bin/stable_token";
const TICKET: &str = "/cgi-bin/ticket/getticket";
const COMPONENT_TOKEN: &str = "/cgi-bin/component/api_component_token";
const PREAUTHCODE: &str = "/cgi-bin/component/api_create_preauthcode";
const AUTHORIZER_TOKEN: &str = "/cgi-bin/component/api_authorizer_token";

use wechat_api_test_support::platform as sandbox_flow;

use sandbox_flow::{authorize_merchant, client, sandbox_with};

#[tokio::test]
async fn an_expired_access_token_is_refreshed_and_the_call_retried_once() {
    let sandbox = sandbox_with(SandboxConfig::builder()).await;
    let client = client(&sandbox);
    let official = client.official();
    official
        .get_ticket(GetTicketRequest::new(TicketType::Jsapi))
        .await
        .unwrap();
    assert_eq!(sandbox.request_count(STABLE_TOKEN), 1);
    assert_eq!(sandbox.request_count(TICKET), 1);

    sandbox.expire_all_tokens();
    let ticket = official
        .get_ticket(GetTicketRequest::new(TicketType::Jsapi))
        .await
        .expect("the client refreshes and retries");
    assert!(!ticket.ticket.is_empty());
    assert_eq!(
        sandbox.request_count(STABLE_TOKEN),
        2,
        "exactly one extra token fetch"
    );
    assert_eq!(
        sandbox.request_count(TICKET),
        3,
        "the rejected call and its retry"
    );

    // The new token is cached again: no more fetches.
    official.clear_quota().await.unwrap();
    assert_eq!(sandbox.request_count(STABLE_TOKEN), 2);
}

#[tokio::test]
async fn expired_component_and_authorizer_tokens_are_refreshed_transparently() {
    let sandbox = sandbox_with(SandboxConfig::builder()).await;
    let client = client(&sandbox);
    let _server = authorize_merchant(&sandbox, &client).await;
    let authorizer = client.authorizer(DEFAULT_MERCHANT_APPID);
    authorizer.official().clear_quota().await.unwrap();
    assert_eq!(sandbox.request_count(COMPONENT_TOKEN), 1);
    assert_eq!(
        sandbox.request_count(AUTHORIZER_TOKEN),
        0,
        "query_auth cached it"
    );

    sandbox.expire_all_tokens();
    sandbox.reset_request_counts();
    client.component().create_preauthcode().await.unwrap();
    assert_eq!(sandbox.request_count(COMPONENT_TOKEN), 1);
    assert_eq!(sandbox.request_count(PREAUTHCODE), 2);
    authorizer
        .official()
        .get_ticket(GetTicketRequest::new(TicketType::Jsapi))
        .await
        .unwrap();
    assert_eq!(sandbox.request_count(AUTHORIZER_TOKEN), 1);
    assert_eq!(sandbox.request_count(TICKET), 2);
    assert_eq!(
        sandbox.request_count(STABLE_TOKEN),
        0,
        "the account's own token is not involved"
    );
}

#[tokio::test]
async fn short_lived_tokens_are_fetched_again_when_they_expire() {
    // Long enough for two calls on a loaded machine before it runs out.
    let ttl = Duration::from_secs(2);
    let sandbox = sandbox_with(SandboxConfig::builder().token_ttl(ttl)).await;
    let manager = TokenManager::builder(Arc::new(MemoryStore::new()))
        .safety_margin(Duration::ZERO)
        .build();
    let client = sandbox
        .client_builder()
        .unwrap()
        .token_manager(manager)
        .build()
        .unwrap();
    let answer = client.official().token().await.unwrap();
    assert_eq!(answer.expires_in, 2);
    sandbox.reset_request_counts();

    let first = client.access_token().await.unwrap();
    // Issued (and received) before this instant.
    let fetched = Instant::now();
    assert_eq!(client.access_token().await.unwrap(), first);
    client.official().clear_quota().await.unwrap();
    assert_eq!(sandbox.request_count(STABLE_TOKEN), 1);

    // Expired for the sandbox and for the client from here on.
    tokio::time::sleep_until((fetched + ttl).into()).await;
    client
        .official()
        .clear_quota()
        .await
        .expect("no error reaches the caller");
    assert_eq!(
        sandbox.request_count(STABLE_TOKEN),
        2,
        "exactly one extra token fetch"
    );
    assert_eq!(sandbox.request_count("/cgi-bin/clear_quota"), 2);
}

#[tokio::test]
async fn a_replaced_token_stops_working_after_the_overlap() {
    let sandbox = sandbox_with(SandboxConfig::builder().token_overlap(Duration::ZERO)).await;
    let client = client(&sandbox);
    let old = client.official().token().await.unwrap().access_token;
    let new = client.official().token().await.unwrap().access_token;
    let e = client
        .official()
        .with_token(&old)
        .clear_quota()
        .await
        .unwrap_err();
    assert_eq!(e.api_code(), Some(errcode::INVALID_CREDENTIAL), "{e}");
    client
        .official()
        .with_token(&new)
        .clear_quota()
        .await
        .unwrap();
    // An explicit token is never refreshed or retried.
    assert_eq!(sandbox.request_count(TOKEN), 2);
    let e = client
        .official()
        .with_token("not-a-token")
        .clear_quota()
        .await
        .unwrap_err();
    assert_eq!(e.api_code(), Some(errcode::INVALID_CREDENTIAL));
    assert_eq!(sandbox.request_count("/cgi-bin/clear_quota"), 3);
}

#[tokio::test]
async fn with_the_default_overlap_the_previous_token_keeps_working() {
    let sandbox = sandbox_with(SandboxConfig::builder()).await;
    let client = client(&sandbox);
    let old = client.official().token().await.unwrap().access_token;
    client.official().token().await.unwrap();
    client
        .official()
        .with_token(&old)
        .clear_quota()
        .await
        .unwrap();
}
