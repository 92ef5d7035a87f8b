//! What the callback tests share: a third-party platform's configuration, a
//! stand-in for WeChat that signs and encrypts pushes the way WeChat does
//! (with its own code, not the callback layer's), and the official samples
//! of every message and event type.

use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use wechat_api::callback::{CallbackRequest, CallbackResponse};
use wechat_api::crypto::{Envelope, MsgCrypt, plain_signature};
use wechat_api::token::{MemoryStore, TokenStore};
use wechat_api::{Client, Config};

pub const COMPONENT_APPID: &str = "wx3c1a2b3c4d5e6f70";
pub const COMPONENT_SECRET: &str = "component_secret";
pub const TOKEN: &str = "componenttoken";
pub const AES_KEY: &str = "Q2xhdWRlQ29kZUlzV3JpdGluZ1RoaXNLZXlGb3JUZXN";
pub const AUTHORIZER: &str = "wxf8b4f85f3a794e77";

pub fn config() -> Config {
    Config::builder()
        .component_appid(COMPONENT_APPID)
        .component_secret(COMPONENT_SECRET)
        .component_token(TOKEN)
        .component_encoding_aes_key(AES_KEY)
        .build()
        .expect("valid configuration")
}

/// A client over `store`, calling `base_url` for every WeChat host when given.
pub fn client_with(store: Arc<dyn TokenStore>, base_url: Option<&str>) -> Client {
    let mut builder = Client::builder(config()).token_store(store);
    if let Some(base) = base_url {
        builder = builder.base_url_for_all(base).expect("valid base URL");
    }
    builder.build().expect("client")
}

/// A client with an in-memory store.
pub fn client() -> Client {
    client_with(Arc::new(MemoryStore::new()), None)
}

pub fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .expect("clock after 1970")
}

/// WeChat's side: signs and encrypts pushes, decrypts passive replies.
pub struct Wechat {
    pub crypt: MsgCrypt,
    pub token: String,
    nonce: std::sync::atomic::AtomicU64,
}

impl Default for Wechat {
    fn default() -> Self {
        Self::new(TOKEN, AES_KEY, COMPONENT_APPID)
    }
}

impl Wechat {
    pub fn new(token: &str, key: &str, receive_id: &str) -> Self {
        Wechat {
            crypt: MsgCrypt::new(token, key, receive_id).expect("valid crypto"),
            token: token.to_owned(),
            nonce: std::sync::atomic::AtomicU64::new(1_320_562_132),
        }
    }

