//! Passive replies: the message a handler answers a push with, in the HTTP
//! response itself.
//!
//! [`Reply`] covers the documented types (text, image, voice, video, music,
//! news, `transfer_customer_service`), the answers to request events
//! ([`EventReply`]) and the `{"ErrCode":0,"ErrMsg":"success"}` that
//! virtual-payment pushes wait for ([`Reply::ack`]). [`Reply::to_xml`] writes the XML
//! WeChat expects, every text in a CDATA section that user content cannot
//! close (a `]]>` inside is split across two sections) and without the
//! characters XML 1.0 forbids (replaced by U+FFFD); [`Reply::to_json`]
//! writes the same fields as JSON for mini programs configured for JSON.
//! The callback encrypts the result when the push was encrypted.

use serde_json::{Map, Value, json};

use super::event_reply::EventReply;

/// A passive reply.
///
/// ```
/// use wechat_api::callback::{Article, Reply};
///
/// let reply = Reply::text("]]> is harmless");
/// let xml = reply.to_xml("oUser", "gh_account", 1_700_000_000);
/// assert!(xml.contains("<Content><![CDATA[]]]]><![CDATA[> is harmless]]></Content>"));
/// let news = Reply::news(vec![Article::new("Title").url("https://example.com/a")]);
/// assert!(news.to_xml("oUser", "gh_account", 1).contains("<ArticleCount>1</ArticleCount>"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Reply {
    /// `text`: the content.
    Text(String),
    /// `image`: the `media_id` of an uploaded image.
    Image(String),
    /// `voice`: the `media_id` of an uploaded recording.
    Voice(String),
    /// `video`.
    Video(VideoReply),
    /// `music`.
    Music(MusicReply),
    /// `news`: the articles (WeChat shows only the first one when replying
    /// to a user's message, up to 8 for other pushes).
    News(Vec<Article>),
    /// `transfer_customer_service`: hand the conversation to the customer
    /// service agents, or to one agent (`kf_account`) when given.
    TransferCustomerService(Option<String>),
    /// `event`: the answer to a request event (an express company's
    /// `add_waybill`, a delivery company's `transport_add_order`…).
    Event(EventReply),
    /// `{"ErrCode":…,"ErrMsg":…}` and nothing else: the answer a
    /// virtual-payment push waits for (`xpay_goods_deliver_notify`, a mini
    /// game's `minigame_coin_deliver_completed`…; WeChat repeats the push
    /// until it reads `ErrCode` 0). Never encrypted, as those docs ask.
    Ack {
        /// `ErrCode`: 0 when the push was handled (the goods delivered…).
        err_code: i64,
        /// `ErrMsg`.
        err_msg: String,
    },
}

impl From<EventReply> for Reply {
    fn from(reply: EventReply) -> Self {
        Reply::Event(reply)
    }
}

/// A `video` reply.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct VideoReply {
    /// The `media_id` of an uploaded video.
    pub media_id: String,
    /// Its title.
    pub title: Option<String>,
    /// Its description.
    pub description: Option<String>,
}

impl VideoReply {
    /// A video reply with the video `media_id`.
    pub fn new(media_id: impl Into<String>) -> Self {
        VideoReply {
            media_id: media_id.into(),
            title: None,
            description: None,
        }
    }

    /// Sets the title.
    #[must_use]
    pub fn title(mut self, title: impl Into<String>) -> Self {
        self.title = Some(title.into());
        self
    }

    /// Sets the description.
    #[must_use]
    pub fn description(mut self, description: impl Into<String>) -> Self {
        self.description = Some(description.into());
        self
    }
}

/// A `music` reply.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct MusicReply {
    /// The `media_id` of the thumbnail (required by WeChat).
    pub thumb_media_id: String,
    /// Title.
    pub title: Option<String>,
    /// Description.
    pub description: Option<String>,
    /// The music URL.
    pub music_url: Option<String>,
    /// The high-quality music URL, preferred over Wi-Fi.
    pub hq_music_url: Option<String>,
}

