//! The library's ready router (`wechat_api::server::CallbackRoutes`) over
//! HTTP, served by `wechat_api::server::serve`: the message URL's GET
//! handshake and method handling, a push answered with an encrypted
//! passive reply (`text/xml`), the authorization start handler passing
//! `auth_type`, `biz_appid` and `mobile` on, and its refusals.

use std::future::IntoFuture as _;
use std::sync::Arc;

use wechat_api::callback::{self, ComponentCallback, MessageCallback, Reply};
use wechat_api::crypto::MsgCrypt;
use wechat_api::server::{CallbackRoutes, ServeOptions, serve};
use wechat_api::token::MemoryStore;
use wechat_sandbox::{Sandbox, SandboxConfig};

struct Served {
    sandbox: Sandbox,
    routes: CallbackRoutes,
    crypt: MsgCrypt,
    http: reqwest::Client,
    _stop: tokio::sync::oneshot::Sender<()>,
}

async fn served() -> Served {
    served_with(|routes| routes).await
}

/// [`served`], with `configure` applied to the routes.
async fn served_with(configure: impl FnOnce(CallbackRoutes) -> CallbackRoutes) -> Served {
    let sandbox = Sandbox::start(
        SandboxConfig::builder()
            .push_interval(None)
            .build()
            .unwrap(),
    )
    .await
    .unwrap();
    let client = sandbox
        .client_builder()
        .unwrap()
        .token_store(Arc::new(MemoryStore::new()))
        .build()
        .unwrap();
    let router = callback::Router::new().message("text", |message, _client| async move {
        let text = message.content().unwrap_or_default().to_owned();
        Ok(Some(Reply::text(format!("you said {text}"))))
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let public = format!("http://{}/", listener.local_addr().unwrap());
    let routes = configure(CallbackRoutes::new(
        ComponentCallback::new(client.clone()).unwrap(),
        MessageCallback::new(client, router).unwrap(),
        public.parse().unwrap(),
    ));
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(
        serve(listener, routes.router(), ServeOptions::default())
            .with_graceful_shutdown(async move {
                let _ = stopped.await;
            })
            .into_future(),
    );
    let c = sandbox.config();
    let crypt = MsgCrypt::new(
        c.component_token(),
        c.component_aes_key(),
        c.component_appid(),
    )
    .unwrap();
    Served {
        routes,
        crypt,
        http: wechat_api_test_support::platform::browser(),
        sandbox,
        _stop: stop,
    }
}

fn now() -> String {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
        .to_string()
}

#[tokio::test]
async fn the_message_url_answers_the_handshake_and_refuses_other_methods() {
    let s = served().await;
    let c = s.sandbox.config();
    let (timestamp, nonce, echostr) = (now(), "4242", "echo-me-123");
    let signature = wechat_api::crypto::plain_signature(c.component_token(), &timestamp, nonce);
    let mut url = s.routes.message_url("wx570bc396a51b8ff8");
    url.query_pairs_mut()
        .append_pair("signature", &signature)
        .append_pair("timestamp", &timestamp)
        .append_pair("nonce", nonce)
        .append_pair("echostr", echostr);
    let answer = s.http.get(url.clone()).send().await.unwrap();
    assert_eq!(answer.status().as_u16(), 200);
    assert_eq!(answer.text().await.unwrap(), echostr);

    // A wrong signature is refused.
    let mut forged = s.routes.message_url("wx570bc396a51b8ff8");
    forged
        .query_pairs_mut()
        .append_pair("signature", &"0".repeat(40))
        .append_pair("timestamp", &timestamp)
        .append_pair("nonce", nonce)
        .append_pair("echostr", echostr);
    assert_eq!(
        s.http.get(forged).send().await.unwrap().status().as_u16(),
        403
    );
    // Neither GET nor POST: 405.
    assert_eq!(s.http.put(url).send().await.unwrap().status().as_u16(), 405);
}

#[tokio::test]
async fn a_pushed_message_gets_an_encrypted_passive_reply() {
    let s = served().await;
    let (timestamp, nonce) = (now(), "777");
    let plaintext = "<xml><ToUserName><![CDATA[gh_merchant]]></ToUserName><FromUserName><![CDATA[oUser1]]></FromUserName><CreateTime>1700000000</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[hi]]></Content><MsgId>1234567890</MsgId></xml>";
    let encrypt = s.crypt.encrypt(plaintext).unwrap();
    let signature = s.crypt.sign(&timestamp, nonce, &encrypt);
    let mut url = s.routes.message_url("wx00000000b0000001");
    url.query_pairs_mut()
        .append_pair("timestamp", &timestamp)
        .append_pair("nonce", nonce)
        .append_pair("encrypt_type", "aes")
        .append_pair("msg_signature", &signature);
    let body = format!(
        "<xml><ToUserName><![CDATA[gh_merchant]]></ToUserName><Encrypt><![CDATA[{encrypt}]]></Encrypt></xml>"
    );
    let answer = s.http.post(url).body(body).send().await.unwrap();
    assert_eq!(answer.status().as_u16(), 200);
    let content_type = answer.headers()["content-type"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(content_type.starts_with("text/xml"), "{content_type}");
    let envelope = answer.text().await.unwrap();
    // `<Name>value</Name>` or `<Name><![CDATA[value]]></Name>`.
    let field = |xml: &str, name: &str| {
        let open = format!("<{name}>");
        let start = xml.find(&open)? + open.len();
        let end = start + xml[start..].find(&format!("</{name}>"))?;
        let value = &xml[start..end];
        Some(
            value
                .strip_prefix("<![CDATA[")
                .and_then(|v| v.strip_suffix("]]>"))
                .unwrap_or(value)
                .to_owned(),
        )
    };
    let encrypt = field(&envelope, "Encrypt").expect("an encrypted reply");
    let msg_signature = field(&envelope, "MsgSignature").expect("a signed reply");
    let reply_ts = field(&envelope, "TimeStamp").expect("a timestamp");
    let reply_nonce = field(&envelope, "Nonce").expect("a nonce");
    let reply = s
        .crypt
        .decrypt_verified(&msg_signature, &reply_ts, &reply_nonce, &encrypt)
        .unwrap();
    assert_eq!(field(&reply, "Content").as_deref(), Some("you said hi"));
    assert_eq!(field(&reply, "ToUserName").as_deref(), Some("oUser1"));
    assert_eq!(
        field(&reply, "FromUserName").as_deref(),
        Some("gh_merchant")
    );
}

#[tokio::test]
async fn the_authorization_start_passes_its_options_on() {
    let s = served().await;
    s.sandbox.set_callback_url(s.routes.events_url());
    s.sandbox.push_verify_ticket().await.unwrap();
    let mut start = s.routes.authorize_url();
    start.set_query(Some("auth_type=1&biz_appid=wx00000000b0000001"));
    let answer = s.http.get(start).send().await.unwrap();
    assert_eq!(answer.status().as_u16(), 302);
    let page = url::Url::parse(answer.headers()["location"].to_str().unwrap()).unwrap();
    let param = |name: &str| {
        page.query_pairs()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.into_owned())
    };
    assert_eq!(page.path(), "/cgi-bin/componentloginpage");
    assert_eq!(param("auth_type").as_deref(), Some("1"));
    assert_eq!(param("biz_appid").as_deref(), Some("wx00000000b0000001"));
    assert_eq!(
        param("redirect_uri").as_deref(),
        Some(s.routes.redirect_uri().as_str())
    );
    assert!(param("pre_auth_code").is_some_and(|c| !c.is_empty()));

    let mut mobile = s.routes.authorize_url();
    mobile.set_query(Some("mobile=1"));
    let answer = s.http.get(mobile).send().await.unwrap();
    let page = answer.headers()["location"].to_str().unwrap().to_owned();
    assert!(page.contains("/safe/bindcomponent"), "{page}");

    let mut bad = s.routes.authorize_url();
    bad.set_query(Some("auth_type=9"));
    assert_eq!(s.http.get(bad).send().await.unwrap().status().as_u16(), 400);
}

#[tokio::test]
async fn the_authorization_redirect_exchanges_a_code_once_and_answers_with_the_hook() {
    use axum::response::{IntoResponse as _, Redirect};
    use wechat_api::api::component::QueryAuthRequest;

    let s = served_with(|routes| {
        routes.on_authorized(|account, client| async move {
            // The hook's client acts for the authorizer, whose tokens are stored.
            assert_eq!(
                client.authorizer_appid(),
                Some(account.authorizer_appid.as_str())
            );
            if client.access_token().await.is_err() {
                return Redirect::to("/failed").into_response();
            }
            Redirect::to(&format!("/welcome/{}", account.authorizer_appid)).into_response()
        })
    })
    .await;
    s.sandbox.set_callback_url(s.routes.events_url());
    s.sandbox.push_verify_ticket().await.unwrap();
    let start = s.http.get(s.routes.authorize_url()).send().await.unwrap();
    assert_eq!(start.status().as_u16(), 302);
    let page = url::Url::parse(start.headers()["location"].to_str().unwrap()).unwrap();
    let back = wechat_api_test_support::platform::follow(&s.http, &page)
        .await
        .unwrap();
    let code = back
        .query_pairs()
        .find(|(k, _)| k == "auth_code")
        .map(|(_, v)| v.into_owned())
        .expect("an auth_code");
    let exchanges = || s.sandbox.request_count("/cgi-bin/component/api_query_auth");
    assert_eq!(exchanges(), 0);
    // The browser loads the redirect twice (a reload): one exchange.
    let mut welcomed = Vec::new();
    for _ in 0..2 {
        let answer = s.http.get(back.clone()).send().await.unwrap();
        assert_eq!(answer.status().as_u16(), 303);
        welcomed.push(answer.headers()["location"].to_str().unwrap().to_owned());
    }
    assert_eq!(exchanges(), 1);
    assert!(welcomed[0].starts_with("/welcome/wx"), "{welcomed:?}");
    assert_eq!(welcomed[0], welcomed[1]);
    // Exchanging it again by hand (as a hook of the `authorized` push might)
    // is refused by WeChat, which makes codes single-use, and stores nothing.
    let again = s
        .routes
        .component()
        .client()
        .component()
        .query_auth(QueryAuthRequest::new(code.as_str()))
        .await;
    assert!(again.is_err(), "{again:?}");
    assert_eq!(exchanges(), 2);
}
