//! The account's message URL over HTTP (`wechat_api::server::AccountRoutes`,
//! served by `wechat_api::server::serve`), pushed to by the sandbox as
//! WeChat pushes (the URL check, every mode, XML and JSON, the reply
//! decrypted on the sandbox's side); hostile requests get a clear status,
//! store nothing and leave no request text in the logs. Also the sandbox's
//! stateful answers an account's program meets: `user/info` for the openid
//! asked, single-use `auth_code`s.

use std::future::IntoFuture as _;
use std::sync::Arc;

use url::Url;
use wechat_api::Client;
use wechat_api::api::component::QueryAuthRequest;
use wechat_api::api::user;
use wechat_api::callback::{MessageCallback, Reply, Router};
use wechat_api::server::{ACCOUNT_PATH, AccountRoutes, RateLimits, ServeOptions, serve};
use wechat_api::token::MemoryStore;
use wechat_api_test_support::platform;
use wechat_api_test_support::recording_store::{Op, RecordingStore};
use wechat_sandbox::{
    AccountUrl, DEFAULT_OPENID, PushFormat, PushMode, Sandbox, SandboxConfig, User, UserMessage,
};

struct Served {
    sandbox: Sandbox,
    url: Url,
    store: Arc<RecordingStore<MemoryStore>>,
    _stop: tokio::sync::oneshot::Sender<()>,
}

/// The sandbox, and the account's routes (with `routes` applied) on a free
/// port: text is echoed, `subscribe` welcomed, a JSON push answered.
async fn served(routes: impl FnOnce(AccountRoutes) -> AccountRoutes) -> Served {
    let config = SandboxConfig::builder()
        .push_interval(None)
        .user(User::new(DEFAULT_OPENID, "Alice").unionid("uAlice"))
        .user(User::new("oBob", "Bob"))
        .build()
        .expect("config");
    let sandbox = Sandbox::start(config).await.expect("sandbox");
    let store = Arc::new(RecordingStore::new(MemoryStore::new()));
    let client = sandbox
        .client_builder_with(sandbox.config().account_config().expect("account config"))
        .expect("builder")
        .token_store(Arc::clone(&store) as _)
        .build()
        .expect("client");
    let router = Router::new()
        .message("text", |message, _client| async move {
            Ok(Some(Reply::text(format!(
                "echo: {}",
                message.content().unwrap_or_default()
            ))))
        })
        .event("subscribe", |_message, _client| async move {
            Ok(Some(Reply::text("welcome")))
        })
        .message("miniprogrampage", |_message, _client| async move {
            Ok(Some(Reply::transfer_customer_service()))
        });
    let messages = MessageCallback::account(client, router).expect("account");
    let routes = routes(AccountRoutes::new(messages).expect("routes"));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let url: Url = format!(
        "http://{}{}",
        listener.local_addr().expect("address"),
        routes.path()
    )
    .parse()
    .expect("URL");
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(
        serve(listener, routes.router(), ServeOptions::default())
            .with_graceful_shutdown(async move {
                let _ = stopped.await;
            })
            .into_future(),
    );
    Served {
        sandbox,
        url,
        store,
        _stop: stop,
    }
}

