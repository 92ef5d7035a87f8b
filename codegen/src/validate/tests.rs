//! Unit tests of spec validation: every class of error with its location,
//! and what a valid spec resolves to.

use std::path::PathBuf;

use super::*;
use crate::ir::{ConfigKey, Credential, ParamSource, Ty};
use crate::load::parse;

fn check(yaml: &str) -> Result<Api, SpecError> {
    let path = PathBuf::from("spec/t.yaml");
    let spec = parse(&path, yaml)?;
    first_error(validate(
        &[Loaded {
            display_path: path.clone(),
            absolute_path: path,
            spec,
        }],
        Options { internal: true },
    ))
}

fn err(yaml: &str) -> SpecError {
    check(yaml).expect_err("spec should be rejected")
}

#[test]
fn unknown_type_points_at_the_type_and_lists_known_ones() {
    let e = err(
        "module: m\ntypes:\n  - name: Info\n    fields:\n      - name: a\nendpoints:\n  - name: x\n    method: GET\n    path: /x\n    response:\n      - name: info\n        type: Infoo\n",
    );
    assert_eq!((e.line, e.column), (12, 15), "{e}");
    assert!(
        e.message.contains("unknown type `Infoo`") && e.message.contains("`Info`"),
        "{e}"
    );
}

#[test]
fn unknown_type_inside_a_list() {
    let e = err(
        "module: m\nendpoints:\n  - name: x\n    method: GET\n    path: /x\n    response:\n      - name: l\n        type: list<strin>\n",
    );
    assert!(e.message.contains("unknown type `strin`"), "{e}");
}

#[test]
fn semantic_errors_name_what_was_expected() {
    let cases = [
        (
            "module: m\nendpoints:\n  - name: x\n    method: PUT\n    path: /x\n",
            "bad HTTP method `PUT`",
            (4, 13),
        ),
        (
            "module: m\nendpoints:\n  - name: x\n    method: GET\n",
            "missing path",
            (3, 11),
        ),
        (
            "module: m\nendpoints:\n  - name: x\n    method: GET\n    path: /x\n    credential: token\n",
            "unknown credential kind `token`",
            (6, 17),
        ),
        (
            "module: m\nendpoints:\n  - name: queryAuth\n    method: GET\n    path: /x\n",
            "invalid identifier `queryAuth`",
            (3, 11),
        ),
        (
            "module: m\nendpoints:\n  - name: x\n    method: GET\n    path: /x\n  - name: x\n    method: GET\n    path: /y\n",
            "duplicate endpoint name `x`",
            (6, 11),
        ),
        (
            "module: m\nendpoints:\n  - name: x\n    method: GET\n    path: /x\n    query:\n      - name: type\n",
            "`type` is a Rust keyword",
            (7, 15),
        ),
        (
            "module: m\nendpoints:\n  - name: x\n    method: GET\n    path: /x\n    body:\n      - name: a\n",
            "is GET but has `body`",
            (7, 15),
        ),
        (
            "module: m\nendpoints:\n  - name: x\n    method: POST\n    path: /x\n    body:\n      - name: a\n        from: app_id\n",
            "unknown configuration value `app_id`",
            (8, 15),
        ),
        (
            "module: m\nendpoints:\n  - name: x\n    method: GET\n    path: /x\n    example: '{\"a\":'\n",
            "not a JSON object",
            (6, 14),
        ),
        (
            "module: m\nendpoints:\n  - name: x\n    method: GET\n    path: x\n",
            "invalid path `x`",
            (5, 11),
        ),
    ];
    for (yaml, expected, at) in cases {
        let e = err(yaml);
        assert!(
            e.message.contains(expected),
            "expected `{expected}` in: {e}"
        );
        assert_eq!((e.line, e.column), at, "{e}");
    }
}

