//! No error and no log line quotes what a sender chose.
//!
//! A push is read before anything about it is trusted, and its errors end
//! up in logs: an error quoting the input would let anyone write forged log
//! lines (a line feed in a tag name), terminal escapes, or a megabyte-long
//! line. So errors give the kind of fault, byte offsets and lengths.
//!
//! The property tests put a unique marker everywhere a parser could pick
//! text up (tag names, entity names, attribute values, CDATA, numbers,
//! query parameters, receive ids) and check that the marker never comes
//! back in an error's `Display` or `Debug`, that no control character does,
//! and that the message stays short whatever the input's size. The last
//! test sends such requests to the example callback server and checks its
//! log lines the same way.

use wechat_api_test_support::platform as sandbox_flow;

use proptest::prelude::*;
use wechat_api::Error;
use wechat_api::crypto::{Envelope, MsgCrypt, msg_signature};
use wechat_api::event::{ComponentEvent, Message, Push};
use wechat_api::server::EVENTS_PATH;
use wechat_api_test_support::platform::{JSSDK_PATH, Platform};
use wechat_sandbox::SandboxConfig;

const TOKEN: &str = "spamtest";
const AES_KEY: &str = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";
const APPID: &str = "wx2c2769f8efd9abc2";

/// The longest an error's `Display` or `Debug` may be, whatever the input.
const MAX_MESSAGE: usize = 200;

/// A marker that cannot occur in an error message by chance: no message
/// has lowercase letters running into digits into capitals.
fn marker() -> impl Strategy<Value = String> {
    "[a-z]{4}[0-9]{4}[A-Z]{4}"
}

/// The start of `text`, escaped, for a failure message.
fn excerpt(text: &str) -> String {
    let start: String = text.chars().take(240).collect();
    format!("{:?}… ({} bytes)", start, text.len())
}

/// Whether `error` is clean: no marker, no control character, short.
fn clean(error: &Error, marker: &str) -> Result<(), String> {
    for text in [error.to_string(), format!("{error:?}")] {
        if text.contains(marker) {
            return Err(format!("the input is quoted: {}", excerpt(&text)));
        }
        if text.chars().any(char::is_control) {
            return Err(format!("a control character: {}", excerpt(&text)));
        }
        if text.len() > MAX_MESSAGE {
            return Err(format!("too long: {}", excerpt(&text)));
        }
    }
    Ok(())
}

/// Documents built around `name` (a tag or entity name holding the marker)
/// and `marker` itself, each reaching another error path.
fn documents(name: &str, marker: &str) -> Vec<String> {
    let verify_ticket = |create_time: &str| {
        format!(
            "<xml><AppId>wx1</AppId><CreateTime>{create_time}</CreateTime>\
             <InfoType>component_verify_ticket</InfoType>\
             <ComponentVerifyTicket>t</ComponentVerifyTicket></xml>"
        )
    };
    let message = |msg_type: &str, tail: &str| {
        format!(
            "<xml><ToUserName>a</ToUserName><FromUserName>b</FromUserName>\
             <CreateTime>1</CreateTime><MsgType>{msg_type}</MsgType>{tail}</xml>"
        )
    };
    vec![
        // tag names
        format!("<xml><Encrypt>x</Encrypt><{name}>x</A></xml>"),
        format!("<xml><A>x</{name}></xml>"),
        format!("<xml><{name}>x</{name}><Encrypt>y</Encrypt>"),
        format!("<xml><{name}>"),
        format!("</{name}>"),
        format!("<xml/><{name}/>"),
        format!("<{name}/><xml/>"),
        format!("<xml><Encrypt>x</Encrypt></{name}>"),
        // entity names and character references
        format!("<xml><Encrypt>&{name};</Encrypt></xml>"),
        format!("<xml><Content>a&{name};b</Content><MsgType>text</MsgType></xml>"),
        format!("<xml><AppId>&#{marker};</AppId><InfoType>x</InfoType></xml>"),
        format!("<xml><Encrypt>&#x{marker};</Encrypt></xml>"),
        format!("<xml><Encrypt>&{name}</Encrypt></xml>"),
        // attribute values
        format!("<xml><Encrypt k=\"{marker}\n\u{1b}[31m\">x</Encrypt><B></C></xml>"),
        format!("<xml><Encrypt k=\"{marker}"),
        format!("<xml k='{marker}>"),
        format!("<xml><A {name}>x</B></xml>"),
        // CDATA, comments, processing instructions, declarations
        format!("<xml><Encrypt><![CDATA[{marker}\n"),
        format!("<xml><Encrypt><![CDATA[{marker}]]></Encrypt><{name}></xml>"),
        format!("<xml><!--{marker}"),
        format!("<?{name}"),
        format!("<?xml {name}?><xml/>"),
        format!("<?xml version=\"{marker}\"?><xml/>"),
        format!("<!DOCTYPE {name}"),
        format!("<!{marker}"),
        // plain text and CDATA values
        format!("<xml><Encrypt>{marker}</Encrypt></xml>"),
        format!("<xml><Encrypt><![CDATA[{marker}\u{1b}]]></Encrypt></xml>"),
        format!("{marker}<xml/>"),
        format!("<xml/>{marker}"),
        // numbers and known pushes
        verify_ticket(marker),
        verify_ticket(&format!("<![CDATA[{marker}\n]]>")),
        message(
            "text",
            &format!("<Content>c</Content><MsgId>{marker}</MsgId>"),
        ),
        message(
            "event",
            &format!("<Event>LOCATION</Event><Latitude>{marker}</Latitude>"),
        ),
        message("event", &format!("<Precision>1{marker}</Precision>")),
        format!("<xml><MsgType>text</MsgType><CreateTime>{marker}</CreateTime></xml>"),
        format!("<xml><InfoType>{marker}\n</InfoType><AppId>{name}</AppId></xml>"),
    ]
}

