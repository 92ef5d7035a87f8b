//! A mini program's code lifecycle, as WeChat keeps it for each authorizer:
//! `commit` makes a trial version, `submit_audit` puts it under review,
//! the reviewers decide ([`AuditVerdict`], with a `weapp_audit_success` or
//! `weapp_audit_fail` event pushed), and `release` publishes an approved
//! version once.
//!
//! Pure state and WeChat's errcodes; the overrides in
//! `overrides/code.rs` call it under the world's lock.

use serde_json::{Value, json};

use crate::errcode::{self, WxError};

/// What the sandbox's reviewers decide about the code reviews submitted from
/// now on (see [`Sandbox::set_audit_verdict`](crate::Sandbox::set_audit_verdict)).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum AuditVerdict {
    /// Approved at once: status 0 and `weapp_audit_success` pushed (the
    /// default).
    #[default]
    Approve,
    /// Rejected at once: status 1 with this reason, and `weapp_audit_fail`
    /// pushed.
    Reject {
        /// Why (WeChat's reasons hold `<br>` markup).
        reason: String,
    },
    /// Kept under review (status 2) until
    /// [`Sandbox::complete_audit`](crate::Sandbox::complete_audit).
    Hold,
}

impl AuditVerdict {
    /// A rejection for `reason`.
    pub fn reject(reason: impl Into<String>) -> Self {
        AuditVerdict::Reject {
            reason: reason.into(),
        }
    }
}

/// How many review items `submit_audit` takes.
const MAX_ITEMS: usize = 5;
/// How many tags a review item may carry, and how long each may be.
const MAX_TAGS: usize = 10;
const MAX_TAG_CHARS: usize = 20;

/// A committed code version.
#[derive(Debug, Clone)]
pub(crate) struct Commit {
    pub user_version: String,
    pub user_desc: String,
    pub time: i64,
    /// The pages of the code (`ext_json.pages`, else the template's).
    pub pages: Vec<String>,
}

/// The state of a review (`AuditStatus` of the spec).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Status {
    Succeeded = 0,
    Rejected = 1,
    Auditing = 2,
}

/// One review.
#[derive(Debug, Clone)]
pub(crate) struct Audit {
    pub auditid: i64,
    pub status: Status,
    pub reason: Option<String>,
    pub submit_time: i64,
    pub commit: Commit,
    pub released: bool,
}

/// What to push once a review is decided.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Decision {
    /// `weapp_audit_success`.
    Approved,
    /// `weapp_audit_fail`.
    Rejected { reason: String },
}

/// A version released to users.
#[derive(Debug, Clone)]
pub(crate) struct Release {
    pub commit: Commit,
    pub time: i64,
}

/// One mini program's code: its trial version, its reviews (oldest first)
/// and its released version.
#[derive(Debug, Default)]
pub(crate) struct CodeState {
    pub trial: Option<Commit>,
    pub audits: Vec<Audit>,
    pub release: Option<Release>,
}

/// The pages of a commit: `ext_json.pages` when given (85047 when empty),
/// else `template_pages`. 85048 when `ext_json` is not a JSON object.
pub(crate) fn commit_pages(
    ext_json: &str,
    template_pages: &[String],
) -> Result<Vec<String>, WxError> {
    let parsed: Value = serde_json::from_str(ext_json)
        .map_err(|_| WxError::new(errcode::PARSE_EXT_JSON, "parse ext_json fail"))?;
    let Value::Object(ext) = parsed else {
        return Err(WxError::new(errcode::PARSE_EXT_JSON, "parse ext_json fail"));
    };
    match ext.get("pages") {
        None => Ok(template_pages.to_vec()),
        Some(Value::Array(pages)) => {
            let pages: Vec<String> = pages
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect();
            if pages.is_empty() {
                Err(WxError::new(errcode::EMPTY_PAGES, "pages field is empty"))
            } else {
                Ok(pages)
            }
        }
        Some(_) => Err(WxError::new(errcode::PARSE_EXT_JSON, "parse ext_json fail")),
    }
}

/// A category of the mini program: first, second and optional third id.
pub(crate) type Category = (i64, i64, Option<i64>);

