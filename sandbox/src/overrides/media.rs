//! Uploaded files: `media/upload` → `media/get` (temporary media) and
//! `material/add_material` → `material/get_material` →
//! `material/del_material` (permanent material). Files are answered with
//! the bytes and content type they were uploaded with; videos with JSON
//! and a download URL served by the sandbox (`/sandbox/video/{media_id}`).

use std::sync::Arc;

use serde_json::{Value, json};

use crate::Shared;
use crate::answer::{Answer, File};
use crate::checked::Checked;
use crate::errcode::{self, WxError};
use crate::media_store::{Kind, Store, Stored};
use crate::push::unix_now;

/// Path of the sandbox's video downloads (WeChat's are CDN links).
pub(crate) const VIDEO_PATH: &str = "/sandbox/video/{media_id}";

/// The uploaded file part `media`, checked for `kind`.
fn uploaded(call: &Checked, kind: Kind, store: Store) -> Result<File, WxError> {
    let file = call
        .files
        .get("media")
        .cloned()
        .ok_or_else(|| WxError::new(errcode::MEDIA_MISSING, "media data missing"))?;
    kind.check(store, &file)?;
    Ok(file)
}

/// The download URL of a video.
fn video_url(shared: &Shared, media_id: &str) -> String {
    let mut url = shared.base_url.clone();
    url.set_path(&VIDEO_PATH.replace("{media_id}", media_id));
    url.to_string()
}

/// The bytes of a stored file, named `filename`.
fn file_answer(stored: &Stored, filename: String) -> Answer {
    Answer::File(File {
        filename,
        ..stored.file.clone()
    })
}

pub(super) fn upload(shared: &Shared, call: &Checked) -> Result<Value, WxError> {
    let appid = call.appid()?;
    let kind = Kind::parse(&call.required("type")?)?;
    let file = uploaded(call, kind, Store::Temporary)?;
    let created_at = unix_now();
    let media_id = shared.world().media.insert(
        Store::Temporary,
        Stored {
            appid,
            kind,
            file,
            description: None,
        },
    );
    let id_field = if kind == Kind::Thumb {
        "thumb_media_id"
    } else {
        "media_id"
    };
    Ok(json!({
        "errcode": 0,
        "errmsg": "ok",
        "type": kind.name(),
        id_field: media_id,
        "created_at": created_at,
    }))
}

/// `media/get`: the file as uploaded, named `{media_id}.{extension}` as
/// WeChat names it; a video's download URL as JSON.
pub(super) fn get(shared: &Arc<Shared>, call: &Checked) -> Result<Answer, WxError> {
    let appid = call.appid()?;
    let media_id = call.required("media_id")?;
    let world = shared.world();
    let stored = world.media.get(Store::Temporary, &appid, &media_id)?;
    if stored.kind == Kind::Video {
        return Ok(Answer::Json(
            json!({"video_url": video_url(shared, &media_id)}),
        ));
    }
    let extension = stored
        .file
        .filename
        .rsplit_once('.')
        .map_or("", |(_, ext)| ext);
    Ok(file_answer(stored, format!("{media_id}.{extension}")))
}

pub(super) fn add_material(shared: &Shared, call: &Checked) -> Result<Value, WxError> {
    let appid = call.appid()?;
    let kind = Kind::parse(&call.required("type")?)?;
    let file = uploaded(call, kind, Store::Permanent)?;
    let description = match call.form.get("description") {
        Some(text) => Some(serde_json::from_str::<Value>(text).map_err(|_| {
            WxError::new(
                errcode::DATA_FORMAT,
                "data format error: description is not JSON",
            )
        })?),
        None => None,
    };
    if kind == Kind::Video
        && !description.as_ref().is_some_and(|d| {
            d.get("title")
                .and_then(Value::as_str)
                .is_some_and(|t| !t.is_empty())
        })
    {
        return Err(WxError::missing("description.title", true));
    }
    let media_id = shared.world().media.insert(
        Store::Permanent,
        Stored {
            appid,
            kind,
            file,
            description,
        },
    );
    let mut answer = json!({"media_id": media_id});
    if kind == Kind::Image
        && let Some(map) = answer.as_object_mut()
    {
        map.insert(
            "url".into(),
            json!(format!("http://mmbiz.qpic.cn/sandbox/{media_id}/0")),
        );
    }
    Ok(answer)
}

/// `material/get_material`: images, voice and thumbnails as bytes (under
/// their upload filename), videos as JSON.
pub(super) fn get_material(shared: &Arc<Shared>, call: &Checked) -> Result<Answer, WxError> {
    let appid = call.appid()?;
    let media_id = call.required("media_id")?;
    let world = shared.world();
    let stored = world.media.get(Store::Permanent, &appid, &media_id)?;
    if stored.kind == Kind::Video {
        let text = |name: &str| {
            stored
                .description
                .as_ref()
                .and_then(|d| d.get(name))
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned()
        };
        return Ok(Answer::Json(json!({
            "title": text("title"),
            "description": text("introduction"),
            "down_url": video_url(shared, &media_id),
        })));
    }
    Ok(file_answer(stored, stored.file.filename.clone()))
}

pub(super) fn del_material(shared: &Shared, call: &Checked) -> Result<Value, WxError> {
    let appid = call.appid()?;
    let media_id = call.required("media_id")?;
    shared
        .world()
        .media
        .remove(Store::Permanent, &appid, &media_id)?;
    Ok(json!({"errcode": 0, "errmsg": "ok"}))
}

/// `GET /sandbox/video/{media_id}`: a video's bytes, at the URL `media/get`
/// and `get_material` answer (no token, as a CDN link).
pub(crate) async fn download_video(
    axum::extract::State(shared): axum::extract::State<Arc<Shared>>,
    axum::extract::Path(media_id): axum::extract::Path<String>,
) -> axum::response::Response {
    use axum::response::IntoResponse as _;
    let video = shared.world().media.video(&media_id).map(|stored| {
        let name = stored.file.filename.clone();
        file_answer(stored, name)
    });
    match video {
        Some(answer) => answer.into_response(),
        None => crate::routes::not_found().await,
    }
}
