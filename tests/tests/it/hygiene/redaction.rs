//! No secret in any error, `Debug` output or log line, whatever upstream
//! sends: the configured secrets (AppSecrets, message tokens,
//! EncodingAESKeys), the tokens the client holds or sent, and the secrets
//! the request carried, planted in every shape an echo of the request takes
//! (JSON, query string, form, URL-encoded once or twice, HTML, XML, plain
//! text), at the start, middle and end of the body and across the snippet's
//! cut, through every error variant that quotes upstream text; then as a
//! property, with random secrets, bodies, positions and statuses. WeChat
//! Pay: no key, APIv3 key or decrypted data in `Debug`, errors or logs.

use wechat_api_test_support::transport as support;

use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use proptest::prelude::*;
use serde_json::json;
use wechat_api::__private::{Auth, Call, send};
use wechat_api::endpoint::{AnswerKind, BodyKind, Credential, Endpoint, HttpMethod};
use wechat_api::token::TokenKey;
use wechat_api::{Client, Config, Error};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

const APPID: &str = "wx_app";
const COMPONENT_APPID: &str = "wx_component";
const AUTHORIZER: &str = "wx_merchant_0001";

/// Every secret the client of these tests knows, by what it is.
#[derive(Debug)]
struct Secrets {
    app_secret: String,
    component_secret: String,
    message_token: String,
    aes_key: String,
    component_message_token: String,
    component_aes_key: String,
    access_token: String,
    component_access_token: String,
    authorizer_token: String,
    /// Sent in the body, under `component_verify_ticket`.
    ticket: String,
    /// Sent in the query, under `code`.
    oauth_code: String,
}

impl Secrets {
    fn fixed() -> Self {
        Self {
            app_secret: "AppSecret0a1b2c3d4e5f60718293a4b5c6d7".into(),
            component_secret: "CompSecret9f8e7d6c5b4a39281706f5e4d3c2".into(),
            message_token: "MsgToken_QWERTY_0042".into(),
            aes_key: "AESKEYabcdefghijklmnopqrstuvwxyz0123456789A".into(),
            component_message_token: "CompMsgToken_ASDFGH_0077".into(),
            component_aes_key: "CAESKEYbcdefghijklmnopqrstuvwxyz0123456789Z".into(),
            access_token: "80_AccessToken-xyz*ABC@def.GHI~jkl".into(),
            component_access_token: "81_ComponentToken-uvw*XYZ@abc".into(),
            authorizer_token: "82_AuthorizerToken-rst*UVW@mno".into(),
            ticket: "ticket@@@VerifyTicket-lmn/opq+rst==".into(),
            oauth_code: "061OauthCodeValue-0zZ9yY8x".into(),
        }
    }

    /// The secrets a call provoking `variant` knows: the media call sends
    /// no ticket and no code.
    fn known_to(&self, variant: Variant) -> Vec<&str> {
        let all = self.all();
        match variant {
            Variant::MediaApi => all[..9].to_vec(),
            _ => all.to_vec(),
        }
    }

    fn all(&self) -> [&str; 11] {
        [
            &self.app_secret,
            &self.component_secret,
            &self.message_token,
            &self.aes_key,
            &self.component_message_token,
            &self.component_aes_key,
            &self.access_token,
            &self.component_access_token,
            &self.authorizer_token,
            &self.ticket,
            &self.oauth_code,
        ]
    }
}

/// Answers whatever the test set last.
#[derive(Clone)]
struct Scripted(Arc<Mutex<ResponseTemplate>>);

impl Scripted {
    fn set(&self, answer: ResponseTemplate) {
        *self.0.lock().unwrap_or_else(PoisonError::into_inner) = answer;
    }
}

impl Respond for Scripted {
    fn respond(&self, _: &Request) -> ResponseTemplate {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }
}

