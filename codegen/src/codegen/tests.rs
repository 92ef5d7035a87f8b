//! Snapshot of the code generated for a small spec, so reviewers see what the
//! macro emits (`cargo insta review` after an intended change).

use std::path::PathBuf;

use crate::load::{Loaded, parse};
use crate::validate::validate;

const SMALL_SPEC: &str = r#"
module: demo
doc: A small module for the snapshot.
types:
  - name: Kind
    values: [jsapi, wx_card]
  - name: Item
    doc: One item.
    fields:
      - name: id
        type: i64
      - name: tags
        type: list<string>
        optional: true
endpoints:
  - name: get_thing
    doc: Gets a thing.
    link: https://example.com/doc
    method: GET
    path: /cgi-bin/thing
    credential: access_token
    query:
      - name: type
        rust: kind
        type: Kind
      - name: grant_type
        value: client_credential
      - name: appid
        from: appid
      - name: lang
        optional: true
    response:
      - name: ticket
        secret: true
      - name: items
        type: list<Item>
  - name: post_thing
    method: POST
    host: open.weixin.qq.com
    path: /cgi-bin/post
    credential: component_access_token
    hook: remember_thing
    body:
      - name: component_appid
        from: component_appid
      - name: force
        type: bool
        value: "false"
    response:
      - name: errmsg
        optional: true
    example: '{"errcode": 0, "errmsg": "ok"}'
"#;

fn expand(spec: &str) -> String {
    let path = PathBuf::from("spec/demo.yaml");
    let parsed = parse(&path, spec).expect("spec parses");
    let api = validate(&[Loaded {
        display_path: path.clone(),
        absolute_path: PathBuf::from("/spec/demo.yaml"),
        spec: parsed,
    }])
    .expect("spec is valid");
    let tokens = super::generate(&api);
    let file: syn::File = syn::parse2(tokens).expect("generated code parses as a Rust file");
    prettyplease::unparse(&file)
}

#[test]
fn generated_code_for_a_small_spec() {
    insta::assert_snapshot!(expand(SMALL_SPEC));
}

#[test]
fn generated_code_is_deterministic() {
    assert_eq!(expand(SMALL_SPEC), expand(SMALL_SPEC));
}

/// The real spec expands to valid Rust; `--nocapture` prints its size (the
/// figure README quotes).
#[test]
fn the_real_spec_expands_to_a_rust_file() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec");
    let files = crate::load::load_dir(&dir).expect("the real spec loads");
    let api = validate(&files).expect("the real spec is valid");
    let file: syn::File = syn::parse2(super::generate(&api)).expect("generated code parses");
    let text = prettyplease::unparse(&file);
    let endpoints: usize = api.modules.iter().map(|m| m.endpoints.len()).sum();
    assert!(endpoints >= 16, "the seed's endpoints are all in the spec");
    eprintln!(
        "generated code for {endpoints} endpoints in {} modules: {} lines, {} bytes",
        api.modules.len(),
        text.lines().count(),
        text.len()
    );
}

#[test]
fn fixed_parameters_with_keyword_or_odd_wire_names_still_generate_rust() {
    let spec = "module: m\nendpoints:\n  - name: x\n    method: GET\n    path: /x\n    query:\n      - name: type\n        value: jsapi\n      - name: a-b\n        from: appid\n      - name: a_b\n        from: secret\n";
    let code = expand(spec);
    assert!(
        code.contains("#[serde(rename = \"type\")]") && code.contains("param_0: &'static str"),
        "{code}"
    );
    assert!(
        code.contains("#[serde(rename = \"a-b\")]") && code.contains("param_1: &'r str"),
        "{code}"
    );
    assert!(code.contains("a_b: &'r str"), "{code}");
}
