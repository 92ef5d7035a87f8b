//! The full-network release test (全网发布接入检测), played as WeChat plays
//! it against a third-party platform, with a pass or fail per check
//! ([`ReleaseTestReport`]).
//!
//! For one of the ten [`TEST_ACCOUNTS`] (WeChat picks one at random), which
//! WeChat authorizes to the platform by itself:
//!
//! 1. [`Check::TicketPush`]: a `component_verify_ticket` is pushed to the
//!    component events URL, which must answer `success`;
//! 2. [`Check::PassiveReply`] (official accounts): the text
//!    `TESTCOMPONENT_MSG_TYPE_TEXT` is sent to the message URL; the answer
//!    must be XML (`text/xml` or `application/xml`), an envelope whose
//!    signature holds and which decrypts to a text reply
//!    `TESTCOMPONENT_MSG_TYPE_TEXT_callback` from the account to the user;
//! 3. [`Check::EmptyAnswer`]: the text `QUERY_AUTH_CODE:<code>` (a fresh
//!    authorization code of the test account) must be answered 200 with an
//!    empty body within 5 seconds;
//! 4. [`Check::QueryAuth`]: then the platform must call `api_query_auth`
//!    with that code;
//! 5. [`Check::CustomSend`]: and send the customer-service text
//!    `<code>_from_api` to the user, with the authorizer access token that
//!    `api_query_auth` returned (official accounts and mini programs use
//!    the same `message/custom/send` path).
//!
//! Checks 4 and 5 wait for the calls (they are recorded as the sandbox
//! serves them) until [`ReleaseTest::api_deadline`] after the answer.

mod accounts;
mod report;
pub(crate) mod wire;

use std::time::{Duration, Instant};

pub use accounts::{AccountKind, TEST_ACCOUNTS, TestAccount, test_account};
pub use report::{Check, CheckResult, Outcome, ReleaseTestReport};

use crate::message_push::message_url;
use crate::world::{Authorization, World, random_string};
use crate::{SandboxError, Shared};

/// The text of the passive-reply check.
pub const TEXT_TEST_CONTENT: &str = "TESTCOMPONENT_MSG_TYPE_TEXT";
/// The passive reply it expects.
pub const TEXT_TEST_REPLY: &str = "TESTCOMPONENT_MSG_TYPE_TEXT_callback";
/// The prefix of the customer-service check's text.
pub const QUERY_AUTH_CODE_PREFIX: &str = "QUERY_AUTH_CODE:";
/// What the customer-service message appends to the code.
pub const API_REPLY_SUFFIX: &str = "_from_api";
/// How long WeChat waits for the answer to a message.
pub const ANSWER_DEADLINE: Duration = Duration::from_secs(5);
/// Default of [`ReleaseTest::api_deadline`].
pub const DEFAULT_API_DEADLINE: Duration = Duration::from_secs(15);

/// The permission sets WeChat grants the platform for a test account
/// (message management, user management, account services…).
const TEST_FUNC_IDS: [i64; 4] = [1, 2, 3, 11];

/// One run of the release test: which account, where the platform's
/// message URL is.
#[derive(Debug, Clone)]
pub struct ReleaseTest {
    message_url: String,
    account: TestAccount,
    api_deadline: Duration,
}

impl ReleaseTest {
    /// The test with `account`, against the platform whose message URL is
    /// `message_url`: the URL configured on the platform, with WeChat's
    /// `$APPID$` placeholder (`https://platform.example.com/$APPID$/callback`).
    pub fn new(message_url: impl Into<String>, account: TestAccount) -> Self {
        ReleaseTest {
            message_url: message_url.into(),
            account,
            api_deadline: DEFAULT_API_DEADLINE,
        }
    }

    /// How long after its empty answer the platform has to make the
    /// `api_query_auth` and `message/custom/send` calls (default 15 s).
    #[must_use]
    pub fn api_deadline(mut self, deadline: Duration) -> Self {
        self.api_deadline = deadline;
        self
    }

