//! WeChat's `errcode`s: each code with a name and what it means.
//!
//! WeChat answers a failed call with HTTP 200 and
//! `{"errcode": 40001, "errmsg": "invalid credential, ..."}`; the call then
//! fails with [`Error::Api`](crate::Error::Api), whose text shows the name and
//! meaning known here beside WeChat's `errmsg`. Compare
//! [`Error::api_code`](crate::Error::api_code) with the constants:
//!
//! ```
//! use wechat_api::errcode;
//!
//! let info = errcode::lookup(40001).expect("a known code");
//! assert_eq!(info.name, "INVALID_CREDENTIAL");
//! assert_eq!(errcode::INVALID_CREDENTIAL, 40001);
//! assert!(errcode::lookup(1_234_567).is_none());
//! ```
//!
//! The table is sorted by code (checked when the crate compiles) and searched
//! by bisection, so it can grow to every documented code at no cost per
//! lookup. To add a code, add one line to the `errcodes!` list below, in code
//! order: it gives the constant, its documentation and the table entry.

/// A known `errcode`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ErrcodeInfo {
    /// The number WeChat answers.
    pub code: i64,
    /// The name of its constant in this module (`INVALID_CREDENTIAL`).
    pub name: &'static str,
    /// What it means, and what usually causes it.
    pub meaning: &'static str,
}

/// The constants and the table from one list, so they cannot disagree.
macro_rules! errcodes {
    ($($name:ident = $code:literal, $meaning:literal;)*) => {
        $(
            #[doc = concat!("`", stringify!($code), "`: ", $meaning, ".")]
            pub const $name: i64 = $code;
        )*

        /// Every known code, sorted by code.
        const TABLE: &[ErrcodeInfo] = &[
            $(ErrcodeInfo { code: $code, name: stringify!($name), meaning: $meaning },)*
        ];
    };
}