/// The errors of every public parser of a push on `doc`.
fn parse_errors(doc: &str) -> Vec<Error> {
    let mut errors = Vec::new();
    errors.extend(Envelope::parse(doc).err());
    errors.extend(ComponentEvent::from_xml(doc).err());
    errors.extend(Message::from_xml(doc).err());
    errors.extend(Push::from_xml(doc).err());
    errors
}

/// Every public parser of a push, and the decryption paths, on `doc`; the
/// query parameters come from the sender too. Returns how many errors were
/// checked.
fn check_all(doc: &str, query: &str, marker: &str) -> Result<usize, String> {
    let crypt = MsgCrypt::new(TOKEN, AES_KEY, APPID).map_err(|e| e.to_string())?;
    let guarded = MsgCrypt::builder(TOKEN, AES_KEY, APPID)
        .max_timestamp_age(std::time::Duration::from_secs(300))
        .build()
        .map_err(|e| e.to_string())?;
    let mut errors = parse_errors(doc);
    errors.extend(crypt.decrypt_push(query, query, query, doc).err());
    errors.extend(crypt.decrypt(doc).err());
    errors.extend(crypt.verify_url(query, query, query, doc).err());
    errors.extend(crypt.verify_url_plain(query, query, query, doc).err());
    errors.extend(guarded.check_timestamp(query).err());
    // With a valid signature over whatever `Encrypt` holds: the base64,
    // length and padding checks see the sender's text.
    if let Ok(envelope) = Envelope::parse(doc) {
        let signature = msg_signature(TOKEN, "1409735669", query, &envelope.encrypt);
        errors.extend(
            crypt
                .decrypt_push(&signature, "1409735669", query, doc)
                .err(),
        );
        let signature = msg_signature(TOKEN, query, query, &envelope.encrypt);
        errors.extend(guarded.decrypt_push(&signature, query, query, doc).err());
    }
    for error in &errors {
        clean(error, marker).map_err(|e| format!("{e}\n  from {}", excerpt(doc)))?;
    }
    Ok(errors.len())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    /// Hostile documents with the marker in every kind of place.
    #[test]
    fn no_error_quotes_a_hostile_document(
        marker in marker(),
        prefix in prop_oneof![
            Just(String::new()),
            "[a-zA-Z_]{1,8}",
            Just("\u{1b}[31m".to_owned()),
            Just("a\u{7}b".to_owned()),
            "[a-z]{1,4}:",
        ],
        padding in 0usize..2000,
        query in prop_oneof![Just(String::new()), "\\PC{0,8}"],
        query_has_marker in any::<bool>(),
    ) {
        let name = format!("{prefix}{}{marker}", "n".repeat(padding));
        let query = if query_has_marker { format!("{query}{marker}\n") } else { query };
        let mut checked = 0;
        for doc in documents(&name, &marker) {
            checked += check_all(&doc, &query, &marker).map_err(TestCaseError::fail)?;
        }
        // Not vacuous: most of these documents are errors on several paths.
        prop_assert!(checked > 100, "only {} errors", checked);
    }

    /// Arbitrary bytes (as a lossy string) with the marker spliced in.
    #[test]
    fn no_error_quotes_arbitrary_input(
        marker in marker(),
        bytes in proptest::collection::vec(any::<u8>(), 0..300),
        at in any::<prop::sample::Index>(),
        query in "\\PC{0,12}",
    ) {
        let text = String::from_utf8_lossy(&bytes).into_owned();
        let mut cut = at.index(text.len() + 1);
        while !text.is_char_boundary(cut) {
            cut -= 1;
        }
        let doc = format!("{}{marker}{}", &text[..cut], &text[cut..]);
        check_all(&doc, &format!("{query}{marker}"), &marker).map_err(TestCaseError::fail)?;
    }

    /// A decrypted message for another receiver: a receive id that does not
    /// look like an AppId (a control character, markup, a space, or more
    /// than 32 characters) is described by its length, never quoted.
    #[test]
    fn a_foreign_receive_id_is_not_quoted(
        marker in marker(),
        prefix in "\\PC{0,8}",
        separator in prop_oneof![
            Just("\n".to_owned()),
            Just("\u{1b}[0m".to_owned()),
            Just(" ".to_owned()),
            Just("<b>".to_owned()),
            Just("\u{0}".to_owned()),
            Just("é".to_owned()),
            "[a-z0-9]{21,40}",
        ],
        message in "\\PC{0,40}",
    ) {
        let receive_id = format!("{prefix}{marker}{separator}");
        let sender = MsgCrypt::new(TOKEN, AES_KEY, receive_id.as_str()).expect("valid config");
        let reply = sender.encrypt_reply(&message, "1409735669", "n").expect("encrypts");
        let envelope = Envelope::parse(&reply).expect("an envelope");
        let signature = envelope.msg_signature.as_deref().expect("signed");
        let ours = MsgCrypt::new(TOKEN, AES_KEY, APPID).expect("valid config");
        let error = ours
            .decrypt_push(signature, "1409735669", "n", &reply)
            .expect_err("another receiver");
        prop_assert!(matches!(error, Error::ReceiveIdMismatch { .. }), "{:?}", error);
        clean(&error, &marker).map_err(TestCaseError::fail)?;
        prop_assert!(
            error.to_string().contains(&format!("{} bytes", receive_id.len())),
            "{}",
            error
        );
    }
}