impl MusicReply {
    /// A music reply with its thumbnail `media_id`.
    pub fn new(thumb_media_id: impl Into<String>) -> Self {
        MusicReply {
            thumb_media_id: thumb_media_id.into(),
            title: None,
            description: None,
            music_url: None,
            hq_music_url: None,
        }
    }

    /// Sets the title.
    #[must_use]
    pub fn title(mut self, title: impl Into<String>) -> Self {
        self.title = Some(title.into());
        self
    }

    /// Sets the description.
    #[must_use]
    pub fn description(mut self, description: impl Into<String>) -> Self {
        self.description = Some(description.into());
        self
    }

    /// Sets the music URL.
    #[must_use]
    pub fn music_url(mut self, url: impl Into<String>) -> Self {
        self.music_url = Some(url.into());
        self
    }

    /// Sets the high-quality music URL.
    #[must_use]
    pub fn hq_music_url(mut self, url: impl Into<String>) -> Self {
        self.hq_music_url = Some(url.into());
        self
    }
}

/// One article of a `news` reply.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Article {
    /// Title.
    pub title: String,
    /// Description.
    pub description: Option<String>,
    /// Picture URL (JPG or PNG; 360×200 or 200×200 is best).
    pub pic_url: Option<String>,
    /// The URL opened on a tap.
    pub url: Option<String>,
}

impl Article {
    /// An article titled `title`.
    pub fn new(title: impl Into<String>) -> Self {
        Article {
            title: title.into(),
            description: None,
            pic_url: None,
            url: None,
        }
    }

    /// Sets the description.
    #[must_use]
    pub fn description(mut self, description: impl Into<String>) -> Self {
        self.description = Some(description.into());
        self
    }

    /// Sets the picture URL.
    #[must_use]
    pub fn pic_url(mut self, url: impl Into<String>) -> Self {
        self.pic_url = Some(url.into());
        self
    }

    /// Sets the URL.
    #[must_use]
    pub fn url(mut self, url: impl Into<String>) -> Self {
        self.url = Some(url.into());
        self
    }
}

impl Reply {
    /// A text reply.
    pub fn text(content: impl Into<String>) -> Self {
        Reply::Text(content.into())
    }

    /// An image reply.
    pub fn image(media_id: impl Into<String>) -> Self {
        Reply::Image(media_id.into())
    }

    /// A voice reply.
    pub fn voice(media_id: impl Into<String>) -> Self {
        Reply::Voice(media_id.into())
    }

    /// A video reply.
    pub fn video(video: VideoReply) -> Self {
        Reply::Video(video)
    }

    /// A music reply.
    pub fn music(music: MusicReply) -> Self {
        Reply::Music(music)
    }

    /// A news reply.
    pub fn news(articles: Vec<Article>) -> Self {
        Reply::News(articles)
    }

    /// `{"ErrCode":err_code,"ErrMsg":err_msg}`, the answer of a
    /// virtual-payment push ([`Reply::Ack`]): `Reply::ack(0, "success")`
    /// once the goods are delivered.
    pub fn ack(err_code: i64, err_msg: impl Into<String>) -> Self {
        Reply::Ack {
            err_code,
            err_msg: err_msg.into(),
        }
    }

    /// Hands the conversation to the customer service agents.
    pub fn transfer_customer_service() -> Self {
        Reply::TransferCustomerService(None)
    }

    /// Hands the conversation to one customer service agent
    /// (`account@official_account_id`).
    pub fn transfer_to(kf_account: impl Into<String>) -> Self {
        Reply::TransferCustomerService(Some(kf_account.into()))
    }