errcodes! {
    SYSTEM_ERROR = -1, "system error: WeChat is busy, try again later";
    INVALID_CREDENTIAL = 40001, "the access_token is invalid or not the latest: another server fetched a new one, or the AppSecret is wrong";
    INVALID_GRANT_TYPE = 40002, "invalid grant_type";
    INVALID_OPENID = 40003, "invalid openid: not a user of this account";
    INVALID_MEDIA_TYPE = 40004, "invalid media type (not image, voice, video or thumb)";
    INVALID_FILE_TYPE = 40005, "invalid file type: the file's extension does not fit the kind of media";
    INVALID_MEDIA_SIZE = 40006, "invalid media size (an empty or too large file)";
    INVALID_MEDIA_ID = 40007, "invalid media_id: unknown, expired or of another account";
    INVALID_MESSAGE_TYPE = 40008, "invalid message type";
    INVALID_IMAGE_SIZE = 40009, "invalid image size";
    INVALID_VOICE_SIZE = 40010, "invalid voice size";
    INVALID_VIDEO_SIZE = 40011, "invalid video size";
    INVALID_THUMB_SIZE = 40012, "invalid thumbnail size";
    INVALID_APPID = 40013, "invalid appid: check the AppId (and that it is the account's, not the platform's)";
    INVALID_ACCESS_TOKEN = 40014, "invalid access_token: not a token WeChat issued for this account";
    INVALID_BUTTON_SIZE = 40016, "invalid number of menu buttons (1 to 3)";
    INVALID_BUTTON_TYPE = 40017, "invalid menu button type";
    INVALID_BUTTON_NAME_SIZE = 40018, "invalid menu button name length (1 to 16 bytes)";
    INVALID_BUTTON_KEY_SIZE = 40019, "invalid menu button key length (1 to 128 bytes)";
    INVALID_BUTTON_URL_SIZE = 40020, "invalid menu button URL length (1 to 1024 bytes)";
    INVALID_SUB_MENU_LEVEL = 40022, "invalid sub-menu level (a sub-button holding sub-buttons)";
    INVALID_SUB_BUTTON_SIZE = 40023, "invalid number of sub-buttons (1 to 5)";
    INVALID_SUB_BUTTON_TYPE = 40024, "invalid sub-button type";
    INVALID_SUB_BUTTON_NAME_SIZE = 40025, "invalid sub-button name length (1 to 60 bytes)";
    INVALID_SUB_BUTTON_KEY_SIZE = 40026, "invalid sub-button key length";
    INVALID_SUB_BUTTON_URL_SIZE = 40027, "invalid sub-button URL length";
    INVALID_OAUTH_CODE = 40029, "invalid OAuth code: wrong, expired (5 minutes) or of another appid";
    INVALID_OAUTH_REFRESH_TOKEN = 40030, "invalid OAuth refresh_token";
    INVALID_ARGS = 40097, "invalid arguments";
    INVALID_SECRET = 40125, "invalid AppSecret";
    OAUTH_CODE_USED = 40163, "the OAuth code was already used (a code is good for one exchange)";
    IP_NOT_WHITELISTED = 40164, "the calling IP is not in the account's IP whitelist";
    MISSING_ACCESS_TOKEN = 41001, "access_token missing";
    MISSING_APPID = 41002, "appid missing";
    MISSING_REFRESH_TOKEN = 41003, "refresh_token missing";
    MISSING_SECRET = 41004, "AppSecret missing";
    MEDIA_MISSING = 41005, "media data missing: no file part in the upload";
    MISSING_CODE = 41008, "OAuth code missing";
    MISSING_OPENID = 41009, "openid missing";
    ACCESS_TOKEN_EXPIRED = 42001, "the access_token expired";
    REFRESH_TOKEN_EXPIRED = 42002, "the OAuth refresh_token expired";
    EMPTY_POST = 44002, "empty POST body";
    ARTICLE_SIZE = 45008, "too many articles";
    DAILY_QUOTA_REACHED = 45009, "the API's daily call quota is used up (clear_quota resets it)";
    MINUTE_QUOTA_REACHED = 45011, "calls too frequent: the API's per-minute quota is used up, try again later";
    MENU_NOT_EXIST = 46003, "no menu exists";
    DATA_FORMAT = 47001, "data format error: the body is not the JSON the endpoint expects";
    API_UNAUTHORIZED = 48001, "API unauthorized: the account lacks this permission (or the platform the permission set)";
    CLEAR_QUOTA_LIMIT = 48006, "the quota can no longer be cleared: the monthly number of resets is reached";
    NOT_AUTHORIZED = 61003, "the third-party platform is not authorized by this account";
    CLIENT_IP_NOT_REGISTERED = 61004, "the calling IP is not in the third-party platform's IP whitelist";
    INVALID_TICKET = 61006, "the component_verify_ticket is invalid (use the latest one WeChat pushed)";
    INVALID_AUTH_CODE = 61009, "invalid authorization code";
    AUTH_CODE_EXPIRED = 61010, "the authorization code expired";
    INVALID_REFRESH_TOKEN = 61023, "the authorizer_refresh_token is invalid: the merchant must authorize again";
    INVALID_TAG = 85006, "invalid tag (submit_audit)";
    INVALID_PAGE = 85007, "invalid page: not a page of the committed code (submit_audit)";
    INVALID_CATEGORY = 85008, "invalid category (submit_audit)";
    UNDER_AUDIT = 85009, "a version is already under review";
    INVALID_AUDIT_ID = 85012, "invalid audit id";
    NO_AUDIT_VERSION = 85019, "no version was submitted for review";
    STATUS_NOT_ALLOWED = 85020, "this status does not allow it (releasing a version not approved)";
    EMPTY_PAGES = 85047, "the pages field is empty (commit)";
    PARSE_EXT_JSON = 85048, "ext_json could not be parsed (commit)";
    ALREADY_RELEASED = 85052, "the version is already released";
    NO_AUDIT_ID = 85058, "no valid audit id: nothing was submitted for review";
    MUST_COMMIT = 85086, "code must be committed before it is submitted for review";
}

/// The codes that say the token sent is invalid or expired: the client drops
/// the cached token, refreshes it and sends the call again, once.
pub const TOKEN_REJECTED: [i64; 3] = [
    INVALID_CREDENTIAL,
    INVALID_ACCESS_TOKEN,
    ACCESS_TOKEN_EXPIRED,
];

