//! The sandbox's state: every token, code and ticket it issued, with its
//! expiry, what each merchant authorized, and what the accounts did with
//! it (code versions, uploaded files, menus, messages sent).
//!
//! Everything here is synchronous and runs under one mutex held for a few
//! map operations; nothing awaits while holding it.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use rand::Rng as _;
use rand::distr::Alphanumeric;

use serde_json::Value;

use crate::code_review::{AuditVerdict, CodeState};
use crate::errcode::WxError;
use crate::media_store::MediaStore;
use crate::sent_message::SentMessage;

/// What kind of token a string is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum TokenKind {
    /// The platform's `component_access_token`.
    Component,
    /// An official account's basic `access_token` (`cgi-bin/token`).
    Access { appid: String },
    /// An official account's stable `access_token` (`cgi-bin/stable_token`).
    Stable { appid: String },
    /// An authorizer's `authorizer_access_token`.
    Authorizer { appid: String },
    /// A web-page OAuth user access token.
    User {
        appid: String,
        openid: String,
        scope: String,
    },
}

impl TokenKind {
    /// The appid the token acts for, if any.
    pub(crate) fn appid(&self) -> Option<&str> {
        match self {
            TokenKind::Component => None,
            TokenKind::Access { appid }
            | TokenKind::Stable { appid }
            | TokenKind::Authorizer { appid }
            | TokenKind::User { appid, .. } => Some(appid),
        }
    }

    /// Whether it is accepted where the spec says `credential: access_token`.
    pub(crate) fn is_access_token(&self) -> bool {
        matches!(
            self,
            TokenKind::Access { .. } | TokenKind::Stable { .. } | TokenKind::Authorizer { .. }
        )
    }
}

#[derive(Debug)]
struct Issued {
    kind: TokenKind,
    expires_at: Instant,
    /// Replaced by a newer token: works until then, then 40001.
    superseded_at: Option<Instant>,
}

/// A pre-authorization code.
#[derive(Debug)]
struct PreAuthCode {
    expires_at: Instant,
    used: bool,
}

/// An authorization code (`auth_code`), from the authorization page.
#[derive(Debug, Clone)]
pub(crate) struct AuthCode {
    pub authorizer_appid: String,
    pub expires_at: Instant,
}

/// A merchant's current authorization.
#[derive(Debug, Clone)]
pub(crate) struct Authorization {
    pub refresh_token: String,
    pub func_ids: Vec<i64>,
}

/// A web-page OAuth code.
#[derive(Debug, Clone)]
pub(crate) struct OAuthCode {
    pub appid: String,
    pub component_appid: Option<String>,
    pub openid: String,
    pub scope: String,
    pub expires_at: Instant,
    pub used: bool,
}

/// A web-page OAuth refresh token.
#[derive(Debug, Clone)]
pub(crate) struct UserRefresh {
    pub appid: String,
    pub component: bool,
    pub openid: String,
    pub scope: String,
    pub expires_at: Instant,
}

/// A JS-SDK or card ticket.
#[derive(Debug, Clone)]
struct Ticket {
    value: String,
    expires_at: Instant,
}

/// A successful `api_query_auth` call, as the release test checks it.
#[derive(Debug, Clone)]
pub(crate) struct QueryAuthCall {
    /// The authorization code exchanged.
    pub code: String,
    /// The authorizer access token issued for it.
    pub token: String,
}

/// How many calls of each kind are remembered (the oldest are dropped).
const CALL_LOG_LEN: usize = 1000;

/// Appends `item`, dropping the oldest beyond [`CALL_LOG_LEN`].
pub(crate) fn log_call<T>(log: &mut Vec<T>, item: T) {
    if log.len() >= CALL_LOG_LEN {
        log.remove(0);
    }
    log.push(item);
}

/// Everything the sandbox has issued.
#[derive(Debug, Default)]
pub(crate) struct World {
    tokens: HashMap<String, Issued>,
    /// The latest verify ticket the callback accepted.
    pub verify_ticket: Option<String>,
    pre_auth_codes: HashMap<String, PreAuthCode>,
    pub auth_codes: HashMap<String, AuthCode>,
    pub authorizations: HashMap<String, Authorization>,
    pub oauth_codes: HashMap<String, OAuthCode>,
    pub user_refresh: HashMap<String, UserRefresh>,
    /// `(appid, ticket type)` → ticket.
    tickets: HashMap<(String, String), Ticket>,
    /// appid (or component appid) → number of quota resets.
    pub quota_clears: HashMap<String, u32>,
    /// The merchant who authorizes next on the authorization page.
    pub selected_merchant: Option<String>,
    /// The user at the browser in the OAuth flow.
    pub selected_user: Option<String>,
    /// Successful `api_query_auth` calls, oldest first.
    pub query_auth_calls: Vec<QueryAuthCall>,
    /// Customer-service messages sent, oldest first.
    pub custom_messages: Vec<SentMessage>,
    /// Each mini program's code versions and reviews, by appid.
    pub code: HashMap<String, CodeState>,
    /// The last review id given.
    pub last_auditid: i64,
    /// How the next reviews are decided.
    pub audit_verdict: AuditVerdict,
    /// Uploaded media and material.
    pub media: MediaStore,
    /// Each account's default menu (top-level buttons as `menu/get`
    /// answers them), by appid.
    pub menus: HashMap<String, Vec<Value>>,
    /// The `CreateTime` of the last event pushed to each authorizer.
    pub last_event_time: HashMap<String, i64>,
    /// The WeChat Store's shops: products and orders.
    pub store: crate::store::StoreState,
    /// The logistics helper's waybills.
    pub express: crate::express::ExpressState,
}