#[test]
fn a_valid_spec_resolves_types_sources_and_defaults() {
    let api = check(
        "module: official\ntypes:\n  - name: TicketType\n    values: [jsapi, wx_card]\nendpoints:\n  - name: get_ticket\n    method: GET\n    path: /cgi-bin/ticket/getticket\n    credential: access_token\n    query:\n      - name: type\n        rust: ticket_type\n        type: TicketType\n      - name: grant_type\n        value: client_credential\n      - name: appid\n        from: appid\n    response:\n      - name: ticket\n        secret: true\n      - name: expires_in\n        type: u32\n        optional: true\n",
    )
    .unwrap();
    let module = &api.modules[0];
    let ep = &module.endpoints[0];
    assert_eq!(ep.host, DEFAULT_HOST);
    assert_eq!(ep.credential, Credential::AccessToken);
    assert!(
        matches!(&ep.params[0].source, ParamSource::Caller(f) if f.rust == "ticket_type" && matches!(&f.ty, Ty::Named(r) if r.name == "TicketType"))
    );
    assert!(
        matches!(&ep.params[1].source, ParamSource::Fixed { value, .. } if value == "client_credential")
    );
    assert_eq!(ep.params[2].source, ParamSource::Config(ConfigKey::AppId));
    assert!(ep.response[0].secret);
    assert!(ep.response[1].optional);
    assert_eq!(module.types.len(), 1);
}

fn errors(yaml: &str, options: Options) -> Vec<SpecError> {
    let path = PathBuf::from("spec/t.yaml");
    let spec = parse(&path, yaml).expect("YAML parses");
    validate(
        &[Loaded {
            display_path: path.clone(),
            absolute_path: path,
            spec,
        }],
        options,
    )
    .errors
}

const ENDPOINT: &str = "module: m\nendpoints:\n  - name: x\n    method: POST\n    path: /x\n";

#[test]
fn spec_v2_errors_name_what_was_expected() {
    let cases = [
        (
            "module: m\nendpoints:\n  - name: x\n    method: GET\n    path: /wxa/{id}\n",
            "`{id}` in the path is not declared",
            (5, 11),
        ),
        (
            "module: m\nendpoints:\n  - name: x\n    method: GET\n    path: /wxa/{id\n",
            "a `{` without its `}`",
            (5, 11),
        ),
        (
            "module: m\nendpoints:\n  - name: x\n    method: GET\n    path: /wxa\n    path_params:\n      - name: id\n",
            "does not appear in the path",
            (7, 15),
        ),
        (
            "module: m\nendpoints:\n  - name: x\n    method: GET\n    path: /x\n    query:\n      - name: ids\n        type: list<string>\n",
            "cannot be a path or query parameter",
            (8, 15),
        ),
        (
            "module: m\nendpoints:\n  - name: x\n    method: POST\n    path: /x\n    body:\n      - name: media\n        type: file\n",
            "`file` is only for multipart parts",
            (8, 15),
        ),
        (
            "module: m\nendpoints:\n  - name: x\n    method: POST\n    path: /x\n    answer: bytes\n",
            "unknown answer kind `bytes`",
            (6, 13),
        ),
        (
            "module: m\nendpoints:\n  - name: x\n    method: GET\n    path: /x\n    credential_param: access_token\n",
            "this endpoint has none",
            (6, 23),
        ),
        (
            "module: m\ntypes:\n  - name: Status\n    values: [0, ok]\n",
            "mixes integer and string values",
            (3, 11),
        ),
        (
            "module: m\ntypes:\n  - name: Msg\n    tag: msgtype\n    content: nested\n    variants:\n      - value: text\n",
            "unknown union content `nested`",
            (5, 14),
        ),
        (
            "module: m\ntypes:\n  - name: Msg\n    tag: msgtype\n    content: sibling\n    variants:\n      - rust: Bare\n        type: Msg\n",
            "every variant of a `sibling` union needs a `value`",
            (7, 15),
        ),
        (
            "module: m\ntypes:\n  - name: Node\n    fields:\n      - name: next\n        type: Node\n        optional: true\n",
            "contains itself without a list",
            (3, 11),
        ),
    ];
    for (yaml, expected, at) in cases {
        let found = errors(yaml, Options { internal: true });
        assert_eq!(
            found.len(),
            1,
            "one error expected for {expected}: {found:?}"
        );
        let e = &found[0];
        assert!(
            e.message.contains(expected),
            "expected `{expected}` in: {e}"
        );
        assert_eq!((e.line, e.column), at, "{e}");
    }
}