/// Names of a megabyte: the message stays short.
#[test]
fn a_megabyte_name_gives_a_short_error() {
    let marker = "abcd1234WXYZ";
    let name = format!("{}\u{1b}{marker}", "n".repeat(1 << 20));
    let mut checked = 0;
    for doc in documents(&name, marker) {
        if !doc.contains(&name) {
            continue;
        }
        // Two parsers (the envelope's and the events'): each reads the
        // name once more, which takes a while in a debug build.
        let errors = [Envelope::parse(&doc).err(), Push::from_xml(&doc).err()];
        for error in errors.iter().flatten() {
            clean(error, marker).unwrap_or_else(|e| panic!("{e}"));
            checked += 1;
        }
    }
    assert!(checked > 20, "only {checked} errors");
}

/// The one receive id that is quoted: an AppId-shaped one, because which
/// AppId a push was for is what an operator needs to see. It is protected
/// by the signature and the AES key, and cannot hold a control character.
#[test]
fn an_appid_shaped_receive_id_is_quoted() {
    let sender = MsgCrypt::new(TOKEN, AES_KEY, "wx0000000000000000").expect("valid config");
    let encrypt = sender.encrypt("<xml/>").expect("encrypts");
    let ours = MsgCrypt::new(TOKEN, AES_KEY, APPID).expect("valid config");
    match ours.decrypt(&encrypt) {
        Err(Error::ReceiveIdMismatch { expected, actual }) => {
            assert_eq!(expected, APPID);
            assert_eq!(actual, "wx0000000000000000");
        }
        other => panic!("expected a receive id mismatch, got {other:?}"),
    }
}

// ---- the example callback server's log lines ------------------------------

/// A `(query, body)` push signed and encrypted with the sandbox's keys, as
/// only WeChat could send it, addressed to `receive_id`.
fn verified_push(
    sandbox: &wechat_sandbox::Sandbox,
    receive_id: &str,
    plaintext: &str,
) -> (String, String) {
    let config = sandbox.config();
    let crypt = MsgCrypt::new(
        config.component_token(),
        config.component_aes_key(),
        receive_id,
    )
    .expect("valid keys");
    let timestamp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("after 1970")
        .as_secs()
        .to_string();
    let body = crypt
        .encrypt_reply(plaintext, &timestamp, "nonce")
        .expect("encrypts");
    let signature = Envelope::parse(&body)
        .expect("an envelope")
        .msg_signature
        .expect("signed")
        .into_owned();
    let query =
        format!("msg_signature={signature}&timestamp={timestamp}&nonce=nonce&encrypt_type=aes");
    (query, body)
}

