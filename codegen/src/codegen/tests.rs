//! Snapshot of the code generated for a small spec, so reviewers see what the
//! macro emits (`cargo insta review` after an intended change).

use crate::validate::Options;

const INTERNAL: Options = Options { internal: true };
const EXTENSION: Options = Options { internal: false };

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
    example: '{"errcode": 0, "errmsg": "ok"}'
"#;

fn expand_with(spec: &str, options: Options) -> String {
    let tokens = crate::generate_from_sources(&[("spec/demo.yaml", spec)], options)
        .unwrap_or_else(|e| panic!("spec is valid: {e:?}"));
    let file: syn::File = syn::parse2(tokens).expect("generated code parses as a Rust file");
    prettyplease::unparse(&file)
}

fn expand(spec: &str) -> String {
    expand_with(spec, INTERNAL)
}

#[test]
fn generated_code_for_a_small_spec() {
    insta::assert_snapshot!(expand(SMALL_SPEC));
}

#[test]
fn generated_code_is_deterministic() {
    assert_eq!(expand(SMALL_SPEC), expand(SMALL_SPEC));
}

/// `expand_modules` (wechat-api's unit-test build) keeps the named modules'
/// endpoints and no other's; a name that is no module is a compile error.
#[test]
fn expand_modules_keeps_the_endpoints_of_the_named_modules_only() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec");
    let keep = ["component".to_owned(), "message".to_owned()];
    let tokens = crate::expand_modules(&dir, INTERNAL, &keep);
    let file: syn::File = syn::parse2(tokens).expect("generated code parses");
    let text = prettyplease::unparse(&file);
    assert!(text.contains("pub async fn query_auth("), "component's");
    assert!(text.contains("pub async fn custom_send("), "message's");
    assert!(!text.contains("pub async fn get_ticket("), "official's");
    assert!(!text.contains("compile_error"));
    let typo = crate::expand_modules(&dir, INTERNAL, &["componnet".to_owned()]).to_string();
    assert!(typo.contains("no spec module named `componnet`"), "{typo}");
}

/// The real spec expands to valid Rust; `--nocapture` prints its size (the
/// figure README quotes).
#[test]
fn the_real_spec_expands_to_a_rust_file() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec");
    let (files, errors) = crate::load::load_dir(&dir);
    assert_eq!(errors, vec![], "the real spec loads");
    let validated = crate::validate::validate(&files, INTERNAL);
    assert_eq!(validated.errors, vec![], "the real spec is valid");
    let api = validated.api;
    let file: syn::File =
        syn::parse2(super::generate(&api, INTERNAL)).expect("generated code parses");
    let text = prettyplease::unparse(&file);
    let endpoints: usize = api.modules.iter().map(|m| m.endpoints.len()).sum();
    // the breadth issue's floor; every endpoint became a method
    assert!(endpoints >= 170, "{endpoints} endpoints");
    for module in &api.modules {
        for endpoint in &module.endpoints {
            let method = format!("pub async fn {}(", endpoint.name);
            assert!(
                text.contains(&method),
                "{}.{} has no method",
                module.name,
                endpoint.name
            );
        }
    }
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

/// One snapshot per format capability (spec/README.md shows each spec).
mod capabilities {
    use super::{EXTENSION, expand, expand_with};

    #[test]
    fn path_parameters() {
        insta::assert_snapshot!(expand(
            "module: m\nendpoints:\n  - name: get_item\n    method: GET\n    path: /wxa/{kind}/{item_id}\n    credential: access_token\n    path_params:\n      - name: kind\n      - name: item_id\n        type: u64\n"
        ));
    }

    #[test]
    fn multipart_upload() {
        insta::assert_snapshot!(expand(
            "module: m\ntypes:\n  - name: VideoDescription\n    fields:\n      - name: title\n      - name: introduction\nendpoints:\n  - name: add_material\n    method: POST\n    path: /cgi-bin/material/add_material\n    credential: access_token\n    query:\n      - name: type\n        rust: media_type\n    multipart:\n      - name: media\n        type: file\n      - name: description\n        type: json_string<VideoDescription>\n        optional: true\n    response:\n      - name: media_id\n"
        ));
    }

    #[test]
    fn binary_answers() {
        insta::assert_snapshot!(expand(
            "module: m\nendpoints:\n  - name: show\n    method: GET\n    host: mp.weixin.qq.com\n    path: /cgi-bin/showqrcode\n    query:\n      - name: ticket\n    answer: media\n  - name: get_material\n    method: POST\n    path: /cgi-bin/material/get_material\n    credential: access_token\n    body:\n      - name: media_id\n    answer: media_or_json\n    response:\n      - name: down_url\n        optional: true\n"
        ));
    }