    /// The account.
    pub fn account(&self) -> &TestAccount {
        &self.account
    }
}

impl crate::Sandbox {
    /// Plays the release test `test` against the platform (its component
    /// events URL is the sandbox's callback URL) and reports each check.
    ///
    /// # Errors
    /// [`SandboxError::Config`] when the message URL is not an absolute
    /// http(s) URL with `$APPID$`. A platform that fails a check is not an
    /// error: the report says which and why.
    pub async fn run_release_test(
        &self,
        test: &ReleaseTest,
    ) -> Result<ReleaseTestReport, SandboxError> {
        let account = test.account;
        let message_url = message_url(&test.message_url, account.appid)?;
        let shared = &self.shared;
        let mut checks = Vec::new();

        let ticket = shared
            .push_verify_ticket()
            .await
            .map(drop)
            .map_err(|e| e.to_string());
        checks.push(CheckResult::new(Check::TicketPush, ticket));

        // WeChat authorizes the test account to the platform by itself.
        authorize_test_account(&mut shared.world(), account.appid);

        if account.kind == AccountKind::OfficialAccount {
            let outcome = passive_reply(shared, &message_url, &account).await;
            checks.push(CheckResult::new(Check::PassiveReply, outcome));
        }

        let code = shared
            .world()
            .issue_auth_code(account.appid, shared.config.code_ttl);
        let openid = wire::random_openid();
        let content = format!("{QUERY_AUTH_CODE_PREFIX}{code}");
        let answer = send(shared, &message_url, &account, &openid, &content)
            .await
            .and_then(|answer| {
                if answer.status != 200 {
                    Err(format!("answered HTTP {}", answer.status))
                } else if !answer.body.is_empty() {
                    Err(format!(
                        "answered a {}-byte body instead of an empty one (not `success`, not a passive reply: the answer goes through the customer-service API)",
                        answer.body.len()
                    ))
                } else {
                    Ok(())
                }
            });
        checks.push(CheckResult::new(Check::EmptyAnswer, answer));

        let deadline = Instant::now() + test.api_deadline;
        let token = wait_for(shared, deadline, |world| {
            world
                .query_auth_calls
                .iter()
                .find(|call| call.code == code)
                .map(|call| call.token.clone())
        })
        .await;
        checks.push(CheckResult::new(
            Check::QueryAuth,
            token.as_ref().map(drop).ok_or_else(|| {
                format!(
                    "api_query_auth was not called with the code within {} s",
                    test.api_deadline.as_secs()
                )
            }),
        ));

        let expected = format!("{code}{API_REPLY_SUFFIX}");
        let sent = wait_for(shared, deadline, |world| {
            world
                .custom_messages
                .iter()
                .find(|m| m.text() == Some(expected.as_str()))
                .cloned()
        })
        .await;
        let custom = match sent {
            None => Err(format!(
                "no customer-service text `<code>{API_REPLY_SUFFIX}` was sent within {} s",
                test.api_deadline.as_secs()
            )),
            Some(m) if m.touser != openid => {
                Err("the customer-service message went to another user than the sender".to_owned())
            }
            Some(m) if m.msgtype != "text" => Err(format!(
                "the customer-service message is `{}`, not `text`",
                m.msgtype
            )),
            Some(m) if m.appid.as_deref() != Some(account.appid) => Err(
                "the customer-service message was sent with a token that does not act for the test account"
                    .to_owned(),
            ),
            Some(m) if token.as_ref().is_some_and(|t| *t != m.access_token) => Err(
                "the customer-service message was not sent with the token api_query_auth returned"
                    .to_owned(),
            ),
            Some(_) => Ok(()),
        };
        checks.push(CheckResult::new(Check::CustomSend, custom));

        let report = ReleaseTestReport { account, checks };
        tracing::info!(
            group = account.group,
            kind = account.kind.name(),
            passed = report.passed(),
            "release test played"
        );
        Ok(report)
    }
}

