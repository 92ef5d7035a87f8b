//! Adding an endpoint takes YAML only, in this repository's spec or in a
//! user's own crate, and cargo notices new and edited spec files.
//!
//! One temporary workspace holds copies of `codegen/`, `macros/`,
//! `wechat-api/` and `spec/` (and `test-support/` and `sandbox/`,
//! wechat-api's dev-dependencies) and two small programs:
//!
//! * `probe`, which calls an endpoint that exists only in a spec file this
//!   test adds to the copied `spec/`;
//! * `ext`, a user's crate that brings its own `spec/`, invokes
//!   `wechat_api::generate!` and calls its endpoints for its own account and
//!   for an authorizer, with managed tokens and one refresh-and-retry after
//!   a 40001;
//! * `paymerchant`, a user's crate describing WeChat Pay endpoints
//!   (`family: pay`): its methods, on `WechatPay`, sign their requests, have
//!   their answers verified, send the `mchid` and answer `()` to a 204,
//!   against the sandbox playing WeChat Pay (which refuses a bad signature).
//!
//! All three are built at once (one build of the copied `wechat-api`, with
//! `pay`) and run, the first two against wiremock. Then the test adds a
//! *second* new spec file and edits the first (a new response field), and
//! rebuilds: the probe only compiles and prints the new field if
//! `wechat-api` was regenerated (build.rs watches the folder). Two builds of
//! the copied `wechat-api` in all: it is the slowest test of the suite.
//!
//! The copies build in `target/spec-probe` so that later runs are incremental.

use std::path::{Path, PathBuf};
use std::process::Command;

use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ has a parent")
        .to_path_buf()
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let name = entry.file_name();
        if name == "target" {
            continue;
        }
        let target = to.join(&name);
        let kind = entry.file_type().unwrap();
        if kind.is_symlink() {
            // wechat-api/spec links to the top-level spec/: keep the link
            let link = std::fs::read_link(entry.path()).unwrap();
            std::os::unix::fs::symlink(link, &target).unwrap();
        } else if kind.is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// A temporary workspace with copies of the crates `wechat-api` needs and
/// `members` (created by the caller).
fn temp_workspace(members: &[&str]) -> tempfile::TempDir {
    let root = workspace_root();
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    // wechat-api's dev-dependencies (the test-support crate, and the sandbox
    // it uses) must be there for cargo to load the workspace
    for sub in [
        "codegen",
        "macros",
        "wechat-api",
        "spec",
        "test-support",
        "sandbox",
    ] {
        copy_dir(&root.join(sub), &dir.join(sub));
    }
    std::fs::copy(root.join("Cargo.lock"), dir.join("Cargo.lock")).unwrap();
    let manifest = std::fs::read_to_string(root.join("Cargo.toml")).unwrap();
    std::fs::write(dir.join("Cargo.toml"), with_members(&manifest, members)).unwrap();
    tmp
}

const WEATHER_SPEC: &str = r#"
module: weather
doc: An endpoint that only exists in this test.
endpoints:
  - name: get_weather
    doc: Gets the weather of a city.
    method: GET
    path: /cgi-bin/weather
    credential: access_token
    query:
      - name: city
        doc: The city.
    response:
      - name: city
      - name: celsius
        type: i32
"#;

const CLOCK_SPEC: &str = r#"
module: clock
endpoints:
  - name: now
    method: POST
    path: /cgi-bin/now
    body:
      - name: tz
        type: string
    response:
      - name: unix
        type: i64
"#;

