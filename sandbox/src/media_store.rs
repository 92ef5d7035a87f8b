//! Uploaded files: temporary media (`media/upload`, read back with
//! `media/get`) and permanent material (`material/add_material`, read back
//! with `material/get_material`), each owned by the account that uploaded
//! it, with WeChat's checks of the kind, the extension and the size.

use std::collections::HashMap;

use serde_json::Value;

use crate::answer::File;
use crate::errcode::{self, WxError};

/// Temporary media or permanent material.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Store {
    /// `media/upload` (kept 3 days on WeChat; for the sandbox's life here).
    Temporary,
    /// `material/add_material`.
    Permanent,
}

/// A kind of media and what WeChat accepts for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Image,
    Voice,
    Video,
    Thumb,
}

impl Kind {
    /// The kind named `name` (`type` of the upload), else 40004.
    pub(crate) fn parse(name: &str) -> Result<Self, WxError> {
        match name {
            "image" => Ok(Kind::Image),
            "voice" => Ok(Kind::Voice),
            "video" => Ok(Kind::Video),
            "thumb" => Ok(Kind::Thumb),
            _ => Err(WxError::new(
                errcode::INVALID_MEDIA_TYPE,
                "invalid media type",
            )),
        }
    }

    /// The name WeChat gives it.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Kind::Image => "image",
            Kind::Voice => "voice",
            Kind::Video => "video",
            Kind::Thumb => "thumb",
        }
    }

    /// The extensions accepted, per store (the documented lists).
    fn extensions(self, store: Store) -> &'static [&'static str] {
        match (self, store) {
            (Kind::Image, Store::Temporary) => &["png", "jpeg", "jpg", "gif"],
            (Kind::Image, Store::Permanent) => &["bmp", "png", "jpeg", "jpg", "gif"],
            (Kind::Voice, Store::Temporary) => &["amr", "mp3"],
            (Kind::Voice, Store::Permanent) => &["mp3", "wma", "wav", "amr"],
            (Kind::Video, _) => &["mp4"],
            (Kind::Thumb, _) => &["jpg", "jpeg"],
        }
    }

    /// The largest file accepted, and the errcode above it.
    fn limit(self) -> (usize, i64, &'static str) {
        match self {
            Kind::Image => (10 << 20, errcode::INVALID_IMAGE_SIZE, "invalid image size"),
            Kind::Voice => (2 << 20, errcode::INVALID_VOICE_SIZE, "invalid voice size"),
            Kind::Video => (10 << 20, errcode::INVALID_VIDEO_SIZE, "invalid video size"),
            Kind::Thumb => (64 << 10, errcode::INVALID_THUMB_SIZE, "invalid thumb size"),
        }
    }

    /// WeChat's checks of an uploaded file of this kind.
    pub(crate) fn check(self, store: Store, file: &File) -> Result<(), WxError> {
        let extension = file
            .filename
            .rsplit_once('.')
            .map(|(_, ext)| ext.to_ascii_lowercase())
            .unwrap_or_default();
        if !self.extensions(store).contains(&extension.as_str()) {
            return Err(WxError::new(
                errcode::INVALID_FILE_TYPE,
                format!(
                    "invalid file type: the filename's extension is not one of {}",
                    self.name()
                ),
            ));
        }
        if file.bytes.is_empty() {
            return Err(WxError::new(
                errcode::INVALID_MEDIA_SIZE,
                "invalid media size",
            ));
        }
        let (limit, code, message) = self.limit();
        if file.bytes.len() > limit {
            return Err(WxError::new(code, message));
        }
        Ok(())
    }
}

/// A stored file.
#[derive(Debug, Clone)]
pub(crate) struct Stored {
    /// The account that uploaded it.
    pub appid: String,
    pub kind: Kind,
    pub file: File,
    /// A permanent video's `description` form field.
    pub description: Option<Value>,
}

/// Every file uploaded, by store and media id.
#[derive(Debug, Default)]
pub(crate) struct MediaStore {
    files: HashMap<(Store, String), Stored>,
}