/// The categories of a `get_category` answer.
pub(crate) fn categories(answer: &Value) -> Vec<Category> {
    answer
        .get("category_list")
        .and_then(Value::as_array)
        .map(|list| {
            list.iter()
                .filter_map(|c| {
                    Some((
                        c.get("first_id")?.as_i64()?,
                        c.get("second_id")?.as_i64()?,
                        c.get("third_id").and_then(Value::as_i64),
                    ))
                })
                .collect()
        })
        .unwrap_or_default()
}

impl CodeState {
    /// `commit`: the code becomes the trial version.
    pub(crate) fn commit(&mut self, commit: Commit) {
        self.trial = Some(commit);
    }

    fn under_review(&self) -> bool {
        self.audits.iter().any(|a| a.status == Status::Auditing)
    }

    /// `submit_audit` of the trial version with these review items:
    /// each names a page of the code (85007), carries at most 10 tags of at
    /// most 20 characters (85006), and one of `categories` (85008; not
    /// checked when `categories` is empty).
    pub(crate) fn submit(
        &mut self,
        auditid: i64,
        items: &[Value],
        categories: &[Category],
        now: i64,
    ) -> Result<(), WxError> {
        let commit = self
            .trial
            .clone()
            .ok_or_else(|| WxError::new(errcode::MUST_COMMIT, "must commit before submit audit"))?;
        if self.under_review() {
            return Err(WxError::new(
                errcode::UNDER_AUDIT,
                "already submit a version under auditing",
            ));
        }
        if items.len() > MAX_ITEMS {
            return Err(WxError::new(
                errcode::DATA_FORMAT,
                "data format error: item_list holds at most 5 items",
            ));
        }
        for item in items {
            check_item(item, &commit.pages, categories)?;
        }
        self.audits.push(Audit {
            auditid,
            status: Status::Auditing,
            reason: None,
            submit_time: now,
            commit,
            released: false,
        });
        Ok(())
    }

    /// Decides the review `auditid` (under review) as `verdict` says; what
    /// to push, or `None` for [`AuditVerdict::Hold`].
    pub(crate) fn decide(
        &mut self,
        auditid: i64,
        verdict: &AuditVerdict,
    ) -> Result<Option<Decision>, WxError> {
        let audit = self
            .audits
            .iter_mut()
            .find(|a| a.auditid == auditid)
            .ok_or_else(invalid_audit_id)?;
        if audit.status != Status::Auditing {
            return Err(WxError::new(
                errcode::STATUS_NOT_ALLOWED,
                "status not allowed: the review is not in progress",
            ));
        }
        let decision = match verdict {
            AuditVerdict::Approve => {
                audit.status = Status::Succeeded;
                Decision::Approved
            }
            AuditVerdict::Reject { reason } => {
                audit.status = Status::Rejected;
                audit.reason = Some(reason.clone());
                Decision::Rejected {
                    reason: reason.clone(),
                }
            }
            AuditVerdict::Hold => return Ok(None),
        };
        Ok(Some(decision))
    }

    /// The review under way, if any.
    pub(crate) fn pending(&self) -> Option<i64> {
        self.audits
            .iter()
            .find(|a| a.status == Status::Auditing)
            .map(|a| a.auditid)
    }

    /// `get_auditstatus`.
    pub(crate) fn status(&self, auditid: i64) -> Result<Value, WxError> {
        let audit = self
            .audits
            .iter()
            .find(|a| a.auditid == auditid)
            .ok_or_else(invalid_audit_id)?;
        let mut answer = json!({"errcode": 0, "errmsg": "ok", "status": audit.status as i64});
        if let (Some(reason), Some(map)) = (&audit.reason, answer.as_object_mut()) {
            map.insert("reason".into(), json!(reason));
            map.insert("screenshot".into(), json!(""));
        }
        Ok(answer)
    }