    /// A fresh nonce.
    pub fn nonce(&self) -> String {
        self.nonce
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed)
            .to_string()
    }

    /// The query of a safe-mode push of `encrypt` (both signatures, as
    /// WeChat sends them).
    pub fn safe_query(&self, encrypt: &str, timestamp: &str, nonce: &str) -> String {
        let signature = plain_signature(&self.token, timestamp, nonce);
        let msg_signature = self.crypt.sign(timestamp, nonce, encrypt);
        format!(
            "signature={signature}&timestamp={timestamp}&nonce={nonce}&openid=oUser&encrypt_type=aes&msg_signature={msg_signature}"
        )
    }

    /// A safe-mode POST of `plaintext` (XML), now.
    pub fn safe_push(&self, plaintext: &str) -> CallbackRequest {
        self.safe_push_at(plaintext, &now().to_string(), &self.nonce())
    }

    /// A safe-mode POST of `plaintext` (XML) at `timestamp` with `nonce`.
    pub fn safe_push_at(&self, plaintext: &str, timestamp: &str, nonce: &str) -> CallbackRequest {
        let encrypt = self.crypt.encrypt(plaintext).expect("encrypts");
        let body = format!(
            "<xml><ToUserName><![CDATA[gh_test]]></ToUserName><Encrypt><![CDATA[{encrypt}]]></Encrypt></xml>"
        );
        CallbackRequest::post(self.safe_query(&encrypt, timestamp, nonce), body)
    }

    /// A safe-mode POST of a JSON `plaintext` in a JSON envelope (mini
    /// programs configured for JSON).
    pub fn safe_json_push(&self, plaintext: &str) -> CallbackRequest {
        let (timestamp, nonce) = (now().to_string(), self.nonce());
        let encrypt = self.crypt.encrypt(plaintext).expect("encrypts");
        let body = serde_json::json!({"ToUserName": "gh_test", "Encrypt": encrypt}).to_string();
        CallbackRequest::post(self.safe_query(&encrypt, &timestamp, &nonce), body)
    }

    /// A plain-mode POST of `plaintext`, now.
    pub fn plain_push(&self, plaintext: &str) -> CallbackRequest {
        let (timestamp, nonce) = (now().to_string(), self.nonce());
        let signature = plain_signature(&self.token, &timestamp, &nonce);
        CallbackRequest::post(
            format!("signature={signature}&timestamp={timestamp}&nonce={nonce}&openid=oUser"),
            plaintext.to_owned(),
        )
    }

    /// The plaintext of an encrypted XML passive reply, after checking its
    /// `MsgSignature` against its own `TimeStamp` and `Nonce`.
    pub fn open_reply(&self, response: &CallbackResponse) -> String {
        assert_eq!(response.status, 200, "{response:?}");
        assert!(
            response.content_type.starts_with("text/xml"),
            "{response:?}"
        );
        let envelope = Envelope::parse(&response.body).expect("a reply envelope");
        let signature = envelope.msg_signature.as_deref().expect("MsgSignature");
        let timestamp = envelope.timestamp.as_deref().expect("TimeStamp");
        let nonce = envelope.nonce.as_deref().expect("Nonce");
        self.crypt
            .decrypt_push(signature, timestamp, nonce, &response.body)
            .expect("the reply decrypts and its signature holds")
    }
}

/// The leaf elements of a reply document as (path, text) pairs in document
/// order, read with `quick-xml` (independent of the library's own XML code):
/// `Content`, `Image/MediaId`, `Articles/item/Title`… Text and CDATA pieces
/// are concatenated. Panics on malformed XML.
pub fn leaves(xml: &str) -> Vec<(String, String)> {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_str(xml);
    // open elements: (name, whether it has child elements)
    let mut open: Vec<(String, bool)> = Vec::new();
    let mut text = String::new();
    let mut out = Vec::new();
    loop {
        match reader.read_event().expect("well-formed reply XML") {
            Event::Start(start) => {
                if let Some(parent) = open.last_mut() {
                    parent.1 = true;
                }
                let name = start.local_name().as_ref().to_owned();
                open.push((name, false));
                text.clear();
            }
            Event::Text(t) => text.push_str(t.xml10_content().trim()),
            Event::CData(c) => text.push_str(&c.xml10_content()),
            Event::End(_) => {
                if let Some((_, false)) = open.last()
                    && open.len() > 1
                {
                    let path: Vec<&str> = open[1..].iter().map(|(n, _)| n.as_str()).collect();
                    out.push((path.join("/"), std::mem::take(&mut text)));
                }
                text.clear();
                open.pop();
            }
            Event::Eof => break,
            _ => {}
        }
    }
    out
}

/// The text of the first leaf at `path` (see [`leaves`]).
pub fn leaf(xml: &str, path: &str) -> Option<String> {
    leaves(xml)
        .into_iter()
        .find(|(p, _)| p == path)
        .map(|(_, t)| t)
}

// ---- official samples ------------------------------------------------------
// From the official-account docs (接收普通消息, 接收事件推送, 模板消息, 群发,
// 订阅通知), the third-party platform docs (代码审核结果推送) and the
// mini-program customer-service docs. `file` has no XML sample in the docs:
// it is built from its field list (Title, Description, FileKey, FileMd5,
// FileTotalLen).