fn probe_main(with_clock: bool) -> String {
    let clock = if with_clock {
        r#"
    let now = client.clock().now(wechat_api::api::clock::NowRequest::new("Asia/Shanghai")).await?;
    println!("unix={}", now.unix);"#
    } else {
        ""
    };
    format!(
        r#"
#[tokio::main(flavor = "current_thread")]
async fn main() -> wechat_api::Result<()> {{
    let base = std::env::var("PROBE_BASE").expect("PROBE_BASE");
    let config = wechat_api::Config::builder().appid("wx_probe").build()?;
    let client = wechat_api::Client::builder(config).base_url_for_all(&base)?.build()?;
    let weather = client
        .weather()
        .with_token("PROBE_TOKEN")
        .get_weather(wechat_api::api::weather::GetWeatherRequest::new("Shenzhen"))
        .await?;
    println!("city={{}} celsius={{}}", weather.city, weather.celsius);{clock}
    Ok(())
}}
"#
    )
}

/// Where the copies build (kept between runs, so later runs are incremental).
fn probe_target() -> PathBuf {
    workspace_root().join("target").join("spec-probe")
}

/// `cargo build` of the two programs in the temporary workspace.
fn build(dir: &Path) {
    let out = Command::new(env!("CARGO"))
        .args([
            "build",
            "--quiet",
            "--offline",
            "-p",
            "probe",
            "-p",
            "ext",
            "-p",
            "paymerchant",
        ])
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", probe_target())
        .output()
        .expect("cargo runs");
    assert!(
        out.status.success(),
        "build failed:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Runs a built program against the mock WeChat at `base`, with the
/// variables `env`; its stdout.
fn run(program: &str, base: &str, env: &[(String, String)]) -> String {
    let out = Command::new(probe_target().join("debug").join(program))
        .env("PROBE_BASE", base)
        .envs(env.iter().map(|(k, v)| (k, v)))
        .output()
        .expect("the program runs");
    assert!(
        out.status.success(),
        "{program} failed:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// One program to run: its name, the (mock) WeChat's address and more
/// variables.
type Run = (&'static str, String, Vec<(String, String)>);

/// Builds the programs off the runtime's threads, then runs each of `runs`;
/// their outputs in that order.
async fn build_and_run(dir: &Path, runs: Vec<Run>) -> Vec<String> {
    let dir = dir.to_path_buf();
    tokio::task::spawn_blocking(move || {
        build(&dir);
        runs.iter()
            .map(|(program, base, env)| run(program, base, env))
            .collect()
    })
    .await
    .unwrap()
}

/// The workspace manifest with only the copied members.
fn with_members(manifest: &str, extra: &[&str]) -> String {
    let mut members = vec!["codegen", "macros", "wechat-api"];
    members.extend_from_slice(extra);
    let members = members
        .iter()
        .map(|m| format!("\"{m}\""))
        .collect::<Vec<_>>()
        .join(", ");
    manifest
        .lines()
        .map(|line| {
            if line.starts_with("members") {
                format!("members = [{members}]")
            } else if line.starts_with("default-members") || line.starts_with("exclude") {
                String::new()
            } else {
                line.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

const EXTRA_SPEC: &str = r#"
module: extra
doc: An endpoint WeChat released yesterday, described in the user's own crate.
endpoints:
  - name: get_widget
    doc: Gets a widget.
    method: POST
    path: /wxa/get_widget
    credential: access_token
    body:
      - name: widget_id
        type: u32
    response:
      - name: name
    example: '{"errcode": 0, "errmsg": "ok", "name": "gear"}'
  - name: get_part
    doc: Gets one part of a widget (a path parameter).
    method: GET
    path: /wxa/widget/{widget_id}/part
    credential: access_token
    path_params:
      - name: widget_id
    response:
      - name: part
"#;

const EXTRA_MAIN: &str = r#"
wechat_api::generate!("../spec");

use wechat_api::{Client, Config};

#[tokio::main(flavor = "current_thread")]
async fn main() -> wechat_api::Result<()> {
    let base = std::env::var("PROBE_BASE").expect("PROBE_BASE");
    let config = Config::builder()
        .appid("wx_ext")
        .secret("ext-secret")
        .component_appid("wx_component")
        .component_secret("component-secret")
        .build()?;
    let client = Client::builder(config).base_url_for_all(&base)?.build()?;
    // the account's own token: fetched, rejected once (40001), refreshed, retried
    let own = client.extra().get_widget(extra::GetWidgetRequest::new(7)).await?;
    println!("own={}", own.name);
    // an authorizer's token: from its stored refresh token
    client.tokens().store_verify_ticket("wx_component", "TICKET").await?;
    client.tokens().store_refresh_token("wx_component", "wx_merchant", "REFRESH1").await?;
    let merchant = client
        .authorizer("wx_merchant")
        .extra()
        .get_widget(extra::GetWidgetRequest::new(8))
        .await?;
    println!("merchant={}", merchant.name);
    let rotated = client.tokens().refresh_token("wx_component", "wx_merchant").await?;
    println!("refresh={rotated}");
    let part = client
        .authorizer("wx_merchant")
        .extra()
        .get_part(extra::GetPartRequest::new("a/b c"))
        .await?;
    println!("part={}", part.part);
    Ok(())
}
"#;

/// A user's WeChat Pay endpoints: an order query (a path parameter, the
/// `mchid` in the query, a typed answer) and its close (a body, `204 No
/// Content`), which the sandbox serves.
const USER_PAY_SPEC: &str = r#"
family: pay
module: my_orders
doc: Orders, described in the user's own crate.
endpoints:
  - name: by_out_trade_no
    doc: Queries an order by the merchant's order number.
    method: GET
    path: /v3/pay/transactions/out-trade-no/{out_trade_no}
    path_params:
      - name: out_trade_no
    query:
      - name: mchid
        from: mchid
    response:
      - name: out_trade_no
      - name: trade_state
      - name: amount
        type: MyAmount
        optional: true
  - name: close
    doc: Closes an unpaid order.
    method: POST
    path: /v3/pay/transactions/out-trade-no/{out_trade_no}/close
    path_params:
      - name: out_trade_no
    body:
      - name: mchid
        from: mchid
types:
  - name: MyAmount
    fields:
      - name: total
        type: i64
        optional: true
"#;

const USER_PAY_MAIN: &str = r#"
wechat_api::generate!("../spec");

use my_orders::ByOutTradeNoRequest;

#[tokio::main(flavor = "current_thread")]
async fn main() -> wechat_api::Result<()> {
    // WECHATPAY_MCHID, _MERCHANT_SERIAL, _PRIVATE_KEY_FILE, _APIV3_KEY,
    // _PUBLIC_KEY_ID, _PUBLIC_KEY_FILE, _BASE_URL
    let pay = wechat_api::pay::WechatPay::new(wechat_api::pay::PayConfig::from_env()?)?;
    let no = std::env::var("PROBE_ORDER").expect("PROBE_ORDER");
    let order = pay.my_orders().by_out_trade_no(ByOutTradeNoRequest::new(no.clone())).await?;
    let total = order.amount.and_then(|a| a.total).unwrap_or_default();
    println!("{} {} {}", order.out_trade_no, order.trade_state, total);
    let () = pay.my_orders().close(my_orders::CloseRequest::new(no.clone())).await?;
    let order = pay.my_orders().by_out_trade_no(ByOutTradeNoRequest::new(no)).await?;
    println!("{}", order.trade_state);
    Ok(())
}
"#;

#[tokio::test(flavor = "multi_thread")]
async fn new_and_edited_spec_files_become_typed_endpoints_here_and_in_a_users_crate() {
    use wechat_api::api::transactions::{JsapiRequest, OrderAmount, OrderPayer};
    use wechat_sandbox::pay::{KeyMode, PaySettings};

    let tmp = temp_workspace(&["probe", "ext", "paymerchant"]);
    let dir = tmp.path();
    let manifest = |name: &str| {
        format!(
            "[package]\nname = \"{name}\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n[dependencies]\nwechat-api.workspace = true\ntokio = {{ workspace = true, features = [\"rt\", \"macros\"] }}\n"
        )
    };
    std::fs::create_dir_all(dir.join("probe/src")).unwrap();
    std::fs::write(dir.join("probe/Cargo.toml"), manifest("probe")).unwrap();
    std::fs::create_dir_all(dir.join("ext/src")).unwrap();
    std::fs::create_dir_all(dir.join("ext/spec")).unwrap();
    std::fs::write(dir.join("ext/Cargo.toml"), manifest("ext")).unwrap();
    std::fs::write(
        dir.join("ext/build.rs"),
        "fn main() { println!(\"cargo::rerun-if-changed=spec\"); }\n",
    )
    .unwrap();
    std::fs::write(dir.join("ext/spec/extra.yaml"), EXTRA_SPEC).unwrap();
    std::fs::write(dir.join("ext/src/main.rs"), EXTRA_MAIN).unwrap();
    std::fs::create_dir_all(dir.join("paymerchant/src")).unwrap();
    std::fs::create_dir_all(dir.join("paymerchant/spec")).unwrap();
    std::fs::write(
        dir.join("paymerchant/Cargo.toml"),
        "[package]\nname = \"paymerchant\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n[dependencies]\nwechat-api = { workspace = true, features = [\"pay\"] }\ntokio = { workspace = true, features = [\"rt\", \"macros\"] }\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("paymerchant/build.rs"),
        "fn main() { println!(\"cargo::rerun-if-changed=spec\"); }\n",
    )
    .unwrap();
    std::fs::write(dir.join("paymerchant/spec/my_orders.yaml"), USER_PAY_SPEC).unwrap();
    std::fs::write(dir.join("paymerchant/src/main.rs"), USER_PAY_MAIN).unwrap();

    // the repository's spec: a new file, so a new typed endpoint
    std::fs::write(dir.join("spec/weather.yaml"), WEATHER_SPEC).unwrap();
    std::fs::write(dir.join("probe/src/main.rs"), probe_main(false)).unwrap();
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/cgi-bin/weather"))
        .and(query_param("city", "Shenzhen"))
        .and(query_param("access_token", "PROBE_TOKEN"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(
            r#"{"city":"Shenzhen","celsius":24,"humidity":80}"#,
            "application/json",
        ))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/cgi-bin/now"))
        .respond_with(
            ResponseTemplate::new(200).set_body_raw(r#"{"unix":1700000000}"#, "application/json"),
        )
        .mount(&server)
        .await;
    let user = MockServer::start().await;
    let json =
        |body: &str| ResponseTemplate::new(200).set_body_raw(body.to_string(), "application/json");
    // the account's token: OWN1 first, OWN2 after WeChat rejected OWN1
    for (token, times) in [("OWN1", 1), ("OWN2", 1)] {
        Mock::given(path("/cgi-bin/stable_token"))
            .respond_with(json(&format!(
                r#"{{"access_token":"{token}","expires_in":7200}}"#
            )))
            .up_to_n_times(times)
            .mount(&user)
            .await;
    }
    Mock::given(method("POST"))
        .and(path("/wxa/get_widget"))
        .and(query_param("access_token", "OWN1"))
        .respond_with(json(r#"{"errcode":40001,"errmsg":"invalid credential"}"#))
        .mount(&user)
        .await;
    Mock::given(method("POST"))
        .and(path("/wxa/get_widget"))
        .and(query_param("access_token", "OWN2"))
        .respond_with(json(r#"{"errcode":0,"name":"gear-own"}"#))
        .mount(&user)
        .await;
    Mock::given(path("/cgi-bin/component/api_component_token"))
        .respond_with(json(
            r#"{"component_access_token":"COMP","expires_in":7200}"#,
        ))
        .mount(&user)
        .await;
    Mock::given(path("/cgi-bin/component/api_authorizer_token"))
        .and(query_param("component_access_token", "COMP"))
        .respond_with(json(
            r#"{"authorizer_access_token":"MERCHANT","expires_in":7200,"authorizer_refresh_token":"REFRESH2"}"#,
        ))
        .mount(&user)
        .await;
    Mock::given(method("POST"))
        .and(path("/wxa/get_widget"))
        .and(query_param("access_token", "MERCHANT"))
        .respond_with(json(r#"{"errcode":0,"name":"gear-merchant"}"#))
        .mount(&user)
        .await;

    Mock::given(method("GET"))
        .and(path("/wxa/widget/a%2Fb%20c/part"))
        .and(query_param("access_token", "MERCHANT"))
        .respond_with(json(r#"{"errcode":0,"part":"spring"}"#))
        .mount(&user)
        .await;

    // WeChat Pay: the sandbox, signing with the WeChat Pay public key (a
    // new merchant's only key), and an unpaid order made with the SDK.
    let config = wechat_sandbox::SandboxConfig::builder()
        .push_interval(None)
        .pay(PaySettings::default())
        .build()
        .unwrap();
    let sandbox = wechat_sandbox::Sandbox::start(config).await.unwrap();
    sandbox.pay().set_key_mode(KeyMode::PublicKey).unwrap();
    let merchant = sandbox.pay().merchant().unwrap();
    let public_key = sandbox.pay().public_key().unwrap();
    let pay_base = sandbox.base_url().as_str().trim_end_matches('/').to_owned();
    let key_file = dir.join("apiclient_key.pem");
    std::fs::write(&key_file, merchant.private_key_pem().unwrap()).unwrap();
    let pub_file = dir.join("pub_key.pem");
    std::fs::write(&pub_file, &public_key.pem).unwrap();
    let ours = wechat_api::pay::WechatPay::new(
        wechat_api::pay::PayConfig::builder()
            .mchid(merchant.mchid())
            .merchant_serial(merchant.serial())
            .private_key_file(&key_file)
            .apiv3_key(merchant.apiv3_key())
            .public_key_file(public_key.id.clone(), &pub_file)
            .base_url(pay_base.as_str())
            .build()
            .unwrap(),
    )
    .unwrap();
    ours.transactions()
        .jsapi(JsapiRequest::new(
            "wxd678efh567hg6787",
            "用户的规格",
            "USER-SPEC-ORDER-1",
            "https://merchant.example/notify",
            OrderAmount::new(321),
            OrderPayer::new("oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"),
        ))
        .await
        .unwrap();
    let before = sandbox.pay().calls().unwrap().len();

    let pay_env: Vec<(String, String)> = [
        ("WECHATPAY_MCHID", merchant.mchid().to_owned()),
        ("WECHATPAY_MERCHANT_SERIAL", merchant.serial().to_owned()),
        ("WECHATPAY_PRIVATE_KEY_FILE", key_file.display().to_string()),
        ("WECHATPAY_APIV3_KEY", merchant.apiv3_key().to_owned()),
        ("WECHATPAY_PUBLIC_KEY_ID", public_key.id.clone()),
        ("WECHATPAY_PUBLIC_KEY_FILE", pub_file.display().to_string()),
        ("WECHATPAY_BASE_URL", pay_base.clone()),
        ("PROBE_ORDER", "USER-SPEC-ORDER-1".to_owned()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect();

    // 1. the first build: the new endpoint sends what its spec says, and the
    //    user's crate gets managed, typed endpoints from its own spec
    let outs = build_and_run(
        dir,
        vec![
            ("probe", server.uri(), vec![]),
            ("ext", user.uri(), vec![]),
            ("paymerchant", pay_base.clone(), pay_env),
        ],
    )
    .await;
    let (out, ext_out, pay_out) = (&outs[0], &outs[1], &outs[2]);
    assert_eq!(out.trim(), "city=Shenzhen celsius=24");
    let requests = user.received_requests().await.unwrap();
    assert_eq!(
        ext_out.trim(),
        "own=gear-own\nmerchant=gear-merchant\nrefresh=REFRESH2\npart=spring"
    );
    let part = requests
        .iter()
        .find(|r| r.url.path().ends_with("/part"))
        .expect("get_part was called");
    assert_eq!(
        part.url.path(),
        "/wxa/widget/a%2Fb%20c/part",
        "one percent-encoded segment"
    );
    let count = |p: &str| requests.iter().filter(|r| r.url.path() == p).count();
    assert_eq!(
        count("/wxa/get_widget"),
        3,
        "40001, its one retry, and the merchant's call"
    );
    assert_eq!(
        count("/cgi-bin/stable_token"),
        2,
        "one fetch, one refresh after the 40001"
    );
    let widget_bodies: Vec<serde_json::Value> = requests
        .iter()
        .filter(|r| r.url.path() == "/wxa/get_widget")
        .map(|r| serde_json::from_slice(&r.body).unwrap())
        .collect();
    assert_eq!(widget_bodies[0], serde_json::json!({"widget_id": 7}));
    assert_eq!(widget_bodies[2], serde_json::json!({"widget_id": 8}));
    let forced: Vec<serde_json::Value> = requests
        .iter()
        .filter(|r| r.url.path() == "/cgi-bin/stable_token")
        .map(|r| serde_json::from_slice(&r.body).unwrap())
        .collect();
    assert_eq!(
        forced[1]["force_refresh"],
        serde_json::json!(true),
        "{forced:?}"
    );

    // the user's pay crate: an unpaid order queried, closed, queried again
    assert_eq!(pay_out.trim(), "USER-SPEC-ORDER-1 NOTPAY 321\nCLOSED");
    // What the user's methods sent: signed (the sandbox checked each
    // signature and answered 200/204), the mchid where the spec put it.
    let calls = sandbox.pay().calls().unwrap();
    let user: Vec<_> = calls[before..].iter().collect();
    assert_eq!(user.len(), 3, "{user:?}");
    for call in &user {
        assert!(
            call.header("authorization")
                .is_some_and(|a| a.starts_with("WECHATPAY2-SHA256-RSA2048 mchid=")),
            "{call:?}"
        );
        assert_eq!(call.error_code, None, "{call:?}");
    }
    assert_eq!(
        (user[0].method.as_str(), user[0].status),
        ("GET", 200),
        "{:?}",
        user[0]
    );
    assert_eq!(
        user[0].query.as_deref(),
        Some(format!("mchid={}", merchant.mchid()).as_str())
    );
    assert_eq!(
        (user[1].method.as_str(), user[1].status),
        ("POST", 204),
        "{:?}",
        user[1]
    );
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&user[1].body).unwrap(),
        serde_json::json!({"mchid": merchant.mchid()})
    );
    // 2. another new file and an edit of the first (a new response field),
    //    rebuilt incrementally: the probe only compiles if wechat-api was
    //    regenerated because its spec folder changed
    std::fs::write(dir.join("spec/clock.yaml"), CLOCK_SPEC).unwrap();
    let edited = WEATHER_SPEC.replace(
        "        type: i32\n",
        "        type: i32\n      - name: humidity\n        type: u32\n",
    );
    assert_ne!(edited, WEATHER_SPEC);
    std::fs::write(dir.join("spec/weather.yaml"), edited).unwrap();
    let main = probe_main(true).replace(
        r#"println!("city={} celsius={}", weather.city, weather.celsius);"#,
        r#"println!("city={} celsius={} humidity={}", weather.city, weather.celsius, weather.humidity);"#,
    );
    std::fs::write(dir.join("probe/src/main.rs"), main).unwrap();
    let outs = build_and_run(dir, vec![("probe", server.uri(), vec![])]).await;
    let out = &outs[0];
    assert_eq!(
        out.trim(),
        "city=Shenzhen celsius=24 humidity=80\nunix=1700000000"
    );
    let now = server
        .received_requests()
        .await
        .unwrap()
        .into_iter()
        .find(|r| r.url.path() == "/cgi-bin/now")
        .expect("clock.now was called");
    assert_eq!(
        serde_json::from_slice::<serde_json::Value>(&now.body).unwrap(),
        serde_json::json!({"tz": "Asia/Shanghai"})
    );
    sandbox.shutdown().await;
}
