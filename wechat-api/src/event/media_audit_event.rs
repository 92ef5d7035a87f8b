//! A mini program's mini-drama (短剧) media events: a video finished
//! uploading (`secvod_upload_event`), a drama's review finished
//! (`secvod_audit_event`); their typed detail, read from the push's element
//! tree. (The novels' `secbook_audit_event` stays
//! [`Event::Other`](super::Event::Other): no official page for it could be
//! read.)
//!
//! Anything a push lacks is `None`, so a known event never fails on a
//! missing detail. The fields are those of the
//! [mini-drama media events](https://developers.weixin.qq.com/miniprogram/dev/platform-capabilities/industry/mini-drama/mini_drama.html)
//! (§7). Numeric ids are kept as text, every digit.

use serde::Serialize;

use super::tree::{Node, number, text};

/// `secvod_upload_event`: a drama video finished uploading (or failed).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct MediaUpload {
    /// `upload_event/media_id`: the uploaded media.
    pub media_id: Option<String>,
    /// `upload_event/source_context`: the value the developer gave when
    /// uploading, passed back.
    pub source_context: Option<String>,
    /// `upload_event/errcode`: 0 when uploaded, anything else failed.
    pub errcode: Option<i64>,
    /// `upload_event/errmsg`: why it failed.
    pub errmsg: Option<String>,
}

impl MediaUpload {
    pub(crate) fn from_tree(tree: &Node) -> Self {
        let event = tree.child("upload_event").unwrap_or(tree);
        Self {
            media_id: text(event, "media_id"),
            source_context: text(event, "source_context"),
            errcode: number(event, "errcode"),
            errmsg: text(event, "errmsg"),
        }
    }
}

/// `secvod_audit_event`: a drama's review finished (each episode's result
/// is in the drama's details).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct DramaAudit {
    /// `audit_event/drama_id`: the drama.
    pub drama_id: Option<String>,
    /// `…/audit_detail/status`: the review's status code.
    pub status: Option<u32>,
    /// `…/audit_detail/audit_type`: the kind of review.
    pub audit_type: Option<u32>,
    /// `…/audit_detail/create_time`: when it was submitted, Unix seconds.
    pub create_time: Option<i64>,
    /// `…/audit_detail/audit_time`: when it was reviewed, Unix seconds.
    pub audit_time: Option<i64>,
}

impl DramaAudit {
    pub(crate) fn from_tree(tree: &Node) -> Self {
        let event = tree.child("audit_event").unwrap_or(tree);
        let detail = event.child("audit_detail").unwrap_or(event);
        Self {
            drama_id: text(event, "drama_id"),
            status: number(detail, "status"),
            audit_type: number(detail, "audit_type"),
            create_time: number(detail, "create_time"),
            audit_time: number(detail, "audit_time"),
        }
    }
}