pub const TEXT: &str = "<xml><ToUserName><![CDATA[toUser]]></ToUserName><FromUserName><![CDATA[fromUser]]></FromUserName><CreateTime>1348831860</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[this is a test]]></Content><MsgId>1234567890123456</MsgId></xml>";
pub const IMAGE: &str = "<xml><ToUserName><![CDATA[toUser]]></ToUserName><FromUserName><![CDATA[fromUser]]></FromUserName><CreateTime>1348831860</CreateTime><MsgType><![CDATA[image]]></MsgType><PicUrl><![CDATA[this is a url]]></PicUrl><MediaId><![CDATA[media_id]]></MediaId><MsgId>1234567890123456</MsgId></xml>";
pub const VOICE: &str = "<xml><ToUserName><![CDATA[toUser]]></ToUserName><FromUserName><![CDATA[fromUser]]></FromUserName><CreateTime>1357290913</CreateTime><MsgType><![CDATA[voice]]></MsgType><MediaId><![CDATA[media_id]]></MediaId><Format><![CDATA[Format]]></Format><Recognition><![CDATA[腾讯微信团队]]></Recognition><MsgId>1234567890123456</MsgId></xml>";
pub const VIDEO: &str = "<xml><ToUserName><![CDATA[toUser]]></ToUserName><FromUserName><![CDATA[fromUser]]></FromUserName><CreateTime>1357290913</CreateTime><MsgType><![CDATA[video]]></MsgType><MediaId><![CDATA[media_id]]></MediaId><ThumbMediaId><![CDATA[thumb_media_id]]></ThumbMediaId><MsgId>1234567890123456</MsgId></xml>";
pub const SHORT_VIDEO: &str = "<xml><ToUserName><![CDATA[toUser]]></ToUserName><FromUserName><![CDATA[fromUser]]></FromUserName><CreateTime>1357290913</CreateTime><MsgType><![CDATA[shortvideo]]></MsgType><MediaId><![CDATA[media_id]]></MediaId><ThumbMediaId><![CDATA[thumb_media_id]]></ThumbMediaId><MsgId>1234567890123457</MsgId></xml>";
pub const LOCATION: &str = "<xml><ToUserName><![CDATA[toUser]]></ToUserName><FromUserName><![CDATA[fromUser]]></FromUserName><CreateTime>1351776360</CreateTime><MsgType><![CDATA[location]]></MsgType><Location_X>23.134521</Location_X><Location_Y>113.358803</Location_Y><Scale>20</Scale><Label><![CDATA[位置信息]]></Label><MsgId>1234567890123456</MsgId></xml>";
pub const LINK: &str = "<xml><ToUserName><![CDATA[toUser]]></ToUserName><FromUserName><![CDATA[fromUser]]></FromUserName><CreateTime>1351776360</CreateTime><MsgType><![CDATA[link]]></MsgType><Title><![CDATA[公众平台官网链接]]></Title><Description><![CDATA[公众平台官网链接]]></Description><Url><![CDATA[url]]></Url><MsgId>1234567890123456</MsgId></xml>";
pub const FILE: &str = "<xml><ToUserName><![CDATA[toUser]]></ToUserName><FromUserName><![CDATA[fromUser]]></FromUserName><CreateTime>1351776360</CreateTime><MsgType><![CDATA[file]]></MsgType><Title><![CDATA[report.pdf]]></Title><Description><![CDATA[]]></Description><FileKey><![CDATA[file_key]]></FileKey><FileMd5><![CDATA[5a6f86e5b0d0c4f3c23e7d0e3c1a8d2b]]></FileMd5><FileTotalLen>123456</FileTotalLen><MsgId>1234567890123458</MsgId></xml>";
pub const MINIPROGRAM_PAGE: &str = "<xml><ToUserName><![CDATA[toUser]]></ToUserName><FromUserName><![CDATA[fromUser]]></FromUserName><CreateTime>1482048670</CreateTime><MsgType><![CDATA[miniprogrampage]]></MsgType><MsgId>1234567890123456</MsgId><Title><![CDATA[Title]]></Title><AppId><![CDATA[AppId]]></AppId><PagePath><![CDATA[PagePath]]></PagePath><ThumbUrl><![CDATA[ThumbUrl]]></ThumbUrl><ThumbMediaId><![CDATA[ThumbMediaId]]></ThumbMediaId></xml>";

