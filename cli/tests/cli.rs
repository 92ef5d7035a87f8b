//! The `wechat` binary, run as a process: success paths, and one stderr line
//! naming the error class for each failure.

use std::io::{ErrorKind, Write as _};
use std::process::{Command, Output, Stdio};

use wechat_api::crypto::{Envelope, MsgCrypt, msg_signature};

const TOKEN: &str = "spamtest";
const AES_KEY: &str = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";
const APPID: &str = "wx2c2769f8efd9abc2";
const TIMESTAMP: &str = "1409735669";
const NONCE: &str = "1320562132";
const MSG_SIGNATURE: &str = "5d197aaffba7e9b25a30732f161a50dee96bd5fa";
const ENCRYPT: &str = "hyzAe4OzmOMbd6TvGdIOO6uBmdJoD0Fk53REIHvxYtJlE2B655HuD0m8KUePWB3+LrPXo87wzQ1QLvbeUgmBM4x6F8PGHQHFVAFmOD2LdJF9FrXpbUAh0B5GIItb52sn896wVsMSHGuPE328HnRGBcrS7C41IzDWyWNlZkyyXwon8T332jisa+h6tEDYsVticbSnyU8dKOIbgU6ux5VTjg3yt+WGzjlpKn6NPhRjpA912xMezR4kw6KWwMrCVKSVCZciVGCgavjIQ6X8tCOp3yZbGpy0VxpAe+77TszTfRd5RJSVO/HTnifJpXgCSUdUue1v6h0EIBYYI1BD1DlD+C0CR8e6OewpusjZ4uBl9FyJvnhvQl+q5rv1ixrcpCumEPo5MJSgM9ehVsNPfUM669WuMyVWQLCzpu9GhglF2PE=";

fn body(encrypt: &str) -> String {
    format!(
        "<xml><ToUserName><![CDATA[gh_10f6c3c3ac5a]]></ToUserName><Encrypt><![CDATA[{encrypt}]]></Encrypt></xml>\n"
    )
}

/// Runs `wechat args…` with `stdin`, without any WECHAT_* variable.
fn wechat(args: &[&str], stdin: &str) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_wechat"));
    command
        .args(args)
        .env_remove("WECHAT_TOKEN")
        .env_remove("WECHAT_AES_KEY")
        .env_remove("WECHAT_RECEIVE_ID");
    run(command, stdin)
}

/// Runs `command` with `stdin` on its standard input and collects its exit
/// status, stdout and stderr.
///
/// The input is written from another thread while the output is read, so
/// neither side can block the other on a full pipe. A command may exit
/// without reading its input (the binary rejects a bad key before it reads
/// stdin): writing then fails with `BrokenPipe`, which is not a failure of
/// the test; the exit status and stderr say what happened.
fn run(mut command: Command, stdin: &str) -> Output {
    let mut child = command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary runs");
    let mut pipe = child.stdin.take().expect("piped stdin");
    std::thread::scope(|scope| {
        let writer = scope.spawn(move || match pipe.write_all(stdin.as_bytes()) {
            Err(error) if error.kind() != ErrorKind::BrokenPipe => Err(error),
            // Written, or the child exited without reading everything;
            // dropping `pipe` closes it: the child sees the end of its input.
            _ => Ok(()),
        });
        let output = child.wait_with_output().expect("the binary exits");
        let written = writer.join().expect("the writer thread does not panic");
        if let Err(error) = written {
            panic!("writing stdin failed: {error}");
        }
        output
    })
}

fn decrypt_args<'a>(aes_key: &'a str, receive_id: &'a str, signature: &'a str) -> Vec<&'a str> {
    vec![
        "decrypt",
        "--token",
        TOKEN,
        "--aes-key",
        aes_key,
        "--receive-id",
        receive_id,
        "--timestamp",
        TIMESTAMP,
        "--nonce",
        NONCE,
        "--msg-signature",
        signature,
    ]
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).expect("UTF-8 stdout")
}

/// Asserts a failure: non-zero exit, nothing on stdout, and exactly one line
/// on stderr containing every one of `needles`.
fn assert_failure(output: &Output, code: i32, needles: &[&str]) {
    let stderr = String::from_utf8(output.stderr.clone()).expect("UTF-8 stderr");
    assert_eq!(output.status.code(), Some(code), "stderr: {stderr}");
    assert!(output.stdout.is_empty(), "stdout: {}", stdout(output));
    assert_eq!(stderr.lines().count(), 1, "one line expected: {stderr:?}");
    assert!(stderr.starts_with("wechat: "), "{stderr}");
    for needle in needles {
        assert!(stderr.contains(needle), "{needle:?} not in {stderr:?}");
    }
}

