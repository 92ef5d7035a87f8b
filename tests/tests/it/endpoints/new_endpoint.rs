//! Adding an endpoint takes YAML only, in the published crate's spec or in a
//! user's own crate; a user's spec edit rebuilds only the user's crate; and
//! the packaged crates build in a user's workspace.
//!
//! The test packages `wechat-api-codegen`, `wechat-api-macros`,
//! `wechat-api` and `wechat-sandbox` (`cargo package --no-verify`), unpacks
//! the `.crate` files and builds four small programs of a user's workspace
//! against them (`[patch.crates-io]`: as if they came from crates.io):
//!
//! * `probe` calls an endpoint that exists only in a spec file this test
//!   adds to the unpacked `wechat-api`'s `spec/` folder;
//! * `ext`, a user's crate with its own `spec/`, invokes
//!   `wechat_api::generate!` and calls its endpoints for its own account and
//!   for an authorizer, with managed tokens and one refresh-and-retry after a
//!   40001;
//! * `paymerchant`, a user's crate describing WeChat Pay endpoints
//!   (`family: pay`): its methods, on `WechatPay`, sign their requests, have
//!   their answers verified, send the `mchid` and answer `()` to a 204,
//!   against the sandbox playing WeChat Pay (which refuses a bad signature);
//! * `sandboxed`, a user's test program that starts the packaged sandbox.
//!
//! This build is also the verification of the packages (CI packages them
//! without cargo's own verification build): each crate builds from its
//! `.crate` file alone, and works.
//!
//! Then the test adds a second spec file to `ext`'s folder and edits the
//! first (a new response field), and rebuilds: `ext` only compiles and
//! prints the new field if it was regenerated (its build.rs watches the
//! folder), and `wechat-api` is not rebuilt. The published `wechat-api`
//! watches its own `spec/` folder the same way: the test reads what its
//! build script told cargo.
//!
//! The programs build in the workspace's own target directory, so that what
//! they share with the workspace's build (most dependencies) is built once;
//! the user's workspace is `<target>/user-workspace`, rewritten each run.

use std::path::{Path, PathBuf};
use std::process::Command;

use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// The crates a user gets from crates.io, as `cargo package` makes them.
const PACKAGES: [&str; 4] = [
    "wechat-api-codegen",
    "wechat-api-macros",
    "wechat-api",
    "wechat-sandbox",
];

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ has a parent")
        .to_path_buf()
}

/// The target directory this test binary was built in
/// (`<target>/debug/deps/it-…`), wherever it is configured.
fn target_dir() -> PathBuf {
    let exe = std::env::current_exe().expect("the test binary's path");
    exe.ancestors()
        .nth(3)
        .expect("the test binary lives in <target>/debug/deps")
        .to_path_buf()
}

/// Packages [`PACKAGES`] and unpacks them into `into`: one folder per crate,
/// `<name>-<version>`, as in a registry.
fn package_and_unpack(into: &Path) {
    let packaged = into.join("packaged");
    let mut cargo = Command::new(env!("CARGO"));
    cargo
        .args([
            "package",
            "--no-verify",
            "--offline",
            "--allow-dirty",
            "--quiet",
        ])
        .arg("--target-dir")
        .arg(&packaged)
        .current_dir(workspace_root());
    for package in PACKAGES {
        cargo.args(["-p", package]);
    }
    let out = cargo.output().expect("cargo runs");
    assert!(
        out.status.success(),
        "cargo package failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for package in PACKAGES {
        let file = packaged
            .join("package")
            .join(format!("{package}-{}.crate", env!("CARGO_PKG_VERSION")));
        let crate_file = std::fs::File::open(&file).expect("the .crate file");
        tar::Archive::new(flate2::read::GzDecoder::new(crate_file))
            .unpack(into)
            .expect("the .crate file unpacks");
    }
}

/// A user's workspace in `dir` with `members`, its dependencies on our
/// crates patched to the unpacked packages in `crates`.
fn user_workspace(dir: &Path, crates: &Path, members: &[&str]) {
    let members = members
        .iter()
        .map(|m| format!("\"{m}\""))
        .collect::<Vec<_>>()
        .join(", ");
    let patches = PACKAGES
        .iter()
        .map(|p| {
            let unpacked = crates.join(format!("{p}-{}", env!("CARGO_PKG_VERSION")));
            format!("{p} = {{ path = {:?} }}\n", unpacked.display().to_string())
        })
        .collect::<String>();
    std::fs::create_dir_all(dir).unwrap();
    std::fs::write(
        dir.join("Cargo.toml"),
        format!(
            "[workspace]\nmembers = [{members}]\nresolver = \"3\"\n\n[patch.crates-io]\n{patches}"
        ),
    )
    .unwrap();
    // the repository's versions of every dependency (and --offline works)
    std::fs::copy(workspace_root().join("Cargo.lock"), dir.join("Cargo.lock")).unwrap();
}

