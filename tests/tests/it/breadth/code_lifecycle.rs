//! A mini program's code lifecycle end to end, through the real client and
//! a real callback server: the platform commits a template for an
//! authorized mini program, reads its pages and trial QR code, submits it
//! for review with a review item built from `get_category` and `get_page`;
//! the sandbox pushes `weapp_audit_success` (or `weapp_audit_fail`)
//! encrypted and signed to the platform's message URL, and the platform's
//! event handler calls `release` from there — the release is driven by the
//! event, not by polling.

use wechat_api_test_support::platform;
use wechat_api_test_support::platform as sandbox_flow;

use std::time::Duration;

use platform::Platform;
use serde_json::json;
use tokio::sync::mpsc;
use wechat_api::api::wxa_code::{
    AuditItem, AuditStatus, CommitRequest, GetAuditStatusRequest, GetQrcodeRequest,
    SubmitAuditRequest,
};
use wechat_api::callback::Router;
use wechat_api::event::{Event, Message};
use wechat_api::{Client, Error};
use wechat_sandbox::release_test::AccountKind;
use wechat_sandbox::{AuditVerdict, Merchant, Sandbox, SandboxConfig, errcode};

const MINI_PROGRAM: &str = "wx00000000d0000001";
/// How long a test waits for a pushed event (generous for a loaded machine;
/// an event normally arrives in milliseconds).
const EVENT_WAIT: Duration = Duration::from_secs(20);

/// What the platform's handler saw and did for one review event.
#[derive(Debug)]
struct Handled {
    /// The authorizer the handler's client acted for.
    authorizer: Option<String>,
    /// The event.
    event: Event,
    /// What `release`, called from the handler, answered.
    release: Result<(), Error>,
}

/// A message router that releases on `weapp_audit_success` and tries to on
/// `weapp_audit_fail` (WeChat refuses then), reporting each to `report`.
fn releasing_router(report: mpsc::UnboundedSender<Handled>) -> Router {
    let on_event = move |message: Message, client: Client| {
        let report = report.clone();
        async move {
            let Message::Event(event) = message else {
                return Ok(None);
            };
            let release = client.wxa_code().release().await.map(drop);
            let _ = report.send(Handled {
                authorizer: client.authorizer_appid().map(str::to_owned),
                event: event.detail,
                release,
            });
            Ok(None)
        }
    };
    Router::new()
        .event("weapp_audit_success", on_event.clone())
        .event("weapp_audit_fail", on_event)
}

async fn sandbox() -> Sandbox {
    sandbox_flow::sandbox_with(
        SandboxConfig::builder()
            .merchant(Merchant::new(MINI_PROGRAM, "Sandbox Tea").kind(AccountKind::MiniProgram)),
    )
    .await
}

/// The ext.json of the commits: two pages.
fn ext_json() -> serde_json::Value {
    json!({"extAppid": MINI_PROGRAM, "ext": {"shop": "tea"}, "pages": ["pages/index/index", "pages/menu/menu"]})
}

/// A review item for the first page and the mini program's first category.
async fn review_item(mini: &Client) -> AuditItem {
    let code = mini.wxa_code();
    let pages = code.get_page().await.unwrap().page_list;
    assert_eq!(pages, ["pages/index/index", "pages/menu/menu"]);
    let category = code
        .get_category()
        .await
        .unwrap()
        .category_list
        .into_iter()
        .next()
        .expect("the mini program has a category");
    let mut item = AuditItem::new(
        category.first_class,
        category.second_class,
        category.first_id,
        category.second_id,
    )
    .address(pages[0].clone())
    .tag("tea shop")
    .title("Home");
    item.third_class = category.third_class;
    item.third_id = category.third_id;
    item
}

async fn next_event(events: &mut mpsc::UnboundedReceiver<Handled>) -> Handled {
    tokio::time::timeout(EVENT_WAIT, events.recv())
        .await
        .expect("the review event reached the platform's handler")
        .expect("the handler is alive")
}

fn api_code(result: Result<impl std::fmt::Debug, Error>) -> Option<i64> {
    match result {
        Ok(answer) => panic!("expected a WeChat error, got {answer:?}"),
        Err(e) => e.api_code(),
    }
}