#[tokio::test]
async fn the_sandbox_pushes_every_mode_and_format_and_reads_the_reply() {
    let served = served(|routes| routes).await;
    assert_eq!(served.url.path(), ACCOUNT_PATH);
    let account = served.sandbox.official_account_url(served.url.clone());
    served
        .sandbox
        .check_account_url(&account)
        .await
        .expect("the URL check passes");
    let now = wechat_api_test_support::callback::now();
    let follow = UserMessage::event(DEFAULT_OPENID, "subscribe");
    for (second, mode) in [PushMode::Plain, PushMode::Compatible, PushMode::Safe]
        .into_iter()
        .enumerate()
    {
        let to = account.clone().mode(mode);
        let text = UserMessage::text(DEFAULT_OPENID, format!("hi in {mode:?}"));
        let reply = served
            .sandbox
            .push_to_account(&to, &text)
            .await
            .expect("pushed");
        assert_eq!(reply.status, 200, "{mode:?}");
        assert_eq!(reply.encrypted, mode != PushMode::Plain, "{mode:?}");
        assert_eq!(reply.content(), Some(format!("echo: hi in {mode:?}")));
        assert_eq!(reply.field("ToUserName").as_deref(), Some(DEFAULT_OPENID));
        assert_eq!(
            reply.field("FromUserName").as_deref(),
            Some(account.original_id())
        );
        // WeChat's retry of the same message: `success`, handled once.
        let retry = served
            .sandbox
            .repeat_push_to_account(&to, &text, reply.msg_id)
            .await
            .expect("pushed");
        assert_eq!((retry.status, retry.body.as_str()), (200, "success"));

        let welcome = served
            .sandbox
            .push_to_account(&to, &follow.clone().create_time(now + second as i64))
            .await
            .expect("pushed");
        assert_eq!(welcome.content().as_deref(), Some("welcome"), "{mode:?}");
    }
    // The same follow again (same user, same second): WeChat's retry.
    let retry = served
        .sandbox
        .push_to_account(&account, &follow.create_time(now))
        .await
        .expect("pushed");
    assert_eq!(retry.body, "success");
    // A mini program configured for JSON, plain and safe.
    for mode in [PushMode::Plain, PushMode::Safe] {
        let to = account.clone().mode(mode).format(PushFormat::Json);
        let reply = served
            .sandbox
            .push_to_account(&to, &UserMessage::text("oBob", "json"))
            .await
            .expect("pushed");
        assert!(reply.body.trim_start().starts_with('{'), "{reply:?}");
        assert_eq!(reply.content().as_deref(), Some("echo: json"), "{mode:?}");
        assert_eq!(reply.encrypted, mode == PushMode::Safe);
        let card = UserMessage::message("oBob", "miniprogrampage")
            .field("Title", "T")
            .field("AppId", "wxapp")
            .field("PagePath", "pages/index")
            .field("ThumbUrl", "https://example.com/t.png")
            .field("ThumbMediaId", "m");
        let reply = served
            .sandbox
            .push_to_account(&to, &card)
            .await
            .expect("pushed");
        assert_eq!(
            reply.field("MsgType").as_deref(),
            Some("transfer_customer_service"),
            "{reply:?}"
        );
        let enter = UserMessage::event("oBob", "user_enter_tempsession").field("SessionFrom", "x");
        let reply = served
            .sandbox
            .push_to_account(&to, &enter)
            .await
            .expect("pushed");
        assert_eq!((reply.status, reply.body.as_str()), (200, "success"));
    }
}

/// Pushes signed with another account's settings are refused at the door.
#[tokio::test]
async fn a_push_with_the_wrong_settings_is_refused_and_stores_nothing() {
    let served = served(|routes| routes).await;
    let config = served.sandbox.config();
    let wrong_token = AccountUrl::new(
        served.url.clone(),
        config.official_appid(),
        "not-the-token",
        config.official_aes_key(),
    );
    let wrong_appid = AccountUrl::new(
        served.url.clone(),
        "wx0000000000000000",
        config.official_token(),
        config.official_aes_key(),
    );
    for mode in [PushMode::Plain, PushMode::Compatible, PushMode::Safe] {
        let answer = served
            .sandbox
            .push_to_account(
                &wrong_token.clone().mode(mode),
                &UserMessage::text("oBob", "x"),
            )
            .await
            .expect("answered");
        assert_eq!(answer.status, 403, "{mode:?}");
    }
    let answer = served
        .sandbox
        .push_to_account(&wrong_appid, &UserMessage::text("oBob", "x"))
        .await
        .expect("answered");
    assert_eq!(answer.status, 403);
    assert!(
        served
            .sandbox
            .check_account_url(&wrong_token)
            .await
            .is_err()
    );
    let taken = served
        .store
        .calls()
        .iter()
        .filter(|call| call.done && (call.op.writes() || call.op == Op::TryLease))
        .count();
    assert_eq!(taken, 0, "nothing stored");
}