#[test]
fn examples_are_checked_against_their_types() {
    let spec = |example: &str| {
        format!(
            "module: m\nendpoints:\n  - name: x\n    method: GET\n    path: /x\n    response:\n      - name: total\n        type: u32\n      - name: info\n        type: Info\n        optional: true\n    example: |\n      {example}\ntypes:\n  - name: Info\n    fields:\n      - name: id\n        type: i64\n"
        )
    };
    let ok = errors(
        &spec(r#"{"errcode": 0, "total": 2, "info": {"id": -1}}"#),
        Options::default(),
    );
    assert_eq!(ok, vec![]);
    for (example, expected) in [
        (
            r#"{"total": "two"}"#,
            "`total` is a string, but the spec says `u32`",
        ),
        (
            r#"{"total": -2}"#,
            "`total` is a negative integer, but the spec says `u32`",
        ),
        (r#"{"info": {"id": 1}}"#, "`total` is missing"),
        (
            r#"{"total": 1, "info": {"id": "x"}}"#,
            "`info.id` is a string",
        ),
        (
            r#"{"total": 1, "extra": true}"#,
            "`extra` is not declared in the spec",
        ),
    ] {
        let found = errors(&spec(example), Options::default());
        assert_eq!(found.len(), 1, "{example}: {found:?}");
        assert!(
            found[0].message.contains(expected),
            "{example}: {}",
            found[0]
        );
        // block scalars report the line of their first content line: the JSON
        assert_eq!(found[0].line, 13, "{}", found[0]);
    }
}

#[test]
fn hooks_belong_to_wechat_api_itself() {
    let yaml = format!("{ENDPOINT}    hook: remember_authorization\n");
    assert_eq!(errors(&yaml, Options { internal: true }), vec![]);
    let found = errors(&yaml, Options { internal: false });
    assert_eq!(found.len(), 1);
    assert!(found[0].message.contains("cannot name one"), "{}", found[0]);
    let unknown = format!("{ENDPOINT}    hook: remember_everything\n");
    let found = errors(&unknown, Options { internal: true });
    assert_eq!(found.len(), 1);
    assert!(
        found[0]
            .message
            .contains("unknown hook `remember_everything`"),
        "{}",
        found[0]
    );
    assert!(
        found[0].message.contains("`remember_authorization`"),
        "{}",
        found[0]
    );
}

#[test]
fn one_error_does_not_hide_the_rest_of_the_spec() {
    let yaml = "module: m\nendpoints:\n  - name: good\n    method: GET\n    path: /good\n  - name: bad\n    method: GET\n    path: /bad\n    response:\n      - name: total\n        type: integr\n";
    let path = PathBuf::from("spec/t.yaml");
    let spec = parse(&path, yaml).unwrap();
    let validated = validate(
        &[Loaded {
            display_path: path.clone(),
            absolute_path: path,
            spec,
        }],
        Options::default(),
    );
    assert_eq!(validated.errors.len(), 1, "{:?}", validated.errors);
    let names: Vec<&str> = validated.api.modules[0]
        .endpoints
        .iter()
        .map(|e| e.name.as_str())
        .collect();
    assert_eq!(
        names,
        ["good", "bad"],
        "both are generated, `bad` with a stand-in type"
    );
    assert_eq!(
        validated.api.modules[0].endpoints[1].response[0].ty,
        Ty::Json
    );
}

#[test]
fn types_are_shared_across_files_and_must_be_unique() {
    let load = |name: &str, yaml: &str| Loaded {
        display_path: PathBuf::from(name),
        absolute_path: PathBuf::from(name),
        spec: parse(std::path::Path::new(name), yaml).unwrap(),
    };
    let shared = load(
        "spec/shared.yaml",
        "module: shared\ntypes:\n  - name: Article\n    fields:\n      - name: title\n",
    );
    let user = load(
        "spec/user.yaml",
        "module: user\nendpoints:\n  - name: x\n    method: GET\n    path: /x\n    response:\n      - name: a\n        type: Article\n",
    );
    let validated = validate(&[shared, user], Options::default());
    assert_eq!(validated.errors, vec![]);
    let field = &validated.api.modules[1].endpoints[0].response[0];
    assert!(matches!(&field.ty, Ty::Named(r) if r.module == "shared"));
    let twice = load(
        "spec/z.yaml",
        "module: z\ntypes:\n  - name: Article\n    fields:\n      - name: x\n",
    );
    let shared = load(
        "spec/shared.yaml",
        "module: shared\ntypes:\n  - name: Article\n    fields:\n      - name: title\n",
    );
    let found = validate(&[shared, twice], Options::default()).errors;
    assert_eq!(found.len(), 1);
    assert!(
        found[0]
            .message
            .contains("already defined in module `shared`"),
        "{}",
        found[0]
    );
}

const PAY_HEAD: &str = "family: pay\nmodule: orders\nendpoints:\n  - name: close\n    method: POST\n    path: /v3/pay/transactions/out-trade-no/{out_trade_no}/close\n    path_params:\n      - name: out_trade_no\n";

#[test]
fn a_pay_file_resolves_its_family_host_and_mchid() {
    let api = check(&format!(
        "{PAY_HEAD}    body:\n      - name: mchid\n        from: mchid\n      - name: bank_account\n        sensitive: true\n"
    ))
    .expect("valid pay spec");
    let m = &api.modules[0];
    assert_eq!(m.family, crate::ir::Family::Pay);
    let e = &m.endpoints[0];
    assert_eq!(e.host, PAY_HOST);
    assert_eq!(e.credential, Credential::None);
    assert!(matches!(
        e.params[1].source,
        ParamSource::Config(ConfigKey::MchId)
    ));
    let ParamSource::Caller(f) = &e.params[2].source else {
        panic!("caller field")
    };
    assert!(f.sensitive && f.secret);
}

#[test]
fn a_token_credential_in_a_pay_file_is_an_error_at_its_node() {
    let e = err(&format!("{PAY_HEAD}    credential: access_token\n"));
    assert_eq!((e.line, e.column), (9, 17), "{e}");
    assert!(e.message.contains("takes no token `credential`"), "{e}");
}

#[test]
fn a_sensitive_non_string_is_an_error() {
    let e = err(&format!(
        "{PAY_HEAD}    body:\n      - name: amount\n        type: i64\n        sensitive: true\n"
    ));
    assert_eq!((e.line, e.column), (12, 20), "{e}");
    assert!(e.message.contains("must be a string"), "{e}");
}

#[test]
fn sensitive_outside_pay_and_in_a_query_are_errors() {
    let e = err(
        "module: m\nendpoints:\n  - name: x\n    method: POST\n    path: /x\n    body:\n      - name: a\n        sensitive: true\n",
    );
    assert!(e.message.contains("for WeChat Pay files"), "{e}");
    let e = err(&format!(
        "{PAY_HEAD}    query:\n      - name: a\n        sensitive: true\n"
    ));
    assert!(e.message.contains("only JSON body parameters"), "{e}");
}

#[test]
fn an_undeclared_pay_path_parameter_and_a_wechat_mchid_are_errors() {
    let e = err(
        "family: pay\nmodule: orders\nendpoints:\n  - name: q\n    method: GET\n    path: /v3/pay/transactions/id/{transaction_id}\n",
    );
    assert!(e.message.contains("is not declared"), "{e}");
    let e = err(
        "module: m\nendpoints:\n  - name: x\n    method: GET\n    path: /x\n    query:\n      - name: mchid\n        from: mchid\n",
    );
    assert!(
        e.message.contains("unknown configuration value `mchid`"),
        "{e}"
    );
    let e = err("family: alipay\nmodule: m\n");
    assert!(e.message.contains("unknown family `alipay`"), "{e}");
}

const PAGED: &str = "module: m\ntypes:\n  - name: Ids\n    fields:\n      - name: openid\n        type: list<string>\nendpoints:\n  - name: list\n    method: GET\n    path: /x\n    credential: access_token\n    query:\n      - name: next_openid\n        optional: true\n      - name: offset\n        type: u32\n      - name: count\n        type: u32\n    response:\n      - name: total\n        type: i64\n      - name: data\n        type: Ids\n        optional: true\n      - name: next_openid\n        optional: true\n";

#[test]
fn paging_resolves_cursor_and_offset_fields() {
    let api = check(&format!(
        "{PAGED}    paging: {{cursor: next_openid, items: data.openid}}\n"
    ))
    .expect("valid");
    let paging = api.modules[0].endpoints[0].paging.clone().expect("paged");
    let crate::ir::PagingKind::Cursor { request, answer } = paging.kind else {
        panic!("{paging:?}");
    };
    assert_eq!(
        (request.rust.as_str(), answer.optional),
        ("next_openid", true)
    );
    let items: Vec<(&str, bool)> = paging
        .items
        .iter()
        .map(|s| (s.rust.as_str(), s.optional))
        .collect();
    assert_eq!(items, [("data", true), ("openid", false)]);

    let api = check(&format!(
        "{PAGED}    paging: {{offset: offset, count: count, total: total, items: data.openid}}\n"
    ))
    .expect("valid");
    assert!(matches!(
        api.modules[0].endpoints[0].paging.as_ref().map(|p| &p.kind),
        Some(crate::ir::PagingKind::Offset { .. })
    ));
}

#[test]
fn paging_errors_point_at_the_key() {
    let cases = [
        (
            "paging: {cursor: nope, items: data.openid}",
            "is not a request field",
            27,
        ),
        (
            "paging: {cursor: offset, items: data.openid}",
            "must be an optional string request field",
            27,
        ),
        (
            "paging: {cursor: next_openid, next: total, items: data.openid}",
            "must be a string answer field",
            27,
        ),
        (
            "paging: {cursor: next_openid, items: data}",
            "must lead to a list",
            27,
        ),
        (
            "paging: {cursor: next_openid, items: data.nope}",
            "`nope` is not a field",
            27,
        ),
        (
            "paging: {offset: offset, count: count, items: data.openid}",
            "needs `total`",
            27,
        ),
        (
            "paging: {offset: next_openid, count: count, total: total, items: data.openid}",
            "must be an integer request field",
            27,
        ),
        (
            "paging: {offset: offset, count: count, total: next_openid, items: data.openid}",
            "must be an integer answer field",
            27,
        ),
        (
            "paging: {cursor: next_openid, offset: offset, items: data.openid}",
            "not both",
            27,
        ),
        ("paging: {items: data.openid}", "needs `cursor`", 27),
        (
            "paging: {cursor: next_openid, items: data.openid, pages: 3}",
            "unknown field `pages`",
            27,
        ),
    ];
    for (paging, message, line) in cases {
        let e = err(&format!("{PAGED}    {paging}\n"));
        assert!(e.message.contains(message), "{paging}: {e}");
        assert_eq!(e.line, line, "{paging}: {e}");
        assert!(e.column > 4, "{paging}: {e}");
    }
}