/// A member of the user's workspace: `Cargo.toml` with `dependencies`,
/// `src/main.rs`, and `spec/` files with the build.rs that watches them.
fn member(dir: &Path, name: &str, dependencies: &str, main: &str, spec: &[(&str, &str)]) {
    let root = dir.join(name);
    std::fs::create_dir_all(root.join("src")).unwrap();
    std::fs::write(
        root.join("Cargo.toml"),
        format!(
            "[package]\nname = \"{name}\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n[dependencies]\n{dependencies}tokio = {{ version = \"1\", features = [\"rt\", \"macros\"] }}\n"
        ),
    )
    .unwrap();
    std::fs::write(root.join("src/main.rs"), main).unwrap();
    if !spec.is_empty() {
        std::fs::create_dir_all(root.join("spec")).unwrap();
        std::fs::write(
            root.join("build.rs"),
            "fn main() { println!(\"cargo::rerun-if-changed=spec\"); }\n",
        )
        .unwrap();
        for (file, yaml) in spec {
            std::fs::write(root.join("spec").join(file), yaml).unwrap();
        }
    }
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

const PROBE_MAIN: &str = r#"
#[tokio::main(flavor = "current_thread")]
async fn main() -> wechat_api::Result<()> {
    let base = std::env::var("PROBE_BASE").expect("PROBE_BASE");
    let config = wechat_api::Config::builder().appid("wx_probe").build()?;
    let client = wechat_api::Client::builder(config).base_url_for_all(&base)?.build()?;
    let weather = client
        .weather()
        .with_token("PROBE_TOKEN")
        .get_weather(wechat_api::api::weather::GetWeatherRequest::new("Shenzhen"))
        .await?;
    println!("city={} celsius={}", weather.city, weather.celsius);
    Ok(())
}
"#;

/// A user's test program against the packaged sandbox (which users add as a
/// dev-dependency): one managed token, fetched once.
const SANDBOXED_MAIN: &str = r#"
use wechat_sandbox::{Sandbox, SandboxConfig};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let sandbox = Sandbox::start(SandboxConfig::default()).await?;
    let client = sandbox.client_builder()?.build()?;
    client.access_token().await?;
    client.access_token().await?;
    println!("stable_token={}", sandbox.request_count("/cgi-bin/stable_token"));
    sandbox.shutdown().await;
    Ok(())
}
"#;

/// What one `cargo build` of the user's workspace did.
struct Built {
    /// The crates cargo compiled (not fresh), by name.
    compiled: Vec<String>,
    /// The `out_dir` of the published `wechat-api`'s build script.
    wechat_api_out_dir: Option<PathBuf>,
}

/// `cargo build -p <programs>` in the user's workspace `dir`, in the
/// workspace's own target directory.
fn build(dir: &Path, programs: &[&str]) -> Built {
    let mut cargo = Command::new(env!("CARGO"));
    cargo
        .args([
            "build",
            "--offline",
            "--message-format=json-render-diagnostics",
        ])
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", target_dir());
    for program in programs {
        cargo.args(["-p", program]);
    }
    let out = cargo.output().expect("cargo runs");
    assert!(
        out.status.success(),
        "build failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut built = Built {
        compiled: Vec::new(),
        wechat_api_out_dir: None,
    };
    for line in String::from_utf8_lossy(&out.stdout).lines() {
        let Ok(message) = serde_json::from_str::<serde_json::Value>(line) else {
            continue;
        };
        let package = message["package_id"].as_str().unwrap_or_default();
        let is_wechat_api = package.ends_with("#wechat-api@0.1.0");
        match message["reason"].as_str() {
            Some("compiler-artifact") if message["fresh"] == false => {
                let name = message["target"]["name"].as_str().unwrap_or_default();
                built.compiled.push(name.to_owned());
            }
            Some("build-script-executed") if is_wechat_api => {
                built.wechat_api_out_dir = message["out_dir"].as_str().map(PathBuf::from);
            }
            _ => {}
        }
    }
    built
}