async fn scripted_server() -> (MockServer, Scripted) {
    let server = MockServer::start().await;
    let scripted = Scripted(Arc::new(Mutex::new(ResponseTemplate::new(500))));
    Mock::given(wiremock::matchers::any())
        .respond_with(scripted.clone())
        .mount(&server)
        .await;
    (server, scripted)
}

/// One reqwest client for every test client (building TLS per client is
/// slow and beside the point).
fn http() -> reqwest::Client {
    static HTTP: std::sync::OnceLock<reqwest::Client> = std::sync::OnceLock::new();
    HTTP.get_or_init(|| {
        let _ = rustls::crypto::ring::default_provider().install_default();
        reqwest::Client::new()
    })
    .clone()
}

async fn client(server: &MockServer, s: &Secrets) -> Client {
    let config = Config::builder()
        .appid(APPID)
        .secret(&s.app_secret)
        .token(&s.message_token)
        .encoding_aes_key(&s.aes_key)
        .component_appid(COMPONENT_APPID)
        .component_secret(&s.component_secret)
        .component_token(&s.component_message_token)
        .component_encoding_aes_key(&s.component_aes_key)
        .build()
        .expect("config");
    let client = Client::builder(config)
        .base_url_for_all(&server.uri())
        .expect("base url")
        .http_client(http())
        .build()
        .expect("client");
    let hour = Some(Duration::from_secs(3600));
    let tokens = client.tokens();
    for (key, value) in [
        (TokenKey::access_token(APPID), &s.access_token),
        (
            TokenKey::component_access_token(COMPONENT_APPID),
            &s.component_access_token,
        ),
        (
            TokenKey::authorizer_access_token(COMPONENT_APPID, AUTHORIZER),
            &s.authorizer_token,
        ),
    ] {
        tokens.set(&key, value, hour).await.expect("cached");
    }
    client
}

static JSON_CALL: Endpoint = support::endpoint(
    "echoing_call",
    HttpMethod::Post,
    "/cgi-bin/echo",
    Credential::AccessToken,
    BodyKind::Json,
    AnswerKind::Json,
);

static MEDIA_CALL: Endpoint = support::endpoint(
    "echoing_media",
    HttpMethod::Get,
    "/cgi-bin/echo_media",
    Credential::ComponentAccessToken,
    BodyKind::None,
    AnswerKind::Media,
);

/// A call carrying secrets of its own: a ticket in the body, a code in the
/// query.
async fn json_call(client: &Client, s: &Secrets) -> wechat_api::Result<Expected> {
    let call = Call::new(&JSON_CALL, Auth::Managed)
        .query(&[("code", s.oauth_code.as_str())])?
        .json(&json!({"component_verify_ticket": s.ticket, "appid": APPID}))?;
    send(client, call).await?.json()
}

async fn media_call(client: &Client) -> wechat_api::Result<wechat_api::media::Media> {
    send(client, Call::new(&MEDIA_CALL, Auth::Managed))
        .await?
        .media()
}

/// What the JSON call expects: a number where the echo has text.
#[derive(Debug, serde::Deserialize)]
#[allow(dead_code)]
struct Expected {
    expires_in: u32,
}

/// How an error variant is provoked from upstream text.
#[derive(Debug, Clone, Copy)]
enum Variant {
    /// A non-2xx status with the text as body.
    Status(u16),
    /// A 200 HTML page on a JSON endpoint.
    DecodeInSend,
    /// A 200 JSON answer with the text in a field, not matching the type.
    DecodeInJson,
    /// A non-zero errcode with the text as errmsg.
    Api,
    /// A media endpoint answering a JSON error with the text as errmsg.
    MediaApi,
}

const VARIANTS: [Variant; 6] = [
    Variant::Status(502),
    Variant::Status(403),
    Variant::DecodeInSend,
    Variant::DecodeInJson,
    Variant::Api,
    Variant::MediaApi,
];