/// Records the test account as having authorized the platform (once).
fn authorize_test_account(world: &mut World, appid: &str) {
    world
        .authorizations
        .entry(appid.to_owned())
        .or_insert_with(|| Authorization {
            refresh_token: format!("refreshtoken@@@{}", random_string(43)),
            func_ids: TEST_FUNC_IDS.to_vec(),
        });
}

/// The platform's answer to a message.
struct Answer {
    status: u16,
    content_type: String,
    body: String,
}

/// Sends the text `content` from `openid` to `account`, waiting at most
/// [`ANSWER_DEADLINE`] for the answer.
async fn send(
    shared: &Shared,
    message_url: &url::Url,
    account: &TestAccount,
    openid: &str,
    content: &str,
) -> Result<Answer, String> {
    let plaintext = wire::text_message(account.user_name, openid, content);
    let sealed = crate::message_push::seal(
        &shared.crypt,
        &shared.config.component_token,
        message_url,
        account.user_name,
        openid,
        &plaintext,
    )
    .map_err(|e| format!("could not encrypt the message: {e}"))?;
    let answer = shared
        .http
        .post(sealed.url)
        .timeout(ANSWER_DEADLINE)
        .header("content-type", "text/xml")
        .body(sealed.body)
        .send()
        .await
        .map_err(|e| {
            if e.is_timeout() {
                format!("no answer within {} s", ANSWER_DEADLINE.as_secs())
            } else {
                format!("the message URL is unreachable: {}", e.without_url())
            }
        })?;
    let status = answer.status().as_u16();
    let content_type = answer
        .headers()
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    let body = answer
        .text()
        .await
        .map_err(|e| format!("the answer could not be read: {}", e.without_url()))?;
    Ok(Answer {
        status,
        content_type,
        body,
    })
}

/// Check 2: the passive reply to `TESTCOMPONENT_MSG_TYPE_TEXT`.
async fn passive_reply(
    shared: &Shared,
    message_url: &url::Url,
    account: &TestAccount,
) -> Result<(), String> {
    let openid = wire::random_openid();
    let answer = send(shared, message_url, account, &openid, TEXT_TEST_CONTENT).await?;
    if answer.status != 200 {
        return Err(format!("answered HTTP {}", answer.status));
    }
    let media_type = answer
        .content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    if media_type != "text/xml" && media_type != "application/xml" {
        return Err(format!(
            "the reply's Content-Type is `{media_type}`, not text/xml"
        ));
    }
    let reply = wire::open_reply(&shared.crypt, &answer.body)?;
    let field = |name: &str| reply.get(name).map(String::as_str).unwrap_or("");
    if field("MsgType") != "text" {
        return Err(format!(
            "the reply's MsgType is `{}`, not `text`",
            field("MsgType")
        ));
    }
    if field("Content") != TEXT_TEST_REPLY {
        return Err(format!("the reply's Content is not `{TEXT_TEST_REPLY}`"));
    }
    if field("ToUserName") != openid || field("FromUserName") != account.user_name {
        return Err(
            "the reply's ToUserName and FromUserName are not the message's, swapped".to_owned(),
        );
    }
    if field("CreateTime").parse::<i64>().is_err() {
        return Err("the reply has no numeric CreateTime".to_owned());
    }
    Ok(())
}

/// Waits until `probe` finds something in the world (re-checked whenever
/// the sandbox records a watched call) or `deadline` passes.
async fn wait_for<T>(
    shared: &Shared,
    deadline: Instant,
    mut probe: impl FnMut(&World) -> Option<T>,
) -> Option<T> {
    loop {
        let notified = shared.activity.notified();
        tokio::pin!(notified);
        notified.as_mut().enable();
        if let Some(found) = probe(&shared.world()) {
            return Some(found);
        }
        if tokio::time::timeout_at(deadline.into(), notified)
            .await
            .is_err()
        {
            return probe(&shared.world());
        }
    }
}