    /// The reply's `MsgType` (empty for [`Reply::Ack`], which has none).
    pub fn msg_type(&self) -> &'static str {
        match self {
            Reply::Text(_) => "text",
            Reply::Image(_) => "image",
            Reply::Voice(_) => "voice",
            Reply::Video(_) => "video",
            Reply::Music(_) => "music",
            Reply::News(_) => "news",
            Reply::TransferCustomerService(_) => "transfer_customer_service",
            Reply::Event(_) => "event",
            Reply::Ack { .. } => "",
        }
    }

    /// The reply's XML, addressed `to` the user (the push's `FromUserName`)
    /// `from` the account (the push's `ToUserName`), created at
    /// `create_time` (Unix seconds).
    pub fn to_xml(&self, to: &str, from: &str, create_time: i64) -> String {
        let mut xml = Xml(String::with_capacity(256));
        if let Reply::Ack { err_code, err_msg } = self {
            xml.raw("<xml><ErrCode>");
            xml.raw(&err_code.to_string());
            xml.raw("</ErrCode>");
            xml.cdata("ErrMsg", err_msg);
            xml.raw("</xml>");
            return xml.0;
        }
        xml.raw("<xml>");
        xml.cdata("ToUserName", to);
        xml.cdata("FromUserName", from);
        xml.raw("<CreateTime>");
        xml.raw(&create_time.to_string());
        xml.raw("</CreateTime>");
        xml.cdata("MsgType", self.msg_type());
        match self {
            Reply::Text(content) => xml.cdata("Content", content),
            Reply::Image(media_id) => xml.wrapped("Image", |x| x.cdata("MediaId", media_id)),
            Reply::Voice(media_id) => xml.wrapped("Voice", |x| x.cdata("MediaId", media_id)),
            Reply::Video(video) => xml.wrapped("Video", |x| {
                x.cdata("MediaId", &video.media_id);
                x.optional("Title", video.title.as_deref());
                x.optional("Description", video.description.as_deref());
            }),
            Reply::Music(music) => xml.wrapped("Music", |x| {
                x.optional("Title", music.title.as_deref());
                x.optional("Description", music.description.as_deref());
                x.optional("MusicUrl", music.music_url.as_deref());
                x.optional("HQMusicUrl", music.hq_music_url.as_deref());
                x.cdata("ThumbMediaId", &music.thumb_media_id);
            }),
            Reply::News(articles) => {
                xml.raw("<ArticleCount>");
                xml.raw(&articles.len().to_string());
                xml.raw("</ArticleCount>");
                xml.wrapped("Articles", |x| {
                    for article in articles {
                        x.wrapped("item", |x| {
                            x.cdata("Title", &article.title);
                            x.optional("Description", article.description.as_deref());
                            x.optional("PicUrl", article.pic_url.as_deref());
                            x.optional("Url", article.url.as_deref());
                        });
                    }
                });
            }
            Reply::TransferCustomerService(kf_account) => {
                if let Some(account) = kf_account {
                    xml.wrapped("TransInfo", |x| x.cdata("KfAccount", account));
                }
            }
            Reply::Event(reply) => reply.write_xml(&mut xml.0),
            Reply::Ack { .. } => {} // written above
        }
        xml.raw("</xml>");
        xml.0
    }

    /// The reply as JSON, with the XML's element names as keys, for mini
    /// programs configured for JSON (which accept only
    /// `transfer_customer_service` as a passive reply).
    pub fn to_json(&self, to: &str, from: &str, create_time: i64) -> String {
        if let Reply::Ack { err_code, err_msg } = self {
            return json!({ "ErrCode": err_code, "ErrMsg": err_msg }).to_string();
        }
        let mut object = Map::new();
        object.insert("ToUserName".into(), json!(to));
        object.insert("FromUserName".into(), json!(from));
        object.insert("CreateTime".into(), json!(create_time));
        object.insert("MsgType".into(), json!(self.msg_type()));
        let some = |pairs: &[(&str, Option<&str>)]| -> Value {
            Value::Object(
                pairs
                    .iter()
                    .filter_map(|(k, v)| v.map(|v| ((*k).to_owned(), json!(v))))
                    .collect(),
            )
        };
        match self {
            Reply::Text(content) => {
                object.insert("Content".into(), json!(content));
            }
            Reply::Image(media_id) => {
                object.insert("Image".into(), json!({ "MediaId": media_id }));
            }
            Reply::Voice(media_id) => {
                object.insert("Voice".into(), json!({ "MediaId": media_id }));
            }
            Reply::Video(v) => {
                let video = some(&[
                    ("MediaId", Some(&v.media_id)),
                    ("Title", v.title.as_deref()),
                    ("Description", v.description.as_deref()),
                ]);
                object.insert("Video".into(), video);
            }
            Reply::Music(m) => {
                let music = some(&[
                    ("Title", m.title.as_deref()),
                    ("Description", m.description.as_deref()),
                    ("MusicUrl", m.music_url.as_deref()),
                    ("HQMusicUrl", m.hq_music_url.as_deref()),
                    ("ThumbMediaId", Some(&m.thumb_media_id)),
                ]);
                object.insert("Music".into(), music);
            }
            Reply::News(articles) => {
                object.insert("ArticleCount".into(), json!(articles.len()));
                let items: Vec<Value> = articles
                    .iter()
                    .map(|a| {
                        some(&[
                            ("Title", Some(&a.title)),
                            ("Description", a.description.as_deref()),
                            ("PicUrl", a.pic_url.as_deref()),
                            ("Url", a.url.as_deref()),
                        ])
                    })
                    .collect();
                object.insert("Articles".into(), Value::Array(items));
            }
            Reply::TransferCustomerService(kf_account) => {
                if let Some(account) = kf_account {
                    object.insert("TransInfo".into(), json!({ "KfAccount": account }));
                }
            }
            Reply::Event(reply) => reply.insert_json(&mut object),
            Reply::Ack { .. } => {} // written above
        }
        Value::Object(object).to_string()
    }
}