pub const SUBSCRIBE: &str = "<xml><ToUserName><![CDATA[toUser]]></ToUserName><FromUserName><![CDATA[FromUser]]></FromUserName><CreateTime>123456789</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[subscribe]]></Event></xml>";
pub const SUBSCRIBE_SCENE: &str = "<xml><ToUserName><![CDATA[toUser]]></ToUserName><FromUserName><![CDATA[FromUser]]></FromUserName><CreateTime>123456789</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[subscribe]]></Event><EventKey><![CDATA[qrscene_123123]]></EventKey><Ticket><![CDATA[TICKET]]></Ticket></xml>";
pub const UNSUBSCRIBE: &str = "<xml><ToUserName><![CDATA[toUser]]></ToUserName><FromUserName><![CDATA[FromUser]]></FromUserName><CreateTime>123456790</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[unsubscribe]]></Event></xml>";
pub const SCAN: &str = "<xml><ToUserName><![CDATA[toUser]]></ToUserName><FromUserName><![CDATA[FromUser]]></FromUserName><CreateTime>123456789</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[SCAN]]></Event><EventKey><![CDATA[SCENE_VALUE]]></EventKey><Ticket><![CDATA[TICKET]]></Ticket></xml>";
pub const LOCATION_EVENT: &str = "<xml><ToUserName><![CDATA[toUser]]></ToUserName><FromUserName><![CDATA[fromUser]]></FromUserName><CreateTime>123456789</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[LOCATION]]></Event><Latitude>23.137466</Latitude><Longitude>113.352425</Longitude><Precision>119.385040</Precision></xml>";
pub const CLICK: &str = "<xml><ToUserName><![CDATA[toUser]]></ToUserName><FromUserName><![CDATA[FromUser]]></FromUserName><CreateTime>123456789</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[CLICK]]></Event><EventKey><![CDATA[EVENTKEY]]></EventKey></xml>";
pub const VIEW: &str = "<xml><ToUserName><![CDATA[toUser]]></ToUserName><FromUserName><![CDATA[FromUser]]></FromUserName><CreateTime>123456789</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[VIEW]]></Event><EventKey><![CDATA[www.qq.com]]></EventKey><MenuId>MENUID</MenuId></xml>";
pub const TEMPLATE_SEND_JOB_FINISH: &str = "<xml><ToUserName><![CDATA[gh_7f083739789a]]></ToUserName><FromUserName><![CDATA[oia2TjuEGTNoeX76QEjQNrcURxG8]]></FromUserName><CreateTime>1395658920</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[TEMPLATESENDJOBFINISH]]></Event><MsgID>200163836</MsgID><Status><![CDATA[success]]></Status></xml>";
pub const MASS_SEND_JOB_FINISH: &str = "<xml>
  <ToUserName><![CDATA[gh_4d00ed8d6399]]></ToUserName>
  <FromUserName><![CDATA[oV5CrjpxgaGXNHIQigzNlgLTnwic]]></FromUserName>
  <CreateTime>1481013459</CreateTime>
  <MsgType><![CDATA[event]]></MsgType>
  <Event><![CDATA[MASSSENDJOBFINISH]]></Event>
  <MsgID>1000001625</MsgID>
  <Status><![CDATA[err(30003)]]></Status>
  <TotalCount>0</TotalCount>
  <FilterCount>0</FilterCount>
  <SentCount>0</SentCount>
  <ErrorCount>0</ErrorCount>
  <CopyrightCheckResult>
    <Count>2</Count>
    <ResultList>
      <item>
        <ArticleIdx>1</ArticleIdx>
        <UserDeclareState>0</UserDeclareState>
        <AuditState>2</AuditState>
        <OriginalArticleUrl><![CDATA[Url_1]]></OriginalArticleUrl>
        <OriginalArticleType>1</OriginalArticleType>
        <CanReprint>1</CanReprint>
        <NeedReplaceContent>1</NeedReplaceContent>
        <NeedShowReprintSource>1</NeedShowReprintSource>
      </item>
      <item>
        <ArticleIdx>2</ArticleIdx>
        <UserDeclareState>0</UserDeclareState>
        <AuditState>2</AuditState>
        <OriginalArticleUrl><![CDATA[Url_2]]></OriginalArticleUrl>
        <OriginalArticleType>1</OriginalArticleType>
        <CanReprint>1</CanReprint>
        <NeedReplaceContent>1</NeedReplaceContent>
        <NeedShowReprintSource>1</NeedShowReprintSource>
      </item>
    </ResultList>
    <CheckState>2</CheckState>
  </CopyrightCheckResult>
  <ArticleUrlResult>
    <Count>1</Count>
    <ResultList>
      <item>
        <ArticleIdx>1</ArticleIdx>
        <ArticleUrl><![CDATA[Url]]></ArticleUrl>
      </item>
    </ResultList>
  </ArticleUrlResult>
