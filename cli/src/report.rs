//! Failures of the `wechat` command, reported as one line on stderr.

use std::fmt;
use std::process::ExitCode;

use wechat_api::Error;

/// Exit status of a failed command (usage errors exit with 2).
const FAILURE: u8 = 1;
/// Exit status of a command line that could not be parsed.
const USAGE: u8 = 2;

/// Why a command failed.
#[derive(Debug)]
pub(crate) enum Failure {
    /// The library refused the input.
    Wechat(Error),
    /// Reading stdin or writing stdout failed.
    Io(String),
    /// A bug: serialization of a typed event failed.
    Internal(String),
}

impl From<Error> for Failure {
    fn from(error: Error) -> Self {
        Self::Wechat(error)
    }
}

impl Failure {
    pub(crate) fn io(doing: &str, error: &std::io::Error) -> Self {
        Self::Io(format!("I/O error {doing}: {error}"))
    }

    pub(crate) fn internal(error: &dyn fmt::Display) -> Self {
        Self::Internal(format!("internal error: {error}"))
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Wechat(error) => {
                write!(f, "{error}")?;
                if let Some(hint) = hint(error) {
                    write!(f, "; {hint}")?;
                }
                Ok(())
            }
            Self::Io(message) | Self::Internal(message) => f.write_str(message),
        }
    }
}

/// What to check, where the error's own message does not say it already.
fn hint(error: &Error) -> Option<&'static str> {
    match error {
        Error::InvalidSignature => Some(
            "also check that --timestamp, --nonce and --msg-signature come from the same request",
        ),
        Error::InvalidBase64 => {
            Some("check that the <Encrypt> text on stdin was copied whole and unchanged")
        }
        Error::InvalidLength(_) => {
            Some("check that the <Encrypt> text on stdin was copied whole, and the --aes-key")
        }
        Error::InvalidXml(_) => Some("check the XML given on stdin"),
        _ => None,
    }
}

/// Prints `failure` as one line on stderr and returns the failure status.
pub(crate) fn fail(failure: &Failure) -> ExitCode {
    eprintln!("wechat: {}", one_line(&failure.to_string()));
    ExitCode::from(FAILURE)
}

/// Handles a command line clap could not parse: help and version go to
/// stdout as usual; errors become one line on stderr.
pub(crate) fn usage_error(error: clap::Error) -> ExitCode {
    use clap::error::ErrorKind;
    match error.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => {
            // Printing help can only fail if stdout is closed; nothing to add then.
            let _ = error.print();
            ExitCode::SUCCESS
        }
        ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand | ErrorKind::MissingSubcommand => {
            eprintln!(
                "wechat: invalid usage: a command is required: decrypt, encrypt or jsapi-sign (see wechat --help)"
            );
            ExitCode::from(USAGE)
        }
        _ => {
            // The first paragraph of clap's message, without the usage.
            let rendered = error.to_string();
            let paragraph: Vec<&str> = rendered
                .lines()
                .map(str::trim)
                .skip_while(|line| line.is_empty())
                .take_while(|line| !line.is_empty())
                .collect();
            let message = paragraph.join(" ");
            let message = message.strip_prefix("error: ").unwrap_or(&message);
            eprintln!(
                "wechat: invalid usage: {} (see wechat --help)",
                one_line(message)
            );
            ExitCode::from(USAGE)
        }
    }
}

/// `message` on one line.
fn one_line(message: &str) -> String {
    message.split_whitespace().collect::<Vec<_>>().join(" ")
}