#[test]
fn decrypt_prints_the_plaintext() {
    let output = wechat(&decrypt_args(AES_KEY, APPID, MSG_SIGNATURE), &body(ENCRYPT));
    assert!(output.status.success(), "{output:?}");
    let plaintext = stdout(&output);
    assert!(plaintext.starts_with("<xml><ToUserName><![CDATA[gh_10f6c3c3ac5a]]>"));
    assert!(plaintext.contains("<Content><![CDATA[abcdteT]]></Content>"));
    assert!(plaintext.contains("<MsgId>6054768590064713728</MsgId>"));
    assert!(output.stderr.is_empty());
}

#[test]
fn decrypt_event_prints_json() {
    let mut args = decrypt_args(AES_KEY, APPID, MSG_SIGNATURE);
    args.push("--event");
    let output = wechat(&args, &body(ENCRYPT));
    assert!(output.status.success(), "{output:?}");
    let json: serde_json::Value = serde_json::from_str(&stdout(&output)).expect("JSON");
    assert_eq!(json["kind"], "text");
    assert_eq!(json["content"], "abcdteT");
    assert_eq!(json["msg_id"], 6054768590064713728u64);
    assert_eq!(json["to_user_name"], "gh_10f6c3c3ac5a");
}

#[test]
fn keys_can_come_from_the_environment() {
    let mut command = Command::new(env!("CARGO_BIN_EXE_wechat"));
    command
        .args([
            "decrypt",
            "--timestamp",
            TIMESTAMP,
            "--nonce",
            NONCE,
            "--msg-signature",
            MSG_SIGNATURE,
        ])
        .env("WECHAT_TOKEN", TOKEN)
        .env("WECHAT_AES_KEY", AES_KEY)
        .env("WECHAT_RECEIVE_ID", APPID);
    let output = run(command, &body(ENCRYPT));
    assert!(output.status.success(), "{output:?}");
    assert!(stdout(&output).contains("abcdteT"));
}

#[test]
fn encrypt_then_decrypt_round_trips() {
    let reply =
        "<xml><ToUserName><![CDATA[oUser]]></ToUserName><Content><![CDATA[你好]]></Content></xml>";
    let output = wechat(
        &[
            "encrypt",
            "--token",
            TOKEN,
            "--aes-key",
            AES_KEY,
            "--receive-id",
            APPID,
            "--timestamp",
            TIMESTAMP,
            "--nonce",
            NONCE,
        ],
        &format!("{reply}\n"),
    );
    assert!(output.status.success(), "{output:?}");
    let envelope_xml = stdout(&output);
    let envelope = Envelope::parse(envelope_xml.trim_end()).expect("an envelope");
    let signature = envelope.msg_signature.as_deref().expect("signed");
    assert_eq!(
        signature,
        msg_signature(TOKEN, TIMESTAMP, NONCE, &envelope.encrypt)
    );
    assert_eq!(envelope.timestamp.as_deref(), Some(TIMESTAMP));
    assert_eq!(envelope.nonce.as_deref(), Some(NONCE));

    let output = wechat(&decrypt_args(AES_KEY, APPID, signature), &envelope_xml);
    assert!(output.status.success(), "{output:?}");
    assert_eq!(stdout(&output), format!("{reply}\n"));
}

#[test]
fn jsapi_sign_known_answer() {
    let output = wechat(
        &[
            "jsapi-sign",
            "--ticket",
            "sM4AOVdWfPE4DxkXGEs8VMCPGGVi4C3VM0P37wVUCFvkVAy_90u5h9nbSlYy3-Sl-HhTdfl2fzFy1AOcHKP7qg",
            "--noncestr",
            "Wm3WZYTPz0wzccnW",
            "--timestamp",
            "1414587457",
            "--url",
            "http://mp.weixin.qq.com?params=value#fragment",
        ],
        "",
    );
    assert!(output.status.success(), "{output:?}");
    assert_eq!(
        stdout(&output),
        "0f9de62fce790f9a083d5c99e95740ceb90c27ed\n"
    );
}

// ---- one line per failure class ----------------------------------------

#[test]
fn invalid_signature() {
    let output = wechat(
        &decrypt_args(AES_KEY, APPID, "5d197aaffba7e9b25a30732f161a50dee96bd5fb"),
        &body(ENCRYPT),
    );
    assert_failure(&output, 1, &["invalid signature", "token"]);
}