#[tokio::test]
async fn an_approved_review_is_released_by_the_event_handler() {
    let sandbox = sandbox().await;
    let (report, mut events) = mpsc::unbounded_channel();
    let platform = Platform::start(&sandbox, releasing_router(report)).await;
    let mini = platform.authorize(MINI_PROGRAM).await;
    let code = mini.wxa_code();

    // Nothing to review or release before a commit.
    let submit = code.submit_audit(SubmitAuditRequest::new()).await;
    assert_eq!(api_code(submit), Some(errcode::MUST_COMMIT));
    assert_eq!(
        api_code(code.release().await),
        Some(errcode::NO_AUDIT_VERSION)
    );
    let qr = code.get_qrcode(GetQrcodeRequest::new()).await;
    assert_eq!(api_code(qr), Some(errcode::SYSTEM_ERROR));

    code.commit(CommitRequest::new(3, ext_json(), "V1.0", "first version"))
        .await
        .unwrap();
    let qr = code
        .get_qrcode(GetQrcodeRequest::new().path("pages/index/index?from=qr"))
        .await
        .unwrap();
    assert_eq!(qr.content_type, "image/jpeg");
    assert_eq!(qr.filename.as_deref(), Some("QRCode.jpg"));
    assert_eq!(&qr.bytes[..2], b"\xFF\xD8");

    let item = review_item(&mini).await;
    let auditid = code
        .submit_audit(
            SubmitAuditRequest::new()
                .item_list(vec![item])
                .version_desc("the tea menu"),
        )
        .await
        .unwrap()
        .auditid;

    // The event arrives and the handler releases from it.
    let handled = next_event(&mut events).await;
    assert_eq!(handled.authorizer.as_deref(), Some(MINI_PROGRAM));
    assert!(
        matches!(handled.event, Event::WeappAuditSuccess(ref s) if s.succ_time > 0),
        "{:?}",
        handled.event
    );
    handled.release.expect("released from the event handler");

    let status = code
        .get_audit_status(GetAuditStatusRequest::new(auditid))
        .await
        .unwrap();
    assert_eq!(status.status, AuditStatus::Succeeded);
    let latest = code.get_latest_audit_status().await.unwrap();
    assert_eq!(latest.auditid, auditid);
    assert_eq!(latest.status, AuditStatus::Succeeded);
    assert_eq!(latest.user_version, "V1.0");
    assert_eq!(latest.user_desc, "first version");
    let versions = code.get_version_info().await.unwrap();
    let released = versions.release_info.expect("a released version");
    assert_eq!(released.release_version, "V1.0");
    assert_eq!(released.release_desc, "first version");
    assert_eq!(
        versions.exp_info.expect("the trial version").exp_version,
        "V1.0"
    );
    // Released once.
    assert_eq!(
        api_code(code.release().await),
        Some(errcode::ALREADY_RELEASED)
    );
    assert!(events.try_recv().is_err(), "one event per review");
}

