//! Adding an endpoint takes YAML only, and cargo notices new and edited spec
//! files.
//!
//! The test copies `macros/`, `wechat-api/` and `spec/` into a temporary
//! workspace, adds a spec file for an endpoint that does not exist in the real
//! spec, and builds a tiny program that calls it against wiremock. Then it
//! adds a *second* new spec file and rebuilds incrementally: the program only
//! compiles if `wechat-api` was regenerated (build.rs watches the folder).
//! Last it edits the first file (a new response field), which `include_str!`
//! tracking must notice.
//!
//! The copy builds in `target/spec-probe` so that later runs are incremental.

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
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
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

fn run_probe(dir: &Path, base: &str) -> String {
    let target = workspace_root().join("target").join("spec-probe");
    let out = Command::new(env!("CARGO"))
        .args(["run", "--quiet", "--offline", "-p", "probe"])
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", target)
        .env("PROBE_BASE", base)
        .output()
        .expect("cargo runs");
    assert!(
        out.status.success(),
        "probe failed:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_new_spec_file_is_a_new_typed_endpoint() {
    let root = workspace_root();
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    for sub in ["macros", "wechat-api", "spec"] {
        copy_dir(&root.join(sub), &dir.join(sub));
    }
    std::fs::copy(root.join("Cargo.lock"), dir.join("Cargo.lock")).unwrap();
    let manifest = std::fs::read_to_string(root.join("Cargo.toml")).unwrap();
    let members = regex_free_members(&manifest);
    std::fs::write(dir.join("Cargo.toml"), members).unwrap();
    std::fs::create_dir_all(dir.join("probe/src")).unwrap();
    std::fs::write(
        dir.join("probe/Cargo.toml"),
        "[package]\nname = \"probe\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n[dependencies]\nwechat-api.workspace = true\ntokio = { workspace = true, features = [\"rt\", \"macros\"] }\n",
    )
    .unwrap();

    // 1. a new spec file: the endpoint exists, typed, and sends what it says
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
    let uri = server.uri();
    let dir_owned = dir.to_path_buf();
    let out = tokio::task::spawn_blocking(move || run_probe(&dir_owned, &uri))
        .await
        .unwrap();
    assert_eq!(out.trim(), "city=Shenzhen celsius=24");

    // 2. another new file, built incrementally: only compiles if wechat-api
    //    was regenerated because the spec folder changed
    std::fs::write(dir.join("spec/clock.yaml"), CLOCK_SPEC).unwrap();
    std::fs::write(dir.join("probe/src/main.rs"), probe_main(true)).unwrap();
    let uri = server.uri();
    let dir_owned = dir.to_path_buf();
    let out = tokio::task::spawn_blocking(move || run_probe(&dir_owned, &uri))
        .await
        .unwrap();
    assert_eq!(out.trim(), "city=Shenzhen celsius=24\nunix=1700000000");
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

    // 3. an edited file: a new response field appears in the typed struct
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
    let uri = server.uri();
    let dir_owned = dir.to_path_buf();
    let out = tokio::task::spawn_blocking(move || run_probe(&dir_owned, &uri))
        .await
        .unwrap();
    assert_eq!(
        out.trim(),
        "city=Shenzhen celsius=24 humidity=80\nunix=1700000000"
    );
}

/// The workspace manifest with only the copied members.
fn regex_free_members(manifest: &str) -> String {
    manifest
        .lines()
        .map(|line| {
            if line.starts_with("members") {
                "members = [\"macros\", \"wechat-api\", \"probe\"]".to_string()
            } else if line.starts_with("default-members") {
                String::new()
            } else {
                line.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}