/// Hostile requests: a clear status, and no log line quoting them.
#[tokio::test]
async fn hostile_requests_get_clear_statuses_and_no_log_line_quotes_them() {
    // This test's runtime has one thread: every task logs on it.
    let captured = wechat_api_test_support::logs::capture(tracing::Level::DEBUG);
    let served =
        served(|routes| routes.rate_limits(RateLimits::default().callbacks_per_client(None))).await;
    let marker = "wxyz9876QRST";
    let http = reqwest::Client::new();
    let post = |query: String, body: Vec<u8>| {
        let mut url = served.url.clone();
        url.set_query(Some(&query));
        http.post(url).body(body).send()
    };
    let cases: Vec<(String, Vec<u8>, u16)> = vec![
        (
            format!("signature={marker}&timestamp=1&nonce={marker}%0A"),
            b"<xml/>".to_vec(),
            403,
        ),
        (
            format!("timestamp={marker}"),
            format!("<xml><{marker}/></xml>").into_bytes(),
            400,
        ),
        (
            format!("signature=x&timestamp=1&nonce=2&encrypt_type={marker}%1B"),
            b"<xml/>".to_vec(),
            400,
        ),
        (
            format!("msg_signature={marker}&timestamp=1&nonce=2&encrypt_type=aes"),
            format!("<xml><Encrypt>{marker}</Encrypt></xml>").into_bytes(),
            403,
        ),
        (String::new(), vec![0xff, 0xfe, b'<'], 400),
    ];
    for (query, body, status) in cases {
        let answer = post(query.clone(), body).await.expect("answered");
        assert_eq!(answer.status().as_u16(), status, "{query}");
        let text = answer.text().await.expect("a body");
        assert!(
            !text.contains(marker),
            "the answer quotes the request: {text}"
        );
    }
    // A signed push whose message is hostile: handled, nothing quoted.
    let account = served.sandbox.official_account_url(served.url.clone());
    let hostile =
        UserMessage::message(format!("{marker}\n\u{1b}[31m"), format!("{marker}\nforged"));
    let answer = served
        .sandbox
        .push_to_account(&account, &hostile)
        .await
        .expect("answered");
    assert_eq!(answer.status, 200);
    let wrong = served.url.join("/other").expect("URL");
    assert_eq!(
        http.get(wrong)
            .send()
            .await
            .expect("answered")
            .status()
            .as_u16(),
        404
    );
    let log = captured.text();
    assert!(
        log.contains("account message refused"),
        "not vacuous: {log}"
    );
    for line in log.lines() {
        assert!(
            !line.contains(marker),
            "a log line quotes the request: {line}"
        );
        assert!(
            !line.chars().any(|c| c.is_control() && c != '\t'),
            "{line:?}"
        );
    }
}

/// `user/info` answers for the openid asked; an `auth_code` is single-use.
#[tokio::test]
async fn user_info_is_per_openid_and_auth_codes_are_single_use() {
    let served = served(|routes| routes).await;
    let client: Client = served
        .sandbox
        .client_builder()
        .expect("builder")
        .build()
        .expect("client");
    let alice = client
        .user()
        .info(user::InfoRequest::new(DEFAULT_OPENID))
        .await
        .expect("Alice")
        .user;
    assert_eq!(alice.openid, DEFAULT_OPENID);
    assert_eq!(alice.unionid.as_deref(), Some("uAlice"));
    let bob = client
        .user()
        .info(user::InfoRequest::new("oBob"))
        .await
        .expect("Bob")
        .user;
    assert_eq!(bob.openid, "oBob");
    assert_eq!(bob.unionid, None);
    let stranger = client
        .user()
        .info(user::InfoRequest::new("oStranger"))
        .await
        .expect("answered")
        .user;
    assert_eq!(stranger.openid, "oStranger");
}

/// An `auth_code` is single-use, as WeChat's: a second `query_auth` with it
/// fails.
#[tokio::test]
async fn an_auth_code_is_single_use() {
    let sandbox = platform::sandbox_with(SandboxConfig::builder()).await;
    let client = platform::client(&sandbox);
    let server = platform::Platform::serve(client.clone()).await;
    sandbox.set_callback_url(server.events_url());
    sandbox.push_verify_ticket().await.expect("ticket pushed");
    let pre_auth_code = client
        .component()
        .create_preauthcode()
        .await
        .expect("pre_auth_code")
        .pre_auth_code;
    let page = client
        .component_auth_url(pre_auth_code, "http://127.0.0.1:9/cb")
        .expect("page")
        .build()
        .expect("page");
    let back = platform::follow(&platform::browser(), &page)
        .await
        .expect("redirected back");
    let code = platform::query_param(&back, "auth_code").expect("auth_code");
    let component = client.component();
    component
        .query_auth(QueryAuthRequest::new(code.as_str()))
        .await
        .expect("the first exchange");
    let again = component
        .query_auth(QueryAuthRequest::new(code.as_str()))
        .await;
    match again {
        Err(wechat_api::Error::Api { code, .. }) => {
            assert_eq!(code, wechat_api::errcode::INVALID_AUTH_CODE);
        }
        other => panic!("the same code twice: {other:?}"),
    }
    server.shutdown().await;
}
