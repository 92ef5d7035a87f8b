//! The token policy against the sandbox, end to end: two deployments that
//! do not share a token store stop invalidating each other with the stable
//! token (and do with `cgi-bin/token`), a rejected token is replaced with a
//! forced refresh, and a missing verify ticket makes WeChat push one to the
//! callback, after which the platform works.

use wechat_api_test_support::platform as sandbox_flow;

use std::sync::Arc;
use std::time::{Duration, Instant};

use sandbox_flow::sandbox_with;
use wechat_api::token::MemoryStore;
use wechat_api::{AccessTokenEndpoint, Client, Error};
use wechat_api_test_support::platform::Platform;
use wechat_sandbox::{Fault, Sandbox, SandboxConfig};

const TOKEN: &str = "/cgi-bin/token";
const STABLE_TOKEN: &str = "/cgi-bin/stable_token";
const CLEAR_QUOTA: &str = "/cgi-bin/clear_quota";
const START_PUSH_TICKET: &str = "/cgi-bin/component/api_start_push_ticket";

/// A deployment: a client with a token store of its own.
fn deployment(sandbox: &Sandbox, endpoint: AccessTokenEndpoint) -> Client {
    let config = wechat_api::Config::builder()
        .appid(sandbox.config().official_appid())
        .secret(sandbox.config().official_secret())
        .access_token_endpoint(endpoint)
        .build()
        .unwrap();
    sandbox
        .client_builder_with(config)
        .unwrap()
        .token_store(Arc::new(MemoryStore::new()))
        .build()
        .unwrap()
}

/// A sandbox where a replaced token stops working at once.
async fn strict_sandbox() -> Sandbox {
    sandbox_with(SandboxConfig::builder().token_overlap(Duration::ZERO)).await
}

#[tokio::test]
async fn two_deployments_without_a_shared_store_do_not_knock_each_other_out() {
    let sandbox = strict_sandbox().await;
    let one = deployment(&sandbox, AccessTokenEndpoint::StableToken);
    let two = deployment(&sandbox, AccessTokenEndpoint::StableToken);
    one.official().clear_quota().await.unwrap();
    two.official().clear_quota().await.unwrap();
    one.official().clear_quota().await.unwrap();
    // One token fetch per deployment, the same token, and no call rejected.
    assert_eq!(sandbox.request_count(STABLE_TOKEN), 2);
    assert_eq!(sandbox.request_count(CLEAR_QUOTA), 3, "nothing retried");
    assert_eq!(
        one.access_token().await.unwrap(),
        two.access_token().await.unwrap()
    );
    assert_eq!(sandbox.request_count(TOKEN), 0);
}

#[tokio::test]
async fn with_cgi_bin_token_two_deployments_without_a_shared_store_do() {
    let sandbox = strict_sandbox().await;
    let one = deployment(&sandbox, AccessTokenEndpoint::Token);
    let two = deployment(&sandbox, AccessTokenEndpoint::Token);
    one.official().clear_quota().await.unwrap();
    two.official().clear_quota().await.unwrap();
    // Two's fetch retired one's token: one's next call is rejected (40001),
    // refreshed and retried.
    one.official().clear_quota().await.unwrap();
    assert_eq!(sandbox.request_count(TOKEN), 3);
    assert_eq!(sandbox.request_count(CLEAR_QUOTA), 4, "one call retried");
    assert_eq!(sandbox.request_count(STABLE_TOKEN), 0);
}

#[tokio::test]
async fn a_rejected_stable_token_is_replaced_by_a_forced_refresh() {
    let sandbox = strict_sandbox().await;
    let client = deployment(&sandbox, AccessTokenEndpoint::StableToken);
    let first = client.access_token().await.unwrap();
    // WeChat rejects the (still live) token once: without force_refresh the
    // sandbox, like WeChat, would hand the same token out again.
    sandbox.inject(Fault::errcode(40001).on(CLEAR_QUOTA));
    client.official().clear_quota().await.unwrap();
    let second = client.access_token().await.unwrap();
    assert_ne!(first, second, "a new token");
    assert_eq!(sandbox.request_count(STABLE_TOKEN), 2);
    assert_eq!(sandbox.request_count(CLEAR_QUOTA), 2);
    // The forced refresh retired the old token (no overlap here).
    let e = client
        .official()
        .with_token(&first)
        .clear_quota()
        .await
        .unwrap_err();
    assert_eq!(e.api_code(), Some(40001), "{e}");
}

#[tokio::test]
async fn a_missing_verify_ticket_is_pushed_on_request_and_the_platform_then_works() {
    let sandbox = sandbox_with(SandboxConfig::builder()).await;
    let client = sandbox_flow::client(&sandbox);
    let server = Platform::serve(client.clone()).await;
    sandbox.set_callback_url(server.events_url());
    let component_appid = sandbox.config().component_appid().to_owned();

    let error = client.component().create_preauthcode().await.unwrap_err();
    assert!(
        matches!(
            &error,
            Error::TicketMissing {
                push_requested: true,
                ..
            }
        ),
        "{error:?}"
    );
    assert_eq!(sandbox.request_count(START_PUSH_TICKET), 1);

    // The sandbox pushes a ticket to the callback, which stores it. The
    // deadline is generous: in the one test binary this may run beside the
    // tests that build crates (new_endpoint, trybuild) on a loaded machine.
    let deadline = Instant::now() + Duration::from_secs(60);
    // (the sandbox records the ticket as current once the push was
    // answered, just after the callback stored it: wait for both)
    while client
        .tokens()
        .verify_ticket(&component_appid)
        .await
        .is_err()
        || sandbox.verify_ticket().is_none()
    {
        assert!(Instant::now() < deadline, "no ticket was pushed");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(
        client.tokens().verify_ticket(&component_appid).await.ok(),
        sandbox.verify_ticket(),
        "the pushed ticket is the current one"
    );
    client
        .component()
        .create_preauthcode()
        .await
        .expect("the platform works with the pushed ticket");
    assert_eq!(sandbox.request_count(START_PUSH_TICKET), 1);
}