fn answer(variant: Variant, text: &str) -> ResponseTemplate {
    match variant {
        Variant::Status(status) => {
            ResponseTemplate::new(status).set_body_raw(text.to_owned(), "text/plain")
        }
        Variant::DecodeInSend => {
            ResponseTemplate::new(200).set_body_raw(text.to_owned(), "text/html")
        }
        Variant::DecodeInJson => ResponseTemplate::new(200).set_body_raw(
            json!({"errcode": 0, "echo": text, "expires_in": text}).to_string(),
            "application/json",
        ),
        Variant::Api | Variant::MediaApi => ResponseTemplate::new(200).set_body_raw(
            json!({"errcode": 40013, "errmsg": text}).to_string(),
            "text/plain",
        ),
    }
}

async fn provoke(client: &Client, s: &Secrets, variant: Variant) -> Error {
    let result = match variant {
        Variant::MediaApi => media_call(client).await.map(drop),
        _ => json_call(client, s).await.map(drop),
    };
    let e = result.expect_err("upstream failed");
    let expected = match variant {
        Variant::Status(_) => matches!(e, Error::Status { .. }),
        Variant::DecodeInSend | Variant::DecodeInJson => matches!(e, Error::Decode { .. }),
        Variant::Api | Variant::MediaApi => matches!(e, Error::Api { code: 40013, .. }),
    };
    assert!(expected, "{variant:?} gave {e:?}");
    e
}

#[track_caller]
fn assert_no_secret(e: &Error, s: &Secrets, context: &str) {
    let shown = format!("{e}\n{e:?}");
    for secret in s.all() {
        // a secret the call does not know may show if planted; the tests
        // plant only known ones
        assert!(
            !shown.contains(secret),
            "{secret} leaked ({context}):\n{shown}"
        );
        // nor its start, where the snippet's cut splits it
        assert!(
            !shown.contains(&secret[..8]),
            "the start of {secret} leaked ({context}):\n{shown}"
        );
    }
}

fn pct(value: &str) -> String {
    url::form_urlencoded::byte_serialize(value.as_bytes()).collect()
}