// Bisection needs the table sorted; a line added out of order, or a code
// listed twice, fails the build here.
const _: () = {
    let mut i = 1;
    while i < TABLE.len() {
        assert!(
            TABLE[i - 1].code < TABLE[i].code,
            "the errcode table must be sorted by code, each code once"
        );
        i += 1;
    }
};

/// What this crate knows about `code`, if anything.
pub fn lookup(code: i64) -> Option<&'static ErrcodeInfo> {
    TABLE
        .binary_search_by_key(&code, |info| info.code)
        .ok()
        .and_then(|index| TABLE.get(index))
}

/// Every known code, sorted by code.
pub fn all() -> &'static [ErrcodeInfo] {
    TABLE
}

/// Whether `code` says the token sent is invalid or expired
/// ([`TOKEN_REJECTED`]).
pub fn is_token_rejected(code: i64) -> bool {
    TOKEN_REJECTED.contains(&code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lookup_finds_every_entry_and_nothing_else() {
        for info in all() {
            assert_eq!(lookup(info.code), Some(info));
        }
        let first = all().first().expect("a table");
        let last = all().last().expect("a table");
        assert_eq!(first.code, SYSTEM_ERROR);
        assert_eq!(lookup(SYSTEM_ERROR).map(|i| i.name), Some("SYSTEM_ERROR"));
        for unknown in [
            i64::MIN,
            -2,
            0,
            40000,
            40015,
            42003,
            last.code + 1,
            i64::MAX,
        ] {
            assert_eq!(lookup(unknown), None, "{unknown}");
        }
    }

    #[test]
    fn names_are_the_constants() {
        let info = lookup(ACCESS_TOKEN_EXPIRED).expect("known");
        assert_eq!((info.code, info.name), (42001, "ACCESS_TOKEN_EXPIRED"));
        assert_eq!(
            lookup(INVALID_REFRESH_TOKEN).map(|i| i.name),
            Some("INVALID_REFRESH_TOKEN")
        );
        assert!(
            all()
                .iter()
                .all(|i| !i.meaning.is_empty() && !i.meaning.ends_with('.'))
        );
    }

    #[test]
    fn api_errors_show_the_name_and_meaning() {
        let error = |code| crate::Error::Api {
            code,
            message: "invalid credential, access_token is invalid or not latest".to_owned(),
            endpoint: "get_ticket".into(),
        };
        assert_eq!(
            error(INVALID_CREDENTIAL).to_string(),
            "WeChat API error 40001 from `get_ticket`: invalid credential, access_token is \
             invalid or not latest [INVALID_CREDENTIAL: the access_token is invalid or not the \
             latest: another server fetched a new one, or the AppSecret is wrong]"
        );
        assert_eq!(
            error(40_999).to_string(),
            "WeChat API error 40999 from `get_ticket`: invalid credential, access_token is \
             invalid or not latest"
        );
    }

    #[test]
    fn the_retry_rule_is_the_token_rejections() {
        let error = |code| crate::Error::Api {
            code,
            message: String::new(),
            endpoint: "token".into(),
        };
        for code in TOKEN_REJECTED {
            assert!(error(code).is_token_expired(), "{code}");
        }
        assert!(!error(INVALID_SECRET).is_token_expired());
        let refresh = crate::Error::AuthorizerRefresh {
            authorizer_appid: "wx1".to_owned(),
            source: Box::new(error(ACCESS_TOKEN_EXPIRED)),
        };
        assert!(refresh.is_token_expired());
    }

    #[test]
    fn token_rejections_by_name() {
        assert_eq!(TOKEN_REJECTED, [40001, 40014, 42001]);
        for code in TOKEN_REJECTED {
            assert!(is_token_rejected(code));
        }
        for code in [
            SYSTEM_ERROR,
            INVALID_APPID,
            REFRESH_TOKEN_EXPIRED,
            INVALID_REFRESH_TOKEN,
        ] {
            assert!(!is_token_rejected(code), "{code}");
        }
    }
}