    #[test]
    fn tagged_unions() {
        insta::assert_snapshot!(expand(
            "module: m\ntypes:\n  - name: TextContent\n    fields:\n      - name: content\n  - name: CustomMessage\n    tag: msgtype\n    content: sibling\n    variants:\n      - value: text\n        type: TextContent\n      - value: transfer_customer_service\n  - name: ClickButton\n    fields:\n      - name: name\n      - name: key\n  - name: SubMenu\n    fields:\n      - name: name\n      - name: sub_button\n        type: list<Button>\n  - name: Button\n    tag: type\n    content: inline\n    variants:\n      - value: click\n        type: ClickButton\n      - rust: Parent\n        type: SubMenu\nendpoints:\n  - name: send\n    method: POST\n    path: /cgi-bin/message/custom/send\n    credential: access_token\n    body:\n      - name: touser\n      - name: message\n        type: CustomMessage\n        flatten: true\n"
        ));
    }

    #[test]
    fn cursor_and_offset_paging() {
        insta::assert_snapshot!(expand(
            "module: m\ntypes:\n  - name: Ids\n    fields:\n      - name: openid\n        type: list<string>\nendpoints:\n  - name: followers\n    method: GET\n    path: /cgi-bin/user/get\n    credential: access_token\n    paging: {cursor: next_openid, items: data.openid}\n    query:\n      - name: next_openid\n        optional: true\n    response:\n      - name: count\n        type: i64\n      - name: data\n        type: Ids\n        optional: true\n      - name: next_openid\n        optional: true\n  - name: batch_get\n    method: POST\n    path: /cgi-bin/material/batchget_material\n    credential: access_token\n    paging: {offset: offset, count: count, total: total_count, items: item}\n    body:\n      - name: offset\n        type: u32\n      - name: count\n        type: u32\n    response:\n      - name: total_count\n        type: i64\n      - name: item\n        type: list<string>\n"
        ));
    }

    #[test]
    fn integer_enums_and_maps() {
        insta::assert_snapshot!(expand(
            "module: m\ntypes:\n  - name: AuditStatus\n    doc: The audit status.\n    values:\n      - value: 0\n        rust: Succeeded\n        doc: approved\n      - value: 1\n        rust: Rejected\n  - name: DataValue\n    fields:\n      - name: value\nendpoints:\n  - name: send\n    method: POST\n    path: /cgi-bin/message/template/send\n    credential: access_token\n    body:\n      - name: data\n        type: map<DataValue>\n    response:\n      - name: status\n        type: AuditStatus\n    example: '{\"errcode\": 0, \"status\": 1}'\n"
        ));
    }

    #[test]
    fn empty_bodies_and_credential_alias() {
        insta::assert_snapshot!(expand(
            "module: m\nendpoints:\n  - name: release\n    method: POST\n    path: /wxa/release\n    credential: access_token\n  - name: get_template_list\n    method: GET\n    path: /wxa/gettemplatelist\n    credential: component_access_token\n    credential_param: access_token\n"
        ));
    }

    #[test]
    fn extension_crate() {
        insta::assert_snapshot!(expand_with(
            "module: extra\nendpoints:\n  - name: foo\n    method: POST\n    path: /wxa/foo\n    credential: access_token\n    body:\n      - name: bar\n    response:\n      - name: baz\n",
            EXTENSION
        ));
    }
}