    /// `get_latest_auditstatus` (85058 before any review).
    pub(crate) fn latest(&self) -> Result<Value, WxError> {
        let audit = self
            .audits
            .last()
            .ok_or_else(|| WxError::new(errcode::NO_AUDIT_ID, "no valid audit_id exist"))?;
        let mut answer = json!({
            "errcode": 0,
            "errmsg": "ok",
            "auditid": audit.auditid,
            "status": audit.status as i64,
            "user_version": audit.commit.user_version,
            "user_desc": audit.commit.user_desc,
            "submit_audit_time": audit.submit_time,
        });
        if let (Some(reason), Some(map)) = (&audit.reason, answer.as_object_mut()) {
            map.insert("reason".into(), json!(reason));
            map.insert("ScreenShot".into(), json!(""));
        }
        Ok(answer)
    }

    /// `release`: publishes the latest review once it succeeded — 85019
    /// before any review, 85020 while it is under review or after a
    /// rejection, 85052 once it was released.
    pub(crate) fn release(&mut self, now: i64) -> Result<(), WxError> {
        let audit = self
            .audits
            .last_mut()
            .ok_or_else(|| WxError::new(errcode::NO_AUDIT_VERSION, "no audit version"))?;
        if audit.status != Status::Succeeded {
            return Err(WxError::new(
                errcode::STATUS_NOT_ALLOWED,
                "status not allowed",
            ));
        }
        if audit.released {
            return Err(WxError::new(
                errcode::ALREADY_RELEASED,
                "app is already released",
            ));
        }
        audit.released = true;
        self.release = Some(Release {
            commit: audit.commit.clone(),
            time: now,
        });
        Ok(())
    }

    /// `getversioninfo`: the trial and released versions.
    pub(crate) fn version_info(&self) -> Value {
        let mut answer = json!({"errcode": 0, "errmsg": "ok"});
        let Some(map) = answer.as_object_mut() else {
            return answer;
        };
        if let Some(trial) = &self.trial {
            map.insert(
                "exp_info".into(),
                json!({"exp_time": trial.time, "exp_version": trial.user_version, "exp_desc": trial.user_desc}),
            );
        }
        if let Some(release) = &self.release {
            map.insert(
                "release_info".into(),
                json!({
                    "release_time": release.time,
                    "release_version": release.commit.user_version,
                    "release_desc": release.commit.user_desc,
                }),
            );
        }
        answer
    }
}

fn invalid_audit_id() -> WxError {
    WxError::new(errcode::INVALID_AUDIT_ID, "invalid audit id")
}