/// The shapes an echo of the request takes, with the secret `v` planted.
fn shapes(v: &str) -> Vec<(&'static str, String)> {
    vec![
        (
            "json pair",
            format!(r#"{{"status":-1,"access_token":"{v}","openid":"o1"}}"#),
        ),
        (
            "json echo of the request",
            format!(
                r#"{{"request":"GET /cgi-bin/token?grant_type=client_credential&appid=wx1&secret={v}"}}"#
            ),
        ),
        (
            "query string in plain text",
            format!("upstream error for /cgi-bin/ticket/getticket?access_token={v}"),
        ),
        (
            "form",
            format!("appid=wx1&component_verify_ticket={v}&component_appid=wx2"),
        ),
        (
            "URL-encoded in a URL",
            format!(
                "redirect_uri=https%3A%2F%2Fexample.com%2Fcb%3Fauthorizer_refresh_token%3D{}%26x%3D1",
                pct(v)
            ),
        ),
        (
            "URL-encoded twice",
            format!("u=x%253Fcode%253D{}", pct(&pct(v))),
        ),
        (
            "HTML",
            format!(
                "<html><body><h1>502</h1><p>GET /cgi-bin/token?appid=wx1&amp;secret={v}</p></body></html>"
            ),
        ),
        (
            "XML",
            format!("<xml><ComponentVerifyTicket><![CDATA[{v}]]></ComponentVerifyTicket></xml>"),
        ),
        ("plain text, no key", format!("the value {v} was refused")),
        ("JSON under a neutral key", format!(r#"{{"echo":"{v}"}}"#)),
        ("percent-encoded, neutral key", format!("x={}&y=2", pct(v))),
        (
            "HTML entities",
            format!("<p>{}</p>", v.replace('@', "&#64;").replace('/', "&#x2F;")),
        ),
        (
            "JSON escapes",
            format!(
                r#"{{"echo":"{}"}}"#,
                v.replace('@', "\\u0040").replace('/', "\\/")
            ),
        ),
    ]
}

/// `shape` at the start, in the middle, at the end of a longer body, and
/// placed so that the snippet's cut (200 characters) falls inside it.
fn placed(shape: &str) -> Vec<(&'static str, String)> {
    let filler = |n: usize| "lorem ipsum ".repeat(n / 12 + 1)[..n].to_owned();
    let cut_at = 195usize.saturating_sub(shape.len().saturating_sub(20));
    vec![
        ("start", format!("{shape} {}", filler(300))),
        ("middle", format!("{} {shape} {}", filler(60), filler(200))),
        ("end", format!("{} {shape}", filler(120))),
        (
            "across the cut",
            format!("{}{shape}{}", filler(cut_at), filler(50)),
        ),
    ]
}

#[tokio::test]
async fn planted_secrets_never_reach_an_error() {
    let (server, scripted) = scripted_server().await;
    let s = Secrets::fixed();
    let client = client(&server, &s).await;
    let mut checked = 0;
    for (i, secret) in s.all().into_iter().cycle().take(40).enumerate() {
        for (shape_name, shape) in shapes(secret) {
            for (position, body) in placed(&shape) {
                let mut variant = VARIANTS[(i + checked) % VARIANTS.len()];
                if !s.known_to(variant).contains(&secret) {
                    variant = Variant::Api;
                }
                scripted.set(answer(variant, &body));
                let e = provoke(&client, &s, variant).await;
                assert_no_secret(&e, &s, &format!("{shape_name}, {position}, {variant:?}"));
                checked += 1;
            }
        }
    }
    assert_eq!(checked, 40 * 13 * 4);
}

#[tokio::test]
async fn every_variant_with_every_shape() {
    let (server, scripted) = scripted_server().await;
    let s = Secrets::fixed();
    let client = client(&server, &s).await;
    for variant in VARIANTS {
        for (shape_name, shape) in shapes(&s.app_secret) {
            scripted.set(answer(variant, &shape));
            let e = provoke(&client, &s, variant).await;
            assert_no_secret(&e, &s, &format!("{shape_name}, {variant:?}"));
        }
    }
}

#[tokio::test]
async fn what_is_not_secret_is_still_shown() {
    let (server, scripted) = scripted_server().await;
    let s = Secrets::fixed();
    let client = client(&server, &s).await;
    scripted.set(answer(
        Variant::Status(502),
        &format!(
            "<html>502 Bad Gateway for /cgi-bin/echo?access_token={}&appid=wx1</html>",
            s.access_token
        ),
    ));
    let e = provoke(&client, &s, Variant::Status(502)).await;
    let shown = e.to_string();
    assert!(
        shown.contains("502 Bad Gateway for /cgi-bin/echo?access_token=[redacted]&appid=wx1"),
        "{shown}"
    );
    scripted.set(answer(
        Variant::Api,
        "invalid appid hint: [AbC123] rid: 64f0-1a2b",
    ));
    let e = provoke(&client, &s, Variant::Api).await;
    assert!(
        e.to_string()
            .contains("invalid appid hint: [AbC123] rid: 64f0-1a2b")
    );
}

#[tokio::test]
async fn an_authorizer_refresh_failure_hides_the_refresh_token() {
    let (server, scripted) = scripted_server().await;
    let s = Secrets::fixed();
    let client = client(&server, &s).await;
    let refresh_token = "REFRESH_TOKEN_of_the_merchant_42";
    client
        .tokens()
        .store_refresh_token(COMPONENT_APPID, "wx_other_merchant", refresh_token)
        .await
        .expect("stored");
    // the refresh call echoes its request: the component token in the query,
    // the refresh token in the body
    scripted.set(ResponseTemplate::new(500).set_body_raw(
        format!(
            r#"{{"echo":"POST /cgi-bin/component/api_authorizer_token?component_access_token={}","body":{{"authorizer_refresh_token":"{refresh_token}"}}}}"#,
            s.component_access_token
        ),
        "application/json",
    ));
    let e = client
        .authorizer("wx_other_merchant")
        .raw(HttpMethod::Post, "/cgi-bin/anything")
        .send::<serde_json::Value>()
        .await
        .expect_err("the refresh fails");
    assert!(matches!(e, Error::AuthorizerRefresh { .. }), "{e:?}");
    let shown = format!("{e}\n{e:?}");
    assert!(!shown.contains(refresh_token), "{shown}");
    assert_no_secret(&e, &s, "authorizer refresh");
}

/// A `MakeWriter` collecting everything logged.

#[tokio::test]
async fn log_lines_hold_no_secret() {
    let captured = wechat_api_test_support::logs::capture(tracing::Level::TRACE);

    let (server, scripted) = scripted_server().await;
    let s = Secrets::fixed();
    let client = client(&server, &s).await;
    // an expired token (its refresh echoes it), then errors echoing a secret
    scripted.set(
        ResponseTemplate::new(200)
            .set_body_json(json!({"errcode": 40001, "errmsg": s.access_token})),
    );
    let _ = json_call(&client, &s).await;
    for variant in VARIANTS {
        let (_, shape) = &shapes(&s.component_secret)[1];
        scripted.set(answer(variant, shape));
        let e = provoke(&client, &s, variant).await;
        tracing::warn!(error = %e, debug = ?e, "the application logs the error");
    }
    let logs = captured.text();
    assert!(logs.contains("the application logs the error"), "{logs}");
    assert!(
        logs.contains("token rejected; refreshing and retrying once"),
        "{logs}"
    );
    for secret in s.all() {
        assert!(!logs.contains(secret), "{secret} in the logs:\n{logs}");
    }
}

/// Characters secrets are made of: tokens use `-_*@.~`, tickets `@/+=`.
fn secret() -> impl Strategy<Value = String> {
    "[A-Za-z0-9][A-Za-z0-9_@*.~/+=-]{11,47}"
}

/// Upstream text without the secrets: letters, punctuation, non-ASCII.
fn filler() -> impl Strategy<Value = String> {
    "[a-z0-9 <>/&=?%:;,.\"'{}\\[\\]é中\\n]{0,300}"
}

#[derive(Debug, Clone)]
struct Plant {
    /// Which secret (index into `Secrets::all`).
    which: usize,
    /// How it is written: 0 as is, 1 URL-encoded, 2 twice, 3 behind a key,
    /// 4 JSON-escaped.
    encoding: u8,
    /// Where in the filler, as a fraction of its length.
    at: f64,
}

fn plant() -> impl Strategy<Value = Plant> {
    (0usize..11, 0u8..5, 0.0f64..=1.0).prop_map(|(which, encoding, at)| Plant {
        which,
        encoding,
        at,
    })
}

fn plant_into(body: &mut String, secret: &str, plant: &Plant) {
    let text = match plant.encoding {
        0 => secret.to_owned(),
        1 => pct(secret),
        2 => pct(&pct(secret)),
        3 => format!("&refresh_token={secret}"),
        _ => format!(
            "{{\"echo\":\"{}\"}}",
            secret
                .replace('/', "\\/")
                .replace('@', "\\u0040")
                .replace('+', "\\u002B")
        ),
    };
    let mut at = ((body.len() as f64) * plant.at) as usize;
    while !body.is_char_boundary(at) {
        at -= 1;
    }
    body.insert_str(at, &text);
}

fn random_secrets() -> impl Strategy<Value = Secrets> {
    (
        proptest::collection::vec(secret(), 9),
        "[A-Za-z0-9]{43}",
        "[A-Za-z0-9]{43}",
    )
        .prop_map(|(v, aes_key, component_aes_key)| Secrets {
            app_secret: v[0].clone(),
            component_secret: v[1].clone(),
            message_token: v[2].clone(),
            aes_key,
            component_message_token: v[3].clone(),
            component_aes_key,
            access_token: v[4].clone(),
            component_access_token: v[5].clone(),
            authorizer_token: v[6].clone(),
            ticket: v[7].clone(),
            oauth_code: v[8].clone(),
        })
}

fn variant() -> impl Strategy<Value = Variant> {
    prop_oneof![
        prop::sample::select(vec![400u16, 403, 404, 429, 500, 502, 503, 504])
            .prop_map(Variant::Status),
        Just(Variant::DecodeInSend),
        Just(Variant::DecodeInJson),
        Just(Variant::Api),
        Just(Variant::MediaApi),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 192, ..ProptestConfig::default() })]

    #[test]
    fn random_secrets_planted_anywhere_never_appear(
        secrets in random_secrets(),
        filler in filler(),
        plants in proptest::collection::vec(plant(), 1..4),
        variant in variant(),
    ) {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        runtime.block_on(async {
            let (server, scripted) = scripted_server().await;
            let client = client(&server, &secrets).await;
            let known = secrets.known_to(variant);
            let mut body = filler;
            for plant in &plants {
                plant_into(&mut body, known[plant.which % known.len()], plant);
            }
            scripted.set(answer(variant, &body));
            let e = provoke(&client, &secrets, variant).await;
            let shown = format!("{e}\n{e:?}");
            for secret in secrets.all() {
                prop_assert!(!shown.contains(secret), "{} leaked:\n{}", secret, shown);
            }
            Ok(())
        })?;
    }
}

/// WeChat Pay: the merchant private key, the APIv3 key, the plaintext of
/// sensitive fields and the decrypted notification resource appear in no
/// `Debug` output (of the configuration, its builder, the client, its
/// signer and verifier, the notification handler and route, the
/// notification, its transaction and refund, a decrypted field), no error
/// and no log line, through a notification handled and one refused.
#[tokio::test]
async fn pay_secrets_and_decrypted_data_never_show() {
    use crate::pay::kat;
    use wechat_api::pay::{PayConfig, PayEvent, PayNotifyHandler};
    use wechat_api::server::PayNotifyRoutes;
    use wechat_api::token::MemoryStore;

    let captured = wechat_api_test_support::logs::capture(tracing::Level::TRACE);

    // What must never show: the key's base64 lines, the APIv3 key, and
    // the personal data the ciphertexts hold (the payer's openid, the
    // refund's account; the RSA-OAEP field's plaintext below). The
    // merchant's own values (`out_trade_no`, `attach`…) may show.
    let key_lines: Vec<&str> = kat::MERCHANT_KEY
        .lines()
        .filter(|l| !l.starts_with("-----"))
        .collect();
    let decrypted = ["oUpF8uMuAJO_M2pxb1Q9zNjWeS6o", "招商银行信用卡0403"];
    let check = |what: &str, text: &str| {
        assert!(
            !text.contains(kat::APIV3_KEY),
            "the APIv3 key in {what}: {text}"
        );
        for line in &key_lines {
            assert!(!text.contains(line), "the private key in {what}: {text}");
        }
        for plain in decrypted {
            assert!(!text.contains(plain), "`{plain}` in {what}: {text}");
        }
    };

    let builder = PayConfig::builder()
        .mchid("1230000109")
        .merchant_serial(kat::MERCHANT_SERIAL)
        .private_key_pem(kat::MERCHANT_KEY.as_bytes().to_vec())
        .apiv3_key(kat::APIV3_KEY)
        .public_key_pem(
            kat::PUB_KEY_ID,
            kat::MERCHANT_PUBLIC_KEY.as_bytes().to_vec(),
        );
    check("PayConfigBuilder", &format!("{builder:?} {builder:#?}"));
    let config = builder.build().expect("config");
    check("PayConfig", &format!("{config:?} {config:#?}"));
    let pay = kat::pay_at(kat::NOTIFY_TIMESTAMP, "https://api.mch.weixin.qq.com");
    check("WechatPay", &format!("{pay:?} {pay:#?}"));
    check("RequestSigner", &format!("{:?}", pay.signer()));
    check("Verifier", &format!("{:?}", pay.verifier()));
    check("MerchantKey", &format!("{:?}", config.merchant_key()));
    check("ApiV3Key", &format!("{:?}", config.apiv3_key()));

    // A notification: verified, decrypted, typed; nothing decrypted shows.
    let ts = kat::NOTIFY_TIMESTAMP.to_string();
    let headers = kat::signed_headers(&ts, kat::NOTIFY_NONCE, kat::TRANSACTION_SIG);
    let n = pay
        .verify_and_decrypt(&headers, kat::TRANSACTION_BODY.as_bytes())
        .await
        .expect("the KAT notification");
    check("Notification", &format!("{n:?} {n:#?}"));
    let Ok(PayEvent::Transaction(tx)) = n.event() else {
        panic!("a transaction")
    };
    assert_eq!(
        tx.payer.as_ref().map(|p| p.openid.as_str()),
        Some(decrypted[0]),
        "it did decrypt"
    );
    check("Transaction", &format!("{tx:?} {tx:#?}"));
    let headers_refund = kat::signed_headers(&ts, kat::NOTIFY_NONCE, kat::REFUND_SIG);
    let r = pay
        .verify_and_decrypt(&headers_refund, kat::REFUND_BODY.as_bytes())
        .await
        .expect("the KAT refund notification");
    let Ok(PayEvent::Refund(refund)) = r.event() else {
        panic!("a refund")
    };
    assert_eq!(refund.user_received_account.as_deref(), Some(decrypted[1]));
    check("Refund", &format!("{refund:?} {refund:#?}"));
    // Decoding the resource into the wrong shape quotes none of it.
    let e = n.resource::<Vec<u32>>().expect_err("another shape");
    check("a resource decode error", &format!("{e} {e:?}"));

    // An RSA-OAEP field: the plaintext stays in a SecretString.
    let field = pay
        .decrypt_sensitive(kat::SDK_OAEP_CIPHERTEXT)
        .expect("the SDK's ciphertext");
    let shown = format!("{field:?}");
    assert!(!shown.contains("plaintext"), "{shown}");

    // The notify_url handler and route, and the notifications through them:
    // one handled, one refused (undecryptable: a wrong APIv3 key).
    let handler = PayNotifyHandler::new(pay.clone(), Arc::new(MemoryStore::new()))
        .on_transaction(|_tx| async { Ok(()) });
    check("PayNotifyHandler", &format!("{handler:?} {handler:#?}"));
    let routes = PayNotifyRoutes::from_handler(handler.clone());
    check("PayNotifyRoutes", &format!("{routes:?}"));
    let answered = handler
        .handle(&headers, kat::TRANSACTION_BODY.as_bytes())
        .await;
    assert!(answered.is_success(), "{answered:?}");
    check("PayNotifyResponse", &format!("{answered:?}"));
    let wrong_key = {
        let config = PayConfig::builder()
            .mchid("1230000109")
            .merchant_serial(kat::MERCHANT_SERIAL)
            .private_key_pem(kat::MERCHANT_KEY.as_bytes().to_vec())
            .apiv3_key("0123456789abcdef0123456789abcdef")
            .public_key_pem(
                kat::PUB_KEY_ID,
                kat::MERCHANT_PUBLIC_KEY.as_bytes().to_vec(),
            )
            .build()
            .expect("config");
        let verifier = pay.verifier().clone();
        wechat_api::pay::WechatPay::with_verifier(config, verifier)
    };
    let refused = PayNotifyHandler::new(wrong_key, Arc::new(MemoryStore::new()))
        .on_transaction(|_tx| async { Ok(()) })
        .handle(&headers, kat::TRANSACTION_BODY.as_bytes())
        .await;
    assert!(!refused.is_success(), "{refused:?}");
    check("a refusal", &format!("{refused:?}"));

    let logs = captured.text();
    assert!(logs.contains("pay notification refused"), "{logs}");
    check("the logs", &logs);
}