</xml>";
pub const SUBSCRIBE_MSG_POPUP: &str = "<xml>
    <ToUserName><![CDATA[gh_123456789abc]]></ToUserName>
    <FromUserName><![CDATA[otFpruAK8D-E6EfStSYonYSBZ8_4]]></FromUserName>
    <CreateTime>1610969440</CreateTime>
    <MsgType><![CDATA[event]]></MsgType>
    <Event><![CDATA[subscribe_msg_popup_event]]></Event>
    <SubscribeMsgPopupEvent>
        <List>
            <TemplateId><![CDATA[VRR0UEO9VJOLs0MHlU0OilqX6MVFDwH3_3gz3Oc0NIc]]></TemplateId>
            <SubscribeStatusString><![CDATA[accept]]></SubscribeStatusString>
            <PopupScene>2</PopupScene>
        </List>
        <List>
            <TemplateId><![CDATA[9nLIlbOQZC5Y89AZteFEux3WCXRRRG5Wfzkpssu4bLI]]></TemplateId>
            <SubscribeStatusString><![CDATA[reject]]></SubscribeStatusString>
            <PopupScene>2</PopupScene>
        </List>
    </SubscribeMsgPopupEvent>
</xml>";
/// The docs' sample, whose wrapper element is (mis)named like the popup
/// event's.
pub const SUBSCRIBE_MSG_CHANGE: &str = "<xml>
    <ToUserName><![CDATA[gh_123456789abc]]></ToUserName>
    <FromUserName><![CDATA[otFpruAK8D-E6EfStSYonYSBZ8_4]]></FromUserName>
    <CreateTime>1610969440</CreateTime>
    <MsgType><![CDATA[event]]></MsgType>
    <Event><![CDATA[subscribe_msg_change_event]]></Event>
    <SubscribeMsgPopupEvent>
        <List>
            <TemplateId><![CDATA[VRR0UEO9VJOLs0MHlU0OilqX6MVFDwH3_3gz3Oc0NIc]]></TemplateId>
            <SubscribeStatusString><![CDATA[reject]]></SubscribeStatusString>
        </List>
    </SubscribeMsgPopupEvent>
