//! The full-network release test (全网发布接入检测), answered: WeChat checks a
//! third-party platform before it goes live by messaging one of five groups
//! of dedicated test accounts (picked at random; [`TEST_ACCOUNTS`]) through
//! the platform, and expects:
//!
//! | WeChat sends | the platform answers |
//! | --- | --- |
//! | text `TESTCOMPONENT_MSG_TYPE_TEXT` | the passive text reply `TESTCOMPONENT_MSG_TYPE_TEXT_callback`, To and From swapped |
//! | text `QUERY_AUTH_CODE:<code>` | an empty body within 5 s; right after, off the request path: `api_query_auth` with `<code>`, then the customer-service text `<code>_from_api` to the sender, with the authorizer token just obtained (official-account and mini-program variants) |
//! | an event (older version of the test) | the passive text reply `<Event>from_callback` |
//!
//! The ticket check (the component events URL answers `success`) is
//! [`ComponentCallback`](super::ComponentCallback)'s normal behaviour.
//! Turn the responder on with
//! [`MessageCallback::release_test`](super::MessageCallback::release_test):
//! it answers only the test accounts; everything else goes to the router.

use super::deadline::Background;
use super::reply::Reply;
use crate::api::component::QueryAuthRequest;
use crate::event::Message;
use crate::{Client, Result};

/// The text of the passive-reply test.
pub const TEXT_TEST_CONTENT: &str = "TESTCOMPONENT_MSG_TYPE_TEXT";
/// The reply the passive-reply test expects.
pub const TEXT_TEST_REPLY: &str = "TESTCOMPONENT_MSG_TYPE_TEXT_callback";
/// The prefix of the API test's text; the authorization code follows.
pub const QUERY_AUTH_CODE_PREFIX: &str = "QUERY_AUTH_CODE:";
/// What follows the code in the API test's customer-service message.
pub const API_REPLY_SUFFIX: &str = "_from_api";
/// What follows the event name in the legacy event test's reply.
pub const EVENT_REPLY_SUFFIX: &str = "from_callback";

/// Which kind of account a test account is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum AccountKind {
    /// An official account: answered with `message/custom/send`.
    OfficialAccount,
    /// A mini program: answered with the mini-program customer-service API.
    MiniProgram,
}

/// One of WeChat's dedicated release-test accounts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct TestAccount {
    /// The appid (the `$APPID$` of the message URL).
    pub appid: &'static str,
    /// The original id (`gh_…`, the messages' `ToUserName`).
    pub user_name: &'static str,
    /// Official account or mini program.
    pub kind: AccountKind,
    /// The group (1 to 5) it belongs to.
    pub group: u8,
}

const fn oa(group: u8, appid: &'static str, user_name: &'static str) -> TestAccount {
    TestAccount {
        appid,
        user_name,
        kind: AccountKind::OfficialAccount,
        group,
    }
}

const fn mp(group: u8, appid: &'static str, user_name: &'static str) -> TestAccount {
    TestAccount {
        appid,
        user_name,
        kind: AccountKind::MiniProgram,
        group,
    }
}

/// The ten test accounts: five groups of one official account and one mini
/// program (groups 2 to 5 since 2021-01-18). Group 2's official-account
/// user name is `gh_c0f28a78b318` as on the Chinese page (the English page
/// misprints it).
pub const TEST_ACCOUNTS: [TestAccount; 10] = [
    oa(1, "wx570bc396a51b8ff8", "gh_3c884a361561"),
    mp(1, "wxd101a85aa106f53e", "gh_8dad206e9538"),
    oa(2, "wx9252c5e0bb1836fc", "gh_c0f28a78b318"),
    mp(2, "wxc39235c15087f6f3", "gh_905ae9d01059"),
    oa(3, "wx8e1097c5bc82cde9", "gh_3f222ed8d140"),
    mp(3, "wx7720d01d4b2a4500", "gh_393666f1fdf4"),
    oa(4, "wx14550af28c71a144", "gh_26128078e9ab"),
    mp(4, "wx05d483572dcd5d8b", "gh_39abb5d4e1b7"),
    oa(5, "wxa35b9c23cfe664eb", "gh_2b3713f184a6"),
    mp(5, "wx5910277cae6fd970", "gh_7818dcb60240"),
];

/// The test account with this appid or user name, if it is one.
pub fn test_account(appid_or_user_name: &str) -> Option<&'static TestAccount> {
    TEST_ACCOUNTS
        .iter()
        .find(|a| a.appid == appid_or_user_name || a.user_name == appid_or_user_name)
}

/// What the responder answers a test message with.
pub(crate) enum Answer {
    /// A passive reply.
    Reply(Reply),
    /// An empty body (the API test; the work goes on in the background).
    Empty,
}

/// The responder's answer to `message`, sent to the authorizer `appid`
/// (the path's `$APPID$`), if it is a test message to a test account.
/// `client` is the platform's own client; the API test's work is spawned on
/// `background`.
pub(crate) fn respond(
    client: &Client,
    background: &Background,
    appid: &str,
    message: &Message,
) -> Option<Answer> {
    let header = message.header();
    let account = test_account(appid).or_else(|| test_account(&header.to_user_name))?;
    match message {
        Message::Text(text) if text.content == TEXT_TEST_CONTENT => {
            tracing::info!(group = account.group, "release test: passive reply");
            Some(Answer::Reply(Reply::text(TEXT_TEST_REPLY)))
        }
        Message::Text(text) => {
            let code = text
                .content
                .strip_prefix(QUERY_AUTH_CODE_PREFIX)?
                .to_owned();
            let to_user = header.from_user_name.clone();
            let client = client.clone();
            let kind = account.kind;
            let group = account.group;
            background.spawn(async move {
                match answer_through_api(&client, code, to_user, kind).await {
                    Ok(()) => tracing::info!(group, "release test: answered through the API"),
                    Err(error) => {
                        tracing::warn!(group, %error, "release test: the API answer failed");
                    }
                }
            });
            Some(Answer::Empty)
        }
        Message::Event(event) => {
            tracing::info!(group = account.group, "release test: event reply");
            Some(Answer::Reply(Reply::text(format!(
                "{}{EVENT_REPLY_SUFFIX}",
                event.event()
            ))))
        }
        _ => None,
    }
}

/// `api_query_auth` with `code` (its hook stores the authorizer's tokens),
/// then the customer-service text `<code>_from_api` to `to_user`, with the
/// authorizer's token.
async fn answer_through_api(
    client: &Client,
    code: String,
    to_user: String,
    kind: AccountKind,
) -> Result<()> {
    let content = format!("{code}{API_REPLY_SUFFIX}");
    let authorization = client
        .component()
        .query_auth(QueryAuthRequest::new(code))
        .await?
        .authorization_info;
    let authorizer = client.authorizer(authorization.authorizer_appid);
    match kind {
        AccountKind::OfficialAccount => {
            use crate::api::message::{CustomMessage, CustomSendRequest, TextContent};
            authorizer
                .message()
                .custom_send(CustomSendRequest::new(
                    to_user,
                    CustomMessage::Text(TextContent::new(content)),
                ))
                .await?;
        }
        AccountKind::MiniProgram => {
            use crate::api::wxa::{CustomSendRequest, WxaCustomMessage, WxaTextContent};
            authorizer
                .wxa()
                .custom_send(CustomSendRequest::new(
                    to_user,
                    WxaCustomMessage::Text(WxaTextContent::new(content)),
                ))
                .await?;
        }
    }
    Ok(())
}