#[test]
fn receive_id_mismatch() {
    let output = wechat(
        &decrypt_args(AES_KEY, "wx0000000000000000", MSG_SIGNATURE),
        &body(ENCRYPT),
    );
    assert_failure(
        &output,
        1,
        &["receive id mismatch", "wx0000000000000000", APPID, "AppId"],
    );
}

#[test]
fn invalid_padding() {
    // Right token and signature, wrong EncodingAESKey.
    let output = wechat(
        &decrypt_args(
            "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789abcdefg",
            APPID,
            MSG_SIGNATURE,
        ),
        &body(ENCRYPT),
    );
    assert_failure(&output, 1, &["invalid padding", "EncodingAESKey"]);
}

#[test]
fn invalid_base64() {
    let encrypt = "not*base64";
    let signature = msg_signature(TOKEN, TIMESTAMP, NONCE, encrypt);
    let output = wechat(&decrypt_args(AES_KEY, APPID, &signature), &body(encrypt));
    assert_failure(&output, 1, &["invalid base64", "Encrypt"]);
}

#[test]
fn invalid_length() {
    let encrypt = "AAAAAAAAAAAAAAAAAAAA"; // 15 bytes
    let signature = msg_signature(TOKEN, TIMESTAMP, NONCE, encrypt);
    let output = wechat(&decrypt_args(AES_KEY, APPID, &signature), &body(encrypt));
    assert_failure(&output, 1, &["invalid length", "multiple of 16"]);
}

#[test]
fn invalid_xml() {
    for stdin in [
        "this is not XML",
        "<xml><ToUserName>x</ToUserName></xml>",
        "",
    ] {
        let output = wechat(&decrypt_args(AES_KEY, APPID, MSG_SIGNATURE), stdin);
        assert_failure(&output, 1, &["invalid XML", "stdin"]);
    }
    // Decrypts fine, but is neither a component push nor a message: only
    // --event notices.
    let crypt = MsgCrypt::new(TOKEN, AES_KEY, APPID).expect("valid");
    let encrypt = crypt.encrypt("<xml><Foo>1</Foo></xml>").expect("encrypts");
    let signature = msg_signature(TOKEN, TIMESTAMP, NONCE, &encrypt);
    let output = wechat(&decrypt_args(AES_KEY, APPID, &signature), &body(&encrypt));
    assert!(output.status.success(), "{output:?}");
    assert_eq!(stdout(&output), "<xml><Foo>1</Foo></xml>\n");
    let mut args = decrypt_args(AES_KEY, APPID, &signature);
    args.push("--event");
    assert_failure(
        &wechat(&args, &body(&encrypt)),
        1,
        &["invalid XML", "InfoType", "MsgType"],
    );
}

#[test]
fn bad_key_is_a_configuration_error() {
    let output = wechat(
        &decrypt_args("too-short", APPID, MSG_SIGNATURE),
        &body(ENCRYPT),
    );
    assert_failure(&output, 1, &["configuration error", "EncodingAESKey", "43"]);
    let stderr = String::from_utf8(output.stderr).expect("UTF-8");
    assert!(!stderr.contains("too-short"), "the key is echoed: {stderr}");
}

/// The binary rejects the key before it reads stdin. With an input larger
/// than a pipe's buffer (64 KiB on Linux) the harness's write always fails
/// with `BrokenPipe` (it cannot all fit before the child exits): the
/// harness must report the child's failure, not its own.
#[test]
fn a_command_that_exits_before_reading_stdin_is_reported_not_a_harness_failure() {
    let large = body(&"A".repeat(1024 * 1024));
    let output = wechat(&decrypt_args("too-short", APPID, MSG_SIGNATURE), &large);
    assert_failure(&output, 1, &["configuration error", "EncodingAESKey", "43"]);
}

#[test]
fn usage_errors() {
    assert_failure(&wechat(&[], ""), 2, &["invalid usage", "decrypt"]);
    assert_failure(
        &wechat(&["decrypt", "--token", TOKEN], ""),
        2,
        &["invalid usage", "--aes-key", "--msg-signature"],
    );
    assert_failure(
        &wechat(
            &[
                "jsapi-sign",
                "--ticket",
                "t",
                "--noncestr",
                "n",
                "--timestamp",
                "yesterday",
                "--url",
                "u",
            ],
            "",
        ),
        2,
        &["invalid usage", "--timestamp"],
    );
    let help = wechat(&["--help"], "");
    assert!(help.status.success());
    assert!(stdout(&help).contains("jsapi-sign"));
}