/// A file that does not parse is reported once: the other files are still
/// generated, and their references to its types are not errors of their own.
#[test]
fn a_broken_file_does_not_make_the_others_fail() {
    let dir = std::env::temp_dir().join(format!("wechat-spec-broken-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("a.yaml"),
        "module: a\ntypes:\n  - name: Shared\n    fields: [\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("b.yaml"),
        "module: b\nendpoints:\n  - name: x\n    method: GET\n    path: /x\n    response:\n      - name: s\n        type: Shared\n",
    )
    .unwrap();
    let text = crate::expand(&dir, INTERNAL).to_string();
    std::fs::remove_dir_all(&dir).unwrap();
    assert_eq!(text.matches("compile_error").count(), 1, "{text}");
    assert!(text.contains("a.yaml"), "{text}");
    assert!(
        text.contains("pub mod b"),
        "the other file is generated: {text}"
    );
}

const PAY_SPEC: &str = r#"
family: pay
module: refunds
types:
  - name: RefundStatus
    values: [SUCCESS, ABNORMAL]
endpoints:
  - name: apply_abnormal
    doc: Applies for an abnormal refund.
    link: https://example.com/pay
    method: POST
    path: /v3/refund/domestic/refunds/{refund_id}/apply-abnormal-refund
    path_params:
      - name: refund_id
    query:
      - name: mchid
        from: mchid
    body:
      - name: out_refund_no
      - name: real_name
        optional: true
        sensitive: true
    response:
      - name: status
        type: RefundStatus
      - name: user_received_account
        sensitive: true
  - name: close
    method: POST
    path: /v3/close/{no}
    path_params:
      - name: no
"#;

#[test]
fn generated_code_for_a_pay_endpoint() {
    let code = expand(PAY_SPEC);
    // plaintext in, ciphertext out; 204 is `()`; one signed transport
    assert!(code.contains("rt::Encryptor::new(self.pay)?"), "{code}");
    assert!(code.contains(".serial(encryptor.serial())"), "{code}");
    assert!(
        code.contains("pub user_received_account: rt::Ciphertext"),
        "{code}"
    );
    assert!(
        code.contains("rt::pay_send(self.pay, call).await?.empty()"),
        "{code}"
    );
    assert!(code.contains("#[cfg(feature = \"pay\")]"), "{code}");
    insta::assert_snapshot!(code);
}

#[test]
fn a_users_pay_spec_gets_an_extension_trait_on_wechat_pay() {
    let code = expand_with(PAY_SPEC, EXTENSION);
    assert!(code.contains("pub trait RefundsApi"), "{code}");
    assert!(
        code.contains("impl super::RefundsApi for rt::WechatPay"),
        "{code}"
    );
    assert!(!code.contains("feature = \"pay\""), "{code}");
}

/// A typo in a user's WeChat Pay spec is one compile error naming the file,
/// line and column of the typo (through `generate!`, whose expansion this
/// is); the user's other files are still generated.
#[test]
fn a_typo_in_a_users_pay_spec_is_one_error_at_its_line_and_column() {
    let dir = std::env::temp_dir().join(format!("wechat-spec-pay-typo-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("pay_orders.yaml"),
        "family: pay
module: pay_orders
endpoints:
  - name: close
    method: POST
    path: /v3/pay/transactions/out-trade-no/{out_trade_no}/close
    path_params:
      - name: out_trade_no
    body:
      - name: mchid
        from: mchid
      - name: real_name
        sensitve: true
",
    )
    .unwrap();
    std::fs::write(
        dir.join("pay_refunds.yaml"),
        "family: pay
module: pay_refunds
endpoints:
  - name: query
    method: GET
    path: /v3/refund/domestic/refunds/{out_refund_no}
    path_params:
      - name: out_refund_no
    response:
      - name: refund_id
",
    )
    .unwrap();
    let text = crate::expand(&dir, EXTENSION).to_string();
    std::fs::remove_dir_all(&dir).unwrap();
    assert_eq!(text.matches("compile_error").count(), 1, "{text}");
    assert!(text.contains("pay_orders.yaml:13:9"), "{text}");
    assert!(text.contains("sensitve"), "{text}");
    assert!(
        text.contains("pub trait PayRefundsApi"),
        "the other file is generated: {text}"
    );
}

/// Sensitive fields nested in named types: the request side holds
/// plaintext (`Sensitive`, encrypted while the body is written), the
/// answer side ciphertext (`Ciphertext`).
const PAY_NESTED_SPEC: &str = r#"
family: pay
module: onboarding
types:
  - name: Contact
    fields:
      - name: contact_name
        sensitive: true
      - name: mobile_phone
        optional: true
        sensitive: true
  - name: Receiver
    fields:
      - name: account
      - name: name
        optional: true
        sensitive: true
  - name: Found
    fields:
      - name: payer_phone
        sensitive: true
endpoints:
  - name: submit
    method: POST
    path: /v3/submit
    body:
      - name: contact_info
        type: Contact
      - name: receivers
        type: list<Receiver>
    response:
      - name: found
        type: Found
"#;

#[test]
fn nested_sensitive_fields_are_sealed_in_requests_and_ciphertext_in_answers() {
    let code = expand(PAY_NESTED_SPEC);
    assert!(code.contains("pub contact_name: rt::Sensitive"), "{code}");
    assert!(
        code.contains("pub mobile_phone: Option<rt::Sensitive>"),
        "{code}"
    );
    assert!(code.contains("pub payer_phone: rt::Ciphertext"), "{code}");
    assert!(
        code.contains("contact_name: rt::Sensitive::new(contact_name)"),
        "{code}"
    );
    assert!(code.contains(".json_sealed(&body, &encryptor)?"), "{code}");
    assert!(code.contains(".serial(encryptor.serial())"), "{code}");
    let listed = code
        .split("sensitive: &[")
        .nth(1)
        .and_then(|rest| rest.split(']').next())
        .unwrap_or_default()
        .split_whitespace()
        .collect::<String>();
    assert_eq!(
        listed.trim_end_matches(','),
        r#""contact_info.contact_name","contact_info.mobile_phone","receivers.name""#
    );
}