/// One review item of `submit_audit`.
fn check_item(item: &Value, pages: &[String], categories: &[Category]) -> Result<(), WxError> {
    let text = |name: &str| item.get(name).and_then(Value::as_str).unwrap_or("");
    if let Some(address) = item.get("address")
        && !address
            .as_str()
            .is_some_and(|a| pages.iter().any(|p| p == a))
    {
        return Err(WxError::new(
            errcode::INVALID_PAGE,
            "page is in invalid format: not a page of the committed code",
        ));
    }
    let tags: Vec<&str> = text("tag").split_whitespace().collect();
    if tags.len() > MAX_TAGS || tags.iter().any(|t| t.chars().count() > MAX_TAG_CHARS) {
        return Err(WxError::new(
            errcode::INVALID_TAG,
            "tag is in invalid format",
        ));
    }
    let id = |name: &str| item.get(name).and_then(Value::as_i64);
    let category = match (id("first_id"), id("second_id")) {
        (Some(first), Some(second))
            if !text("first_class").is_empty() && !text("second_class").is_empty() =>
        {
            (first, second, id("third_id"))
        }
        _ => {
            return Err(WxError::new(
                errcode::INVALID_CATEGORY,
                "category is in invalid format",
            ));
        }
    };
    if !categories.is_empty() && !categories.contains(&category) {
        return Err(WxError::new(
            errcode::INVALID_CATEGORY,
            "category is in invalid format: not a category of the mini program",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn commit() -> Commit {
        Commit {
            user_version: "V1".into(),
            user_desc: "first".into(),
            time: 1,
            pages: vec!["index".into(), "page/list".into()],
        }
    }

    fn item(address: &str) -> Value {
        json!({"address": address, "tag": "a b", "first_class": "工具", "second_class": "备忘录", "first_id": 1, "second_id": 2})
    }

    const CATEGORIES: &[Category] = &[(1, 2, None), (3, 4, Some(5))];

    #[test]
    fn the_lifecycle_needs_each_step_in_order() {
        let mut code = CodeState::default();
        let code_of = |r: Result<(), WxError>| r.unwrap_err().code;
        assert_eq!(
            code_of(code.submit(1, &[], CATEGORIES, 10)),
            errcode::MUST_COMMIT
        );
        assert_eq!(code_of(code.release(10)), errcode::NO_AUDIT_VERSION);
        assert_eq!(code.latest().unwrap_err().code, errcode::NO_AUDIT_ID);
        code.commit(commit());
        code.submit(1, &[item("index")], CATEGORIES, 10).unwrap();
        assert_eq!(code.pending(), Some(1));
        assert_eq!(code.status(1).unwrap()["status"], 2);
        assert_eq!(
            code_of(code.submit(2, &[], CATEGORIES, 11)),
            errcode::UNDER_AUDIT
        );
        assert_eq!(code_of(code.release(12)), errcode::STATUS_NOT_ALLOWED);
        assert_eq!(code.decide(1, &AuditVerdict::Hold).unwrap(), None);
        assert_eq!(
            code.decide(1, &AuditVerdict::reject("no")).unwrap(),
            Some(Decision::Rejected {
                reason: "no".into()
            })
        );
        assert_eq!(code.status(1).unwrap()["reason"], "no");
        assert_eq!(code_of(code.release(12)), errcode::STATUS_NOT_ALLOWED);
        code.submit(2, &[], CATEGORIES, 13).unwrap();
        assert_eq!(
            code.decide(2, &AuditVerdict::Approve).unwrap(),
            Some(Decision::Approved)
        );
        assert!(
            code.decide(2, &AuditVerdict::Approve).is_err(),
            "decided once"
        );
        assert_eq!(code.latest().unwrap()["auditid"], 2);
        code.release(14).unwrap();
        assert_eq!(code_of(code.release(15)), errcode::ALREADY_RELEASED);
        assert_eq!(code.version_info()["release_info"]["release_version"], "V1");
        assert_eq!(code.status(9).unwrap_err().code, errcode::INVALID_AUDIT_ID);
    }

    #[test]
    fn review_items_are_checked() {
        let mut code = CodeState::default();
        code.commit(commit());
        let mut submit = |items: &[Value]| code.submit(1, items, CATEGORIES, 1).map_err(|e| e.code);
        assert_eq!(submit(&[item("nowhere")]), Err(errcode::INVALID_PAGE));
        let mut many_tags = item("index");
        many_tags["tag"] = json!("1 2 3 4 5 6 7 8 9 10 11");
        assert_eq!(submit(&[many_tags]), Err(errcode::INVALID_TAG));
        let mut unknown = item("index");
        unknown["second_id"] = json!(99);
        assert_eq!(submit(&[unknown]), Err(errcode::INVALID_CATEGORY));
        let mut no_class = item("index");
        no_class["first_class"] = json!("");
        assert_eq!(submit(&[no_class]), Err(errcode::INVALID_CATEGORY));
        assert_eq!(submit(&vec![item("index"); 6]), Err(errcode::DATA_FORMAT));
        assert_eq!(submit(&[item("page/list")]), Ok(()));
    }

    #[test]
    fn pages_come_from_ext_json_or_the_template() {
        let template = vec!["index".to_owned()];
        assert_eq!(commit_pages("{}", &template).unwrap(), template);
        assert_eq!(
            commit_pages(r#"{"pages": ["a", "b/c"]}"#, &template).unwrap(),
            vec!["a".to_owned(), "b/c".to_owned()]
        );
        assert_eq!(
            commit_pages(r#"{"pages": []}"#, &template)
                .unwrap_err()
                .code,
            errcode::EMPTY_PAGES
        );
        assert_eq!(
            commit_pages("{\"extAppid\":", &template).unwrap_err().code,
            errcode::PARSE_EXT_JSON
        );
        assert_eq!(
            commit_pages("[1]", &template).unwrap_err().code,
            errcode::PARSE_EXT_JSON
        );
    }
}