/// An XML writer for flat reply documents.
struct Xml(String);

impl Xml {
    fn raw(&mut self, text: &str) {
        self.0.push_str(text);
    }

    /// `<name><![CDATA[text]]></name>`, safe for any text.
    fn cdata(&mut self, name: &str, text: &str) {
        push_cdata_element(&mut self.0, name, text);
    }

    fn optional(&mut self, name: &str, text: Option<&str>) {
        if let Some(text) = text {
            self.cdata(name, text);
        }
    }

    fn wrapped(&mut self, name: &str, body: impl FnOnce(&mut Xml)) {
        self.raw("<");
        self.raw(name);
        self.raw(">");
        body(self);
        self.raw("</");
        self.raw(name);
        self.raw(">");
    }
}

/// Appends `<name><![CDATA[text]]></name>`, safe for any text.
pub(super) fn push_cdata_element(out: &mut String, name: &str, text: &str) {
    out.push('<');
    out.push_str(name);
    out.push_str("><![CDATA[");
    push_cdata_content(out, text);
    out.push_str("]]></");
    out.push_str(name);
    out.push('>');
}

/// Whether XML 1.0 allows `c` in a document.
fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

/// Appends `text` as the content of a CDATA section: `]]>` is split across
/// two sections (`]]` + `]]><![CDATA[` + `>`), characters XML forbids
/// become U+FFFD.
fn push_cdata_content(out: &mut String, text: &str) {
    let mut rest = text;
    while let Some(at) = rest.find("]]>") {
        push_xml_chars(out, &rest[..at + 2]);
        out.push_str("]]><![CDATA[>");
        rest = &rest[at + 3..];
    }
    push_xml_chars(out, rest);
}

fn push_xml_chars(out: &mut String, text: &str) {
    if text.chars().all(is_xml_char) {
        out.push_str(text);
    } else {
        out.extend(
            text.chars()
                .map(|c| if is_xml_char(c) { c } else { '\u{FFFD}' }),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cdata_terminators_and_forbidden_characters() {
        let mut out = String::new();
        push_cdata_content(&mut out, "a]]>b]]]>c\u{0}d");
        assert_eq!(out, "a]]]]><![CDATA[>b]]]]]><![CDATA[>c\u{FFFD}d");
    }

    #[test]
    fn an_ack_is_err_code_and_err_msg_alone() {
        let ack = Reply::ack(0, "success");
        assert_eq!(
            ack.to_json("oTo", "gh_from", 7),
            r#"{"ErrCode":0,"ErrMsg":"success"}"#
        );
        assert_eq!(
            ack.to_xml("oTo", "gh_from", 7),
            "<xml><ErrCode>0</ErrCode><ErrMsg><![CDATA[success]]></ErrMsg></xml>"
        );
        assert_eq!(ack.msg_type(), "");
    }
}
