//! The component events URL over the durable store (an embedded redb file):
//! WeChat pushes the `component_verify_ticket` every 10 minutes, mostly
//! unchanged, and an unchanged ticket must not cost a durable write (a
//! committed, fsynced transaction) each time. Proven twice: by counting the
//! store's write calls, and by the file's bytes, which every redb commit
//! changes. A new ticket is committed and survives a reopening of the file;
//! an unchanged ticket with less than 6 of its 12 hours left is rewritten
//! (so that it never expires while WeChat keeps pushing it).

use wechat_api_test_support::callback as support;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use support::*;
use wechat_api::callback::{CallbackResponse, ComponentCallback};
use wechat_api::token::{DurableStore, StoredValue, TokenKey, TokenStore};
use wechat_api_test_support::recording_store::RecordingStore;

fn ticket_xml(ticket: &str, create_time: i64) -> String {
    format!(
        "<xml><AppId><![CDATA[{COMPONENT_APPID}]]></AppId><CreateTime>{create_time}</CreateTime>\
         <InfoType><![CDATA[component_verify_ticket]]></InfoType>\
         <ComponentVerifyTicket><![CDATA[{ticket}]]></ComponentVerifyTicket></xml>"
    )
}

/// A durable store recording its calls: each write is a redb write
/// transaction.
type Counted = RecordingStore<DurableStore>;

struct Platform {
    store: Arc<Counted>,
    events: ComponentCallback,
    path: PathBuf,
    _dir: tempfile::TempDir,
}

async fn platform() -> Platform {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let path = dir.path().join("tokens.redb");
    let store = Arc::new(Counted::new(
        DurableStore::open(&path).await.expect("store opens"),
    ));
    let events = ComponentCallback::new(client_with(store.clone(), None)).expect("configured");
    Platform {
        store,
        events,
        path,
        _dir: dir,
    }
}

fn file_bytes(path: &Path) -> Vec<u8> {
    std::fs::read(path).expect("the store file is readable")
}

impl Platform {
    async fn push(&self, wechat: &Wechat, ticket: &str, create_time: i64) {
        let answer = self
            .events
            .handle(wechat.safe_push(&ticket_xml(ticket, create_time)))
            .await;
        assert_eq!(answer, CallbackResponse::success());
    }

    async fn stored(&self) -> Option<StoredValue> {
        let key = TokenKey::component_verify_ticket(COMPONENT_APPID);
        self.store.inner().get(&key).await.expect("store reads")
    }
}

#[tokio::test]
async fn an_unchanged_ticket_commits_nothing_and_a_new_one_is_committed() {
    let wechat = Wechat::default();
    let platform = platform().await;
    let empty = file_bytes(&platform.path);

    platform.push(&wechat, "ticket@@@A", now() - 1200).await;
    assert_eq!(platform.store.writes(), 1, "the first ticket is written");
    let with_a = file_bytes(&platform.path);
    assert_ne!(with_a, empty, "and committed to the file");

    // WeChat's next pushes, 10 minutes apart, with the same ticket
    platform.push(&wechat, "ticket@@@A", now() - 600).await;
    platform.push(&wechat, "ticket@@@A", now()).await;
    assert_eq!(
        platform.store.writes(),
        1,
        "no write for an unchanged ticket"
    );
    assert!(
        file_bytes(&platform.path) == with_a,
        "the store file is untouched: no transaction was committed"
    );
    assert_eq!(
        platform.stored().await.map(|s| s.value).as_deref(),
        Some("ticket@@@A")
    );

    // a new ticket is committed...
    platform.push(&wechat, "ticket@@@B", now()).await;
    assert_eq!(platform.store.writes(), 2);
    assert!(
        file_bytes(&platform.path) != with_a,
        "a commit changed the file"
    );

    // ...and read back from the file by the next process
    let Platform {
        store,
        events,
        path,
        _dir,
    } = platform;
    drop(events);
    drop(store);
    let reopened = DurableStore::open(&path).await.expect("store reopens");
    let key = TokenKey::component_verify_ticket(COMPONENT_APPID);
    let stored = reopened.get(&key).await.expect("store reads");
    assert_eq!(stored.map(|s| s.value).as_deref(), Some("ticket@@@B"));
}

#[tokio::test]
async fn an_unchanged_ticket_with_less_than_6_hours_left_is_rewritten_once() {
    let wechat = Wechat::default();
    let platform = platform().await;
    let key = TokenKey::component_verify_ticket(COMPONENT_APPID);
    // stored 7 hours ago: 5 of its 12 hours left
    platform
        .store
        .inner()
        .set(&key, "ticket@@@A", Some(Duration::from_secs(5 * 3600)))
        .await
        .expect("store writes");
    let before = file_bytes(&platform.path);

    platform.push(&wechat, "ticket@@@A", now()).await;
    assert_eq!(platform.store.writes(), 1, "rewritten");
    assert!(file_bytes(&platform.path) != before, "and committed");
    let left = platform
        .stored()
        .await
        .and_then(|s| s.remaining())
        .expect("an expiring ticket");
    assert!(
        left > Duration::from_secs(11 * 3600),
        "its 12 hours start again ({left:?} left)"
    );

    // from then on, unchanged pushes are not written again
    let after = file_bytes(&platform.path);
    platform.push(&wechat, "ticket@@@A", now()).await;
    assert_eq!(platform.store.writes(), 1);
    assert!(file_bytes(&platform.path) == after, "no commit");
}