impl MediaStore {
    /// Stores `stored` under a new media id, which is returned.
    pub(crate) fn insert(&mut self, store: Store, stored: Stored) -> String {
        let media_id = loop {
            let id = crate::world::random_string(64);
            if !self.files.contains_key(&(store, id.clone())) {
                break id;
            }
        };
        self.files.insert((store, media_id.clone()), stored);
        media_id
    }

    /// The file `media_id` of `appid`, else 40007 (another account's ids
    /// are unknown to it).
    pub(crate) fn get(
        &self,
        store: Store,
        appid: &str,
        media_id: &str,
    ) -> Result<&Stored, WxError> {
        self.files
            .get(&(store, media_id.to_owned()))
            .filter(|s| s.appid == appid)
            .ok_or_else(|| WxError::new(errcode::INVALID_MEDIA_ID, "invalid media_id"))
    }

    /// The video `media_id`, whoever uploaded it (its download URL is
    /// public).
    pub(crate) fn video(&self, media_id: &str) -> Option<&Stored> {
        [Store::Temporary, Store::Permanent]
            .into_iter()
            .find_map(|store| self.files.get(&(store, media_id.to_owned())))
            .filter(|s| s.kind == Kind::Video)
    }

    /// Whether `appid` has a file `media_id` in either store.
    pub(crate) fn knows(&self, appid: &str, media_id: &str) -> bool {
        [Store::Temporary, Store::Permanent]
            .into_iter()
            .any(|store| self.get(store, appid, media_id).is_ok())
    }

    /// Deletes the permanent file `media_id` of `appid`.
    pub(crate) fn remove(
        &mut self,
        store: Store,
        appid: &str,
        media_id: &str,
    ) -> Result<(), WxError> {
        self.get(store, appid, media_id)?;
        self.files.remove(&(store, media_id.to_owned()));
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::Bytes;

    fn file(name: &str, len: usize) -> File {
        File {
            content_type: "application/octet-stream".into(),
            filename: name.into(),
            bytes: Bytes::from(vec![7; len]),
        }
    }

    #[test]
    fn kinds_check_the_extension_and_the_size() {
        let code = |kind: Kind, store, f: &File| kind.check(store, f).map_err(|e| e.code);
        assert_eq!(
            code(Kind::Image, Store::Temporary, &file("a.PNG", 3)),
            Ok(())
        );
        assert_eq!(
            code(Kind::Image, Store::Temporary, &file("a.bmp", 3)),
            Err(errcode::INVALID_FILE_TYPE)
        );
        assert_eq!(
            code(Kind::Image, Store::Permanent, &file("a.bmp", 3)),
            Ok(())
        );
        assert_eq!(
            code(Kind::Voice, Store::Temporary, &file("noextension", 3)),
            Err(errcode::INVALID_FILE_TYPE)
        );
        assert_eq!(
            code(Kind::Thumb, Store::Temporary, &file("t.jpg", 64 * 1024 + 1)),
            Err(errcode::INVALID_THUMB_SIZE)
        );
        assert_eq!(
            code(Kind::Video, Store::Temporary, &file("v.mp4", 0)),
            Err(errcode::INVALID_MEDIA_SIZE)
        );
        assert_eq!(
            Kind::parse("news").unwrap_err().code,
            errcode::INVALID_MEDIA_TYPE
        );
    }

    #[test]
    fn files_belong_to_their_account_and_store() {
        let mut store = MediaStore::default();
        let stored = Stored {
            appid: "wx1".into(),
            kind: Kind::Image,
            file: file("a.png", 3),
            description: None,
        };
        let id = store.insert(Store::Temporary, stored);
        assert!(store.get(Store::Temporary, "wx1", &id).is_ok());
        assert!(store.get(Store::Temporary, "wx2", &id).is_err());
        assert!(store.get(Store::Permanent, "wx1", &id).is_err());
        assert!(store.knows("wx1", &id));
        assert!(store.remove(Store::Temporary, "wx2", &id).is_err());
        store.remove(Store::Temporary, "wx1", &id).unwrap();
        assert!(!store.knows("wx1", &id));
    }
}