/// Hostile requests to the callback server: its log lines quote none of
/// what they carry, hold no control character and stay short.
#[tokio::test]
async fn the_callback_server_logs_no_request_text() {
    let marker = "wxyz9876QRST";
    // This test's runtime has one thread: every task logs on it.
    let captured = wechat_api_test_support::logs::capture(tracing::Level::INFO);

    let sandbox = sandbox_flow::sandbox_with(SandboxConfig::builder()).await;
    let client = sandbox_flow::client(&sandbox);
    let server = Platform::serve(client).await;
    let base = server.url().clone();
    let http = wechat_api_test_support::platform::browser();
    let events = base.join(EVENTS_PATH).expect("a URL");

    // Unauthenticated: anyone can send these.
    let long_name = format!("{}{marker}", "n".repeat(900 * 1024));
    let hostile_query =
        format!("msg_signature={marker}%0Aforged&timestamp={marker}&nonce=%1B{marker}");
    let mut requests: Vec<(String, Vec<u8>)> = documents(&format!("\u{1b}{marker}"), marker)
        .into_iter()
        .chain(documents(&long_name, marker).into_iter().take(8))
        .map(|doc| (hostile_query.clone(), doc.into_bytes()))
        .collect();
    requests.push((hostile_query.clone(), vec![0xff, 0xfe, b'<', b'x']));
    requests.push((
        format!("{hostile_query}&encrypt_type={marker}%0A"),
        b"<xml/>".to_vec(),
    ));
    requests.push((format!("timestamp={marker}"), b"<xml/>".to_vec()));
    // Verified (only WeChat could send these), with hostile content.
    let component = sandbox.config().component_appid().to_owned();
    for plaintext in [
        format!("<xml><AppId>{component}</AppId><InfoType>{marker}\n\u{1b}[31m</InfoType></xml>"),
        format!(
            "<xml><AppId>{marker}\nforged</AppId><InfoType>unauthorized</InfoType>\
                 <CreateTime>1</CreateTime><AuthorizerAppid>wx1</AuthorizerAppid></xml>"
        ),
        format!(
            "<xml><AppId>{component}</AppId><InfoType>authorized</InfoType><CreateTime>1</CreateTime>\
                 <AuthorizerAppid>{marker}\u{1b}</AuthorizerAppid><AuthorizationCode>c</AuthorizationCode>\
                 <AuthorizationCodeExpiredTime>1</AuthorizationCodeExpiredTime></xml>"
        ),
        format!(
            "<xml><AppId>{component}</AppId><InfoType>component_verify_ticket</InfoType>\
                 <CreateTime>{marker}</CreateTime><ComponentVerifyTicket>t</ComponentVerifyTicket></xml>"
        ),
        format!("<xml><{marker}>x</A></xml>"),
    ] {
        let (query, body) = verified_push(&sandbox, &component, &plaintext);
        requests.push((query, body.into_bytes()));
    }
    let (query, body) = verified_push(&sandbox, &format!("{marker}\n"), "<xml/>");
    requests.push((query, body.into_bytes()));

    let mut refused = 0;
    for (query, body) in requests {
        let mut url = events.clone();
        url.set_query(Some(&query));
        let answer = http
            .post(url)
            .body(body)
            .send()
            .await
            .expect("the server answers");
        if answer.status().is_client_error() {
            refused += 1;
        }
    }
    // Over the body limit: refused before it is read, so sending the rest
    // may fail; the answer, if it arrives, is 413.
    let mut url = events.clone();
    url.set_query(Some(&hostile_query));
    if let Ok(answer) = http
        .post(url)
        .body(vec![b'x'; 1024 * 1024 + 1])
        .send()
        .await
    {
        assert_eq!(answer.status().as_u16(), 413);
    }
    let mut jssdk = base.join(JSSDK_PATH).expect("a URL");
    jssdk.set_query(Some(&format!(
        "url=https%3A%2F%2Fexample.com%2F&appid={marker}%0Aforged%1B"
    )));
    let answer = http.get(jssdk).send().await.expect("the server answers");
    assert_eq!(answer.status().as_u16(), 404);
    server.shutdown().await;

    let log = captured.text();
    assert!(refused >= 45, "only {refused} requests refused");
    let lines: Vec<&str> = log.lines().collect();
    // Not vacuous: the refusals and events were logged.
    for expected in [
        "component push refused",
        "reason=\"push for another component\"",
        "reason=\"malformed document\"",
        "reason=\"receive id mismatch",
        "component push kind=<",
        "authorization event kind=authorized authorizer=<",
        "JS-SDK config asked for an unknown authorizer",
    ] {
        assert!(
            lines.iter().any(|line| line.contains(expected)),
            "no {expected:?} line in:\n{log}"
        );
    }
    for line in &lines {
        assert!(
            !line.contains(marker),
            "request text in the log: {}",
            excerpt(line)
        );
        assert!(
            !line.chars().any(char::is_control),
            "a control character in the log: {}",
            excerpt(line)
        );
        assert!(line.len() <= 400, "a long log line: {}", excerpt(line));
    }
}