/// A random string of `len` alphanumeric characters.
pub(crate) fn random_string(len: usize) -> String {
    rand::rng()
        .sample_iter(Alphanumeric)
        .take(len)
        .map(char::from)
        .collect()
}

/// `now + d`, saturating at a century.
pub(crate) fn after(now: Instant, d: Duration) -> Instant {
    now.checked_add(d)
        .or_else(|| now.checked_add(Duration::from_secs(100 * 365 * 86_400)))
        .unwrap_or(now)
}

impl World {
    /// The `CreateTime` of a new event pushed to `appid` at `now`: later
    /// than the previous one (WeChat's events are hours apart; the
    /// sandbox's may be in the same second, and receivers tell events apart
    /// by sender, time and kind).
    pub(crate) fn event_time(&mut self, appid: &str, now: i64) -> i64 {
        let last = self.last_event_time.entry(appid.to_owned()).or_insert(0);
        *last = now.max(last.saturating_add(1));
        *last
    }

    /// Issues a token of `kind` valid for `ttl`.
    pub(crate) fn issue(&mut self, kind: TokenKind, ttl: Duration) -> String {
        let value = random_string(86);
        self.tokens.insert(
            value.clone(),
            Issued {
                kind,
                expires_at: after(Instant::now(), ttl),
                superseded_at: None,
            },
        );
        value
    }

    /// Marks every live token matching `which` as replaced: it keeps working
    /// for `overlap`, then answers 40001.
    pub(crate) fn supersede(&mut self, overlap: Duration, which: impl Fn(&TokenKind) -> bool) {
        let until = after(Instant::now(), overlap);
        for issued in self.tokens.values_mut().filter(|t| which(&t.kind)) {
            if issued.superseded_at.is_none_or(|at| at > until) {
                issued.superseded_at = Some(until);
            }
        }
    }

    /// Revokes every token matching `which` at once.
    pub(crate) fn revoke(&mut self, which: impl Fn(&TokenKind) -> bool) {
        self.supersede(Duration::ZERO, which);
    }

    /// The token `value` if it is live: 40001 if unknown or replaced, 42001
    /// if expired.
    pub(crate) fn check(&self, value: &str) -> Result<&TokenKind, WxError> {
        let now = Instant::now();
        let issued = self
            .tokens
            .get(value)
            .ok_or_else(WxError::invalid_credential)?;
        if issued.superseded_at.is_some_and(|at| at <= now) {
            return Err(WxError::invalid_credential());
        }
        if issued.expires_at <= now {
            return Err(WxError::expired());
        }
        Ok(&issued.kind)
    }

    /// A live token of `kind` that was not replaced, with its time left.
    pub(crate) fn live_token(&self, kind: &TokenKind) -> Option<(String, Duration)> {
        let now = Instant::now();
        self.tokens
            .iter()
            .filter(|(_, t)| &t.kind == kind && t.expires_at > now && t.superseded_at.is_none())
            .max_by_key(|(_, t)| t.expires_at)
            .map(|(v, t)| (v.clone(), t.expires_at.duration_since(now)))
    }

    /// Makes every token and ticket expire now (42001 from now on).
    pub(crate) fn expire_all(&mut self) {
        let now = Instant::now();
        for issued in self.tokens.values_mut() {
            issued.expires_at = issued.expires_at.min(now);
        }
        for ticket in self.tickets.values_mut() {
            ticket.expires_at = ticket.expires_at.min(now);
        }
    }

    /// Forgets expired tokens and codes (keeps memory bounded).
    pub(crate) fn sweep(&mut self) {
        let now = Instant::now();
        let grace = Duration::from_secs(3600);
        let keep = |at: Instant| at.checked_add(grace).is_none_or(|t| t > now);
        self.tokens
            .retain(|_, t| keep(t.expires_at) && t.superseded_at.is_none_or(keep));
        self.pre_auth_codes.retain(|_, c| keep(c.expires_at));
        self.auth_codes.retain(|_, c| keep(c.expires_at));
        self.oauth_codes.retain(|_, c| keep(c.expires_at));
        self.user_refresh.retain(|_, r| keep(r.expires_at));
    }