/// Runs a built program against the mock WeChat at `base`, with the
/// variables `env`; its stdout.
fn run(program: &str, base: &str, env: &[(String, String)]) -> String {
    let out = Command::new(target_dir().join("debug").join(program))
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

/// The members of the user's workspace.
const ALL_PROGRAMS: [&str; 4] = ["probe", "ext", "paymerchant", "sandboxed"];

/// Builds `programs` off the runtime's threads, then runs each of `runs`;
/// what the build did and the programs' outputs in that order.
async fn build_and_run(
    dir: &Path,
    programs: &'static [&'static str],
    runs: Vec<Run>,
) -> (Built, Vec<String>) {
    let dir = dir.to_path_buf();
    tokio::task::spawn_blocking(move || {
        let built = build(&dir, programs);
        let outs = runs
            .iter()
            .map(|(program, base, env)| run(program, base, env))
            .collect();
        (built, outs)
    })
    .await
    .unwrap()
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

/// The second version of `ext`: after a new spec file (`clock.yaml`) and a
/// new response field in `extra.yaml`.
const EXTRA_MAIN_V2: &str = r#"
wechat_api::generate!("../spec");

#[tokio::main(flavor = "current_thread")]
async fn main() -> wechat_api::Result<()> {
    let base = std::env::var("PROBE_BASE").expect("PROBE_BASE");
    let config = wechat_api::Config::builder().appid("wx_ext").build()?;
    let client = wechat_api::Client::builder(config).base_url_for_all(&base)?.build()?;
    let widget = client
        .extra()
        .with_token("PROBE_TOKEN")
        .get_widget(extra::GetWidgetRequest::new(9))
        .await?;
    println!("name={} color={}", widget.name, widget.color);
    let now = client.clock().now(clock::NowRequest::new("Asia/Shanghai")).await?;
    println!("unix={}", now.unix);
    Ok(())
}
"#;

#[tokio::test(flavor = "multi_thread")]
async fn packages_build_for_users_and_new_spec_files_become_endpoints() {
    use wechat_api::api::transactions::{JsapiRequest, OrderAmount, OrderPayer};
    use wechat_sandbox::pay::{KeyMode, PaySettings};

    // a fixed place: the same paths from run to run keep the same build
    // artifacts (overwritten, not piling up), and unchanged ones fresh
    let root = target_dir().join("user-workspace");
    if root.exists() {
        std::fs::remove_dir_all(&root).unwrap();
    }
    let crates = root.join("crates");
    let dir = &root.join("user");
    package_and_unpack(&crates);
    user_workspace(dir, &crates, &ALL_PROGRAMS);
    let wechat_api = "wechat-api = \"0.1\"\n";
    // the published crate's spec: a new file, so a new typed endpoint
    let published_spec = crates.join(format!("wechat-api-{}/spec", env!("CARGO_PKG_VERSION")));
    std::fs::write(published_spec.join("weather.yaml"), WEATHER_SPEC).unwrap();
    member(dir, "probe", wechat_api, PROBE_MAIN, &[]);
    member(
        dir,
        "ext",
        wechat_api,
        EXTRA_MAIN,
        &[("extra.yaml", EXTRA_SPEC)],
    );
    member(
        dir,
        "paymerchant",
        "wechat-api = { version = \"0.1\", features = [\"pay\"] }\n",
        USER_PAY_MAIN,
        &[("my_orders.yaml", USER_PAY_SPEC)],
    );
    member(
        dir,
        "sandboxed",
        &format!("{wechat_api}wechat-sandbox = \"0.1\"\n"),
        SANDBOXED_MAIN,
        &[],
    );

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
    Mock::given(method("POST"))
        .and(path("/wxa/get_widget"))
        .and(query_param("access_token", "PROBE_TOKEN"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(
            r#"{"errcode":0,"name":"gear","color":"red"}"#,
            "application/json",
        ))
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
    let (built, outs) = build_and_run(
        dir,
        &ALL_PROGRAMS,
        vec![
            ("probe", server.uri(), vec![]),
            ("ext", user.uri(), vec![]),
            ("paymerchant", pay_base.clone(), pay_env),
            ("sandboxed", String::new(), vec![]),
        ],
    )
    .await;
    let (out, ext_out, pay_out) = (&outs[0], &outs[1], &outs[2]);
    assert_eq!(out.trim(), "city=Shenzhen celsius=24");
    assert_eq!(
        outs[3].trim(),
        "stable_token=1",
        "one fetch, then the cached token"
    );
    // the published wechat-api watches its spec folder: a new file there is
    // noticed, as the new file in the user's folder is below
    let out_dir = built
        .wechat_api_out_dir
        .expect("cargo ran the published wechat-api's build script");
    let told_cargo = std::fs::read_to_string(out_dir.parent().unwrap().join("output")).unwrap();
    assert!(
        told_cargo
            .lines()
            .any(|l| l == "cargo::rerun-if-changed=spec"),
        "{told_cargo}"
    );
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
    // 2. another new file in the user's spec folder and an edit of the first
    //    (a new response field), rebuilt incrementally: ext only compiles
    //    if it was regenerated because its spec folder changed
    let ext_spec = dir.join("ext/spec");
    std::fs::write(ext_spec.join("clock.yaml"), CLOCK_SPEC).unwrap();
    let edited = EXTRA_SPEC.replace(
        "      - name: name\n    example: '{\"errcode\": 0, \"errmsg\": \"ok\", \"name\": \"gear\"}'",
        "      - name: name\n      - name: color\n    example: '{\"errcode\": 0, \"errmsg\": \"ok\", \"name\": \"gear\", \"color\": \"red\"}'",
    );
    assert_ne!(edited, EXTRA_SPEC);
    std::fs::write(ext_spec.join("extra.yaml"), edited).unwrap();
    std::fs::write(dir.join("ext/src/main.rs"), EXTRA_MAIN_V2).unwrap();
    // (the same programs as before: building fewer would unify fewer
    // features, and change wechat-api for that reason alone)
    let (built, outs) =
        build_and_run(dir, &ALL_PROGRAMS, vec![("ext", server.uri(), vec![])]).await;
    assert_eq!(outs[0].trim(), "name=gear color=red\nunix=1700000000");
    assert!(
        built.compiled.iter().any(|c| c == "ext"),
        "{:?}",
        built.compiled
    );
    assert!(
        !built.compiled.iter().any(|c| c == "wechat_api"),
        "a user's spec edit rebuilt wechat-api: {:?}",
        built.compiled
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