#[tokio::test]
async fn a_rejected_review_is_not_released_and_a_resubmission_is() {
    let sandbox = sandbox().await;
    sandbox.set_audit_verdict(AuditVerdict::reject("1:<br>(1): the menu page is empty"));
    let (report, mut events) = mpsc::unbounded_channel();
    let platform = Platform::start(&sandbox, releasing_router(report)).await;
    let mini = platform.authorize(MINI_PROGRAM).await;
    let code = mini.wxa_code();
    code.commit(CommitRequest::new(3, ext_json(), "V1.0", "first version"))
        .await
        .unwrap();
    let item = review_item(&mini).await;
    let rejected = code
        .submit_audit(SubmitAuditRequest::new().item_list(vec![item.clone()]))
        .await
        .unwrap()
        .auditid;

    let handled = next_event(&mut events).await;
    match &handled.event {
        Event::WeappAuditFail(fail) => {
            assert_eq!(fail.reason, "1:<br>(1): the menu page is empty");
            assert!(fail.fail_time > 0);
        }
        other => panic!("expected weapp_audit_fail, got {other:?}"),
    }
    // The handler's release was refused: the review did not pass.
    assert_eq!(
        handled.release.unwrap_err().api_code(),
        Some(errcode::STATUS_NOT_ALLOWED)
    );
    let status = code
        .get_audit_status(GetAuditStatusRequest::new(rejected))
        .await
        .unwrap();
    assert_eq!(status.status, AuditStatus::Rejected);
    assert_eq!(
        status.reason.as_deref(),
        Some("1:<br>(1): the menu page is empty")
    );
    assert!(
        code.get_version_info()
            .await
            .unwrap()
            .release_info
            .is_none()
    );

    // Fixed and submitted again: approved, released from the event.
    sandbox.set_audit_verdict(AuditVerdict::Approve);
    code.commit(CommitRequest::new(3, ext_json(), "V1.1", "menu filled in"))
        .await
        .unwrap();
    let approved = code
        .submit_audit(SubmitAuditRequest::new().item_list(vec![item]))
        .await
        .unwrap()
        .auditid;
    assert_ne!(approved, rejected);
    let handled = next_event(&mut events).await;
    assert!(matches!(handled.event, Event::WeappAuditSuccess(_)));
    handled.release.expect("released from the event handler");
    let released = code.get_version_info().await.unwrap().release_info.unwrap();
    assert_eq!(released.release_version, "V1.1");
    // The first review keeps its verdict.
    let status = code
        .get_audit_status(GetAuditStatusRequest::new(rejected))
        .await
        .unwrap();
    assert_eq!(status.status, AuditStatus::Rejected);
}

#[tokio::test]
async fn a_review_under_way_blocks_release_until_it_is_decided() {
    let sandbox = sandbox().await;
    sandbox.set_audit_verdict(AuditVerdict::Hold);
    let (report, mut events) = mpsc::unbounded_channel();
    let platform = Platform::start(&sandbox, releasing_router(report)).await;
    let mini = platform.authorize(MINI_PROGRAM).await;
    let code = mini.wxa_code();
    code.commit(CommitRequest::new(3, ext_json(), "V2.0", "second"))
        .await
        .unwrap();
    let auditid = code
        .submit_audit(SubmitAuditRequest::new())
        .await
        .unwrap()
        .auditid;
    let status = code
        .get_audit_status(GetAuditStatusRequest::new(auditid))
        .await
        .unwrap();
    assert_eq!(status.status, AuditStatus::Auditing);
    assert_eq!(
        api_code(code.release().await),
        Some(errcode::STATUS_NOT_ALLOWED)
    );
    let again = code.submit_audit(SubmitAuditRequest::new()).await;
    assert_eq!(api_code(again), Some(errcode::UNDER_AUDIT));
    let unknown = code
        .get_audit_status(GetAuditStatusRequest::new(auditid + 1000))
        .await;
    assert_eq!(api_code(unknown), Some(errcode::INVALID_AUDIT_ID));
    assert!(events.try_recv().is_err(), "no event while under review");

    // A review item naming a page the code does not have is refused.
    let mut item = review_item(&mini).await;
    item.address = Some("pages/nowhere/nowhere".into());
    sandbox
        .complete_audit(MINI_PROGRAM, AuditVerdict::reject("withdrawn"))
        .await
        .unwrap();
    let handled = next_event(&mut events).await;
    assert!(matches!(handled.event, Event::WeappAuditFail(_)));
    let bad = code
        .submit_audit(SubmitAuditRequest::new().item_list(vec![item]))
        .await;
    assert_eq!(api_code(bad), Some(errcode::INVALID_PAGE));

    let auditid = code
        .submit_audit(SubmitAuditRequest::new())
        .await
        .unwrap()
        .auditid;
    // complete_audit returns once the platform accepted the event, which
    // its handler answered after releasing.
    sandbox
        .complete_audit(MINI_PROGRAM, AuditVerdict::Approve)
        .await
        .unwrap();
    let handled = next_event(&mut events).await;
    handled.release.expect("released from the event handler");
    let latest = code.get_latest_audit_status().await.unwrap();
    assert_eq!(
        (latest.auditid, latest.status),
        (auditid, AuditStatus::Succeeded)
    );
    assert!(
        sandbox
            .complete_audit(MINI_PROGRAM, AuditVerdict::Approve)
            .await
            .is_err(),
        "nothing left under review"
    );
}