    /// Issues an authorization code for `authorizer_appid`, valid for `ttl`.
    pub(crate) fn issue_auth_code(&mut self, authorizer_appid: &str, ttl: Duration) -> String {
        let code = format!("queryauthcode@@@{}", random_string(64));
        self.auth_codes.insert(
            code.clone(),
            AuthCode {
                authorizer_appid: authorizer_appid.to_owned(),
                expires_at: after(Instant::now(), ttl),
            },
        );
        code
    }

    /// Issues a pre-authorization code.
    pub(crate) fn issue_pre_auth_code(&mut self, ttl: Duration) -> String {
        let code = format!("preauthcode@@@{}", random_string(64));
        self.pre_auth_codes.insert(
            code.clone(),
            PreAuthCode {
                expires_at: after(Instant::now(), ttl),
                used: false,
            },
        );
        code
    }

    /// Uses a pre-authorization code (once).
    pub(crate) fn use_pre_auth_code(&mut self, code: &str) -> Result<(), &'static str> {
        let entry = self
            .pre_auth_codes
            .get_mut(code)
            .ok_or("the pre_auth_code is invalid")?;
        if entry.used {
            return Err("the pre_auth_code was already used");
        }
        if entry.expires_at <= Instant::now() {
            return Err("the pre_auth_code has expired");
        }
        entry.used = true;
        Ok(())
    }

    /// The live ticket of `(appid, kind)`, or a new one valid for `ttl`.
    pub(crate) fn ticket(&mut self, appid: &str, kind: &str, ttl: Duration) -> (String, Duration) {
        let now = Instant::now();
        let key = (appid.to_owned(), kind.to_owned());
        if let Some(t) = self.tickets.get(&key)
            && t.expires_at > now
        {
            return (t.value.clone(), t.expires_at.duration_since(now));
        }
        let value = random_string(86);
        self.tickets.insert(
            key,
            Ticket {
                value: value.clone(),
                expires_at: after(now, ttl),
            },
        );
        (value, ttl)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::errcode;

    #[test]
    fn tokens_are_checked_for_expiry_and_replacement() {
        let mut world = World::default();
        let kind = TokenKind::Access {
            appid: "wx1".into(),
        };
        let token = world.issue(kind.clone(), Duration::from_secs(60));
        assert_eq!(world.check(&token), Ok(&kind));
        assert_eq!(
            world.check("forged").unwrap_err().code,
            errcode::INVALID_CREDENTIAL
        );
        world.supersede(Duration::from_secs(60), |k| *k == kind);
        assert!(world.check(&token).is_ok(), "still inside the overlap");
        assert!(world.live_token(&kind).is_none(), "but no longer current");
        world.revoke(|k| *k == kind);
        assert_eq!(
            world.check(&token).unwrap_err().code,
            errcode::INVALID_CREDENTIAL
        );
        let other = world.issue(kind, Duration::from_secs(60));
        world.expire_all();
        assert_eq!(
            world.check(&other).unwrap_err().code,
            errcode::ACCESS_TOKEN_EXPIRED
        );
    }

    #[test]
    fn pre_auth_codes_work_once() {
        let mut world = World::default();
        let code = world.issue_pre_auth_code(Duration::from_secs(60));
        assert!(world.use_pre_auth_code(&code).is_ok());
        assert!(world.use_pre_auth_code(&code).is_err());
        assert!(world.use_pre_auth_code("forged").is_err());
        let expired = world.issue_pre_auth_code(Duration::ZERO);
        assert!(world.use_pre_auth_code(&expired).is_err());
    }

    #[test]
    fn a_live_ticket_is_handed_out_again_until_it_expires() {
        let mut world = World::default();
        let (a, _) = world.ticket("wx1", "jsapi", Duration::from_secs(60));
        let (b, left) = world.ticket("wx1", "jsapi", Duration::from_secs(60));
        assert_eq!(a, b);
        assert!(left <= Duration::from_secs(60));
        let (c, _) = world.ticket("wx1", "wx_card", Duration::from_secs(60));
        assert_ne!(a, c);
        world.expire_all();
        let (d, _) = world.ticket("wx1", "jsapi", Duration::from_secs(60));
        assert_ne!(a, d);
    }

    #[test]
    fn sweeping_keeps_live_state() {
        let mut world = World::default();
        let token = world.issue(TokenKind::Component, Duration::from_secs(60));
        world.sweep();
        assert!(world.check(&token).is_ok());
    }
}
