//! Why an answer or a notification failed verification
//! ([`Error::PaySignature`](crate::Error::PaySignature)).

use std::fmt;

/// Why a WeChat Pay answer or notification was refused. None of these is
/// ever accepted: the body must not be believed.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum PayRejection {
    /// A `Wechatpay-*` header is missing or empty.
    MissingHeader(&'static str),
    /// `Wechatpay-Timestamp` is not a decimal number of seconds.
    BadTimestamp,
    /// The timestamp is 5 minutes or more away from the clock (replay, or a
    /// clock that is off).
    TimestampOutOfWindow {
        /// The answer's timestamp.
        timestamp: i64,
        /// The clock when it was checked.
        now: i64,
    },
    /// The signature starts with `WECHATPAY/SIGNTEST/`: WeChat Pay probing
    /// that verification is done.
    SignatureProbe,
    /// `Wechatpay-Serial` names no known platform certificate nor the
    /// configured public key, even after a refresh.
    UnknownSerial(String),
    /// The signature does not verify with the key of this serial (or is not
    /// base64).
    BadSignature {
        /// The serial (or public key id) whose key was used.
        serial: String,
    },
}

impl fmt::Display for PayRejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PayRejection::MissingHeader(name) => write!(f, "the `{name}` header is missing"),
            PayRejection::BadTimestamp => f.write_str("`Wechatpay-Timestamp` is not a number"),
            PayRejection::TimestampOutOfWindow { timestamp, now } => write!(
                f,
                "timestamp {timestamp} is 5 minutes or more away from the clock ({now})"
            ),
            PayRejection::SignatureProbe => {
                f.write_str("signature probe (`WECHATPAY/SIGNTEST/…`), refused as required")
            }
            PayRejection::UnknownSerial(serial) => write!(
                f,
                "unknown serial `{serial}`: no platform certificate or public key has it (after a refresh)"
            ),
            PayRejection::BadSignature { serial } => {
                write!(f, "the signature does not match (key `{serial}`)")
            }
        }
    }
}

/// How many characters of a value taken from the input an error quotes.
const SHOWN_CHARS: usize = 48;

/// `text` fit for an error: at most 48 characters (then `…`), anything but
/// printable ASCII replaced by `?`. Serials and algorithm names come from
/// the peer, which chooses their length and bytes.
pub(crate) fn shown(text: &str) -> String {
    let mut out: String = text
        .chars()
        .take(SHOWN_CHARS)
        .map(|c| {
            if c.is_ascii_graphic() || c == ' ' {
                c
            } else {
                '?'
            }
        })
        .collect();
    if text.chars().nth(SHOWN_CHARS).is_some() {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn shown_values_are_short_and_printable() {
        assert_eq!(super::shown("5157F09E"), "5157F09E");
        assert_eq!(super::shown("a\tb\u{7f}c中"), "a?b?c?");
        let long = super::shown(&"A".repeat(500));
        assert_eq!(long.chars().count(), 49);
        assert!(long.ends_with('…'));
    }
}
