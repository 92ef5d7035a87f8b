//! What the fuzz targets share: the configuration pushes are checked with,
//! and the checks every error must pass.

use wechat_api::Error;
use wechat_api::crypto::MsgCrypt;

/// The message token of the fuzzed configuration.
pub const TOKEN: &str = "spamtest";
/// Its EncodingAESKey.
pub const AES_KEY: &str = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";
/// Its receive id.
pub const APPID: &str = "wx2c2769f8efd9abc2";

/// The longest an error's `Display` may be, whatever the input.
pub const MAX_MESSAGE: usize = 200;

/// The fuzzed configuration.
pub fn crypt() -> MsgCrypt {
    match MsgCrypt::new(TOKEN, AES_KEY, APPID) {
        Ok(crypt) => crypt,
        Err(error) => panic!("the fuzz configuration is valid: {error}"),
    }
}

/// Panics (a crash for the fuzzer) unless `error` is fit for a log line:
/// no control character and at most [`MAX_MESSAGE`] bytes, in `Display`
/// and in `Debug`. Whatever the input, an error names kinds, offsets and
/// lengths, so it stays short.
pub fn assert_clean(error: &Error) {
    for text in [error.to_string(), format!("{error:?}")] {
        assert!(
            !text.chars().any(char::is_control),
            "a control character in an error: {text:?}"
        );
        assert!(
            text.len() <= MAX_MESSAGE,
            "an error of {} bytes: {:?}",
            text.len(),
            text.chars().take(300).collect::<String>()
        );
    }
}