</xml>";
pub const SUBSCRIBE_MSG_SENT: &str = "<xml>
    <ToUserName><![CDATA[gh_123456789abc]]></ToUserName>
    <FromUserName><![CDATA[otFpruAK8D-E6EfStSYonYSBZ8_4]]></FromUserName>
    <CreateTime>1610969468</CreateTime>
    <MsgType><![CDATA[event]]></MsgType>
    <Event><![CDATA[subscribe_msg_sent_event]]></Event>
    <SubscribeMsgSentEvent>
        <List>
            <TemplateId><![CDATA[VRR0UEO9VJOLs0MHlU0OilqX6MVFDwH3_3gz3Oc0NIc]]></TemplateId>
            <MsgID>1700827132819554304</MsgID>
            <ErrorCode>0</ErrorCode>
            <ErrorStatus><![CDATA[success]]></ErrorStatus>
        </List>
    </SubscribeMsgSentEvent>
</xml>";
pub const WEAPP_AUDIT_SUCCESS: &str = "<xml>
<ToUserName><![CDATA[gh_fb9688c2a4b2]]></ToUserName>
<FromUserName><![CDATA[od1P50M-fNQI5Gcq-trm4a7apsU8]]></FromUserName>
<CreateTime>1488856741</CreateTime>
<MsgType><![CDATA[event]]></MsgType>
<Event><![CDATA[weapp_audit_success]]></Event>
<SuccTime>1488856741</SuccTime>
</xml>";
pub const WEAPP_AUDIT_FAIL: &str = "<xml>
<ToUserName><![CDATA[gh_fb9688c2a4b2]]></ToUserName>
<FromUserName><![CDATA[od1P50M-fNQI5Gcq-trm4a7apsU8]]></FromUserName>
<CreateTime>1488856591</CreateTime>
<MsgType><![CDATA[event]]></MsgType>
<Event><![CDATA[weapp_audit_fail]]></Event>
<Reason><![CDATA[1:账号信息不符合规范:<br>(1):包含色情因素<br>]]></Reason>
<FailTime>1488856591</FailTime>
<ScreenShot>xxx|yyy|zzz</ScreenShot>
</xml>";
pub const WEAPP_AUDIT_DELAY: &str = "<xml>
<ToUserName><![CDATA[gh_fb9688c2a4b2]]></ToUserName>
<FromUserName><![CDATA[od1P50M-fNQI5Gcq-trm4a7apsU8]]></FromUserName>
<CreateTime>1488856591</CreateTime>
<MsgType><![CDATA[event]]></MsgType>
<Event><![CDATA[weapp_audit_delay]]></Event>
<Reason><![CDATA[为了更好的服务小程序，您的服务商正在进行提审系统的优化，可能会导致审核时间的延长。]]></Reason>
<DelayTime>1488856591</DelayTime>
</xml>";

/// Every sample, with the name of its `MsgType` (or `Event`).
pub const ALL: &[(&str, &str)] = &[
    ("text", TEXT),
    ("image", IMAGE),
    ("voice", VOICE),
    ("video", VIDEO),
    ("shortvideo", SHORT_VIDEO),
    ("location", LOCATION),
    ("link", LINK),
    ("file", FILE),
    ("miniprogrampage", MINIPROGRAM_PAGE),
    ("subscribe", SUBSCRIBE),
    ("subscribe", SUBSCRIBE_SCENE),
    ("unsubscribe", UNSUBSCRIBE),
    ("SCAN", SCAN),
    ("LOCATION", LOCATION_EVENT),
    ("CLICK", CLICK),
    ("VIEW", VIEW),
    ("TEMPLATESENDJOBFINISH", TEMPLATE_SEND_JOB_FINISH),
    ("MASSSENDJOBFINISH", MASS_SEND_JOB_FINISH),
    ("subscribe_msg_popup_event", SUBSCRIBE_MSG_POPUP),
    ("subscribe_msg_change_event", SUBSCRIBE_MSG_CHANGE),
    ("subscribe_msg_sent_event", SUBSCRIBE_MSG_SENT),
    ("weapp_audit_success", WEAPP_AUDIT_SUCCESS),
    ("weapp_audit_fail", WEAPP_AUDIT_FAIL),
    ("weapp_audit_delay", WEAPP_AUDIT_DELAY),
];
