//! `wechat`: decrypt, encrypt and sign WeChat callback payloads by hand, when
//! debugging a callback URL.
//!
//! ```text
//! wechat decrypt --token T --aes-key K --receive-id A --timestamp TS --nonce N --msg-signature S < envelope.xml
//! wechat decrypt … --event < envelope.xml     # the typed event, as JSON
//! wechat encrypt --token T --aes-key K --receive-id A --timestamp TS --nonce N < reply.xml
//! wechat jsapi-sign --ticket T --noncestr N --timestamp TS --url U
//! ```
//!
//! The token, EncodingAESKey and receive id can also come from the
//! environment (`WECHAT_TOKEN`, `WECHAT_AES_KEY`, `WECHAT_RECEIVE_ID`), which
//! keeps them out of the shell history and the process list.
//!
//! On failure the command exits with a non-zero status and prints one line
//! on stderr naming the kind of error and what to check.

mod report;

use std::io::{Read as _, Write as _};
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use wechat_api::crypto::MsgCrypt;
use wechat_api::event::Push;
use wechat_api::jssdk::jsapi_signature;

use crate::report::Failure;

/// Decrypt, encrypt and sign WeChat callback payloads (WXBizMsgCrypt) and
/// JS-SDK pages.
#[derive(Parser)]
#[command(name = "wechat", version)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Verify and decrypt an encrypted push: reads the envelope XML (the
    /// POST body) on stdin, prints the plaintext XML.
    Decrypt {
        #[command(flatten)]
        keys: Keys,
        /// `timestamp` query parameter of the callback.
        #[arg(long)]
        timestamp: String,
        /// `nonce` query parameter of the callback.
        #[arg(long)]
        nonce: String,
        /// `msg_signature` query parameter of the callback.
        #[arg(long)]
        msg_signature: String,
        /// Print the typed event as JSON instead of the plaintext XML.
        #[arg(long)]
        event: bool,
    },
    /// Encrypt a reply: reads the plaintext XML on stdin, prints the signed
    /// envelope XML.
    Encrypt {
        #[command(flatten)]
        keys: Keys,
        /// Timestamp to sign and put in the envelope.
        #[arg(long)]
        timestamp: String,
        /// Nonce to sign and put in the envelope.
        #[arg(long)]
        nonce: String,
    },
    /// Print the JS-SDK signature of a page.
    JsapiSign {
        /// The jsapi_ticket.
        #[arg(long)]
        ticket: String,
        /// The nonceStr passed to wx.config.
        #[arg(long)]
        noncestr: String,
        /// The timestamp passed to wx.config (Unix seconds).
        #[arg(long, allow_negative_numbers = true)]
        timestamp: i64,
        /// The page URL (its #fragment is ignored).
        #[arg(long)]
        url: String,
    },
}

/// The message-security settings of the WeChat platform.
#[derive(Args)]
struct Keys {
    /// Message token (Token).
    #[arg(long, env = "WECHAT_TOKEN", hide_env_values = true)]
    token: String,
    /// EncodingAESKey (43 characters).
    #[arg(long, env = "WECHAT_AES_KEY", hide_env_values = true)]
    aes_key: String,
    /// AppId of the official account, or component AppId of the third-party
    /// platform.
    #[arg(long, env = "WECHAT_RECEIVE_ID")]
    receive_id: String,
}

impl Keys {
    fn crypt(self) -> Result<MsgCrypt, Failure> {
        MsgCrypt::new(self.token, self.aes_key, self.receive_id).map_err(Failure::from)
    }
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => return report::usage_error(error),
    };
    match run(cli.command) {
        Ok(output) => {
            let mut stdout = std::io::stdout().lock();
            match writeln!(stdout, "{output}").and_then(|()| stdout.flush()) {
                Ok(()) => ExitCode::SUCCESS,
                Err(error) => report::fail(&Failure::io("writing to stdout", &error)),
            }
        }
        Err(failure) => report::fail(&failure),
    }
}

/// Runs a command and returns what to print on stdout.
fn run(command: Command) -> Result<String, Failure> {
    match command {
        Command::Decrypt {
            keys,
            timestamp,
            nonce,
            msg_signature,
            event,
        } => {
            let crypt = keys.crypt()?;
            let body = read_stdin()?;
            let plaintext = crypt.decrypt_push(&msg_signature, &timestamp, &nonce, &body)?;
            if !event {
                return Ok(plaintext);
            }
            let push = Push::from_xml(&plaintext)?;
            serde_json::to_string_pretty(&push).map_err(|e| Failure::internal(&e))
        }
        Command::Encrypt {
            keys,
            timestamp,
            nonce,
        } => {
            let crypt = keys.crypt()?;
            let plaintext = read_stdin()?;
            Ok(crypt.encrypt_reply(&plaintext, &timestamp, &nonce)?)
        }
        Command::JsapiSign {
            ticket,
            noncestr,
            timestamp,
            url,
        } => Ok(jsapi_signature(&ticket, &noncestr, timestamp, &url)),
    }
}

/// All of stdin, without trailing newlines (added by `echo` and editors).
fn read_stdin() -> Result<String, Failure> {
    let mut input = String::new();
    std::io::stdin()
        .read_to_string(&mut input)
        .map_err(|e| Failure::io("reading stdin (it must be UTF-8 text)", &e))?;
    let trimmed = input.trim_end_matches(['\n', '\r']).len();
    input.truncate(trimmed);
    Ok(input)
}
