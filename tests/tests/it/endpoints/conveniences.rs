//! The generated conveniences, against the official request examples: the
//! adder of a required map (`.data("first", "text")`), `From<&str>` for a
//! struct holding one text, and one constructor per union variant
//! (`MenuButton::click(name, key)`). The bodies sent must equal the spec's
//! `example_request`s.

use wechat_api::api::menu::{CreateRequest, MenuButton};
use wechat_api::api::message::{
    CustomMessage, CustomSendRequest, TemplateDataValue, TemplateMiniProgram, TemplateSendRequest,
};
use wechat_api::{Client, Config};
use wiremock::matchers::{body_json, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

async fn server_expecting(on: &str, body: serde_json::Value) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(path("/cgi-bin/stable_token"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(serde_json::json!({"access_token": "AT", "expires_in": 7200})),
        )
        .mount(&server)
        .await;
    Mock::given(path(on))
        .and(body_json(body))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(serde_json::json!({"errcode": 0, "errmsg": "ok", "msgid": 1})),
        )
        .expect(1)
        .mount(&server)
        .await;
    server
}

fn client(server: &MockServer) -> Client {
    let config = Config::builder()
        .appid("wx_app")
        .secret("secret")
        .build()
        .unwrap();
    Client::builder(config)
        .base_url_for_all(&server.uri())
        .unwrap()
        .build()
        .unwrap()
}

#[tokio::test]
async fn template_data_is_added_entry_by_entry_from_text() {
    let expected = serde_json::json!({"touser": "OPENID", "template_id": "ngqIpbwh8bUfcSsECmogfXcV14J0tQlEpBO27izEYtY", "url": "http://weixin.qq.com/download", "miniprogram": {"appid": "xiaochengxuappid12345", "pagepath": "index?foo=bar"}, "client_msg_id": "MSG_000001", "data": {"keyword1": {"value": "巧克力"}, "keyword2": {"value": "39.8元", "color": "#173177"}, "keyword3": {"value": "2014年9月22日"}}});
    let server = server_expecting("/cgi-bin/message/template/send", expected).await;
    let request = TemplateSendRequest::new("OPENID", "ngqIpbwh8bUfcSsECmogfXcV14J0tQlEpBO27izEYtY")
        .url("http://weixin.qq.com/download")
        .miniprogram(TemplateMiniProgram::new("xiaochengxuappid12345").pagepath("index?foo=bar"))
        .client_msg_id("MSG_000001")
        .data("keyword1", "巧克力")
        .data(
            "keyword2",
            TemplateDataValue::new("39.8元").color("#173177"),
        )
        .data("keyword3", String::from("2014年9月22日"));
    assert_eq!(request.data.len(), 3);
    let answer = client(&server)
        .message()
        .template_send(request)
        .await
        .unwrap();
    assert_eq!(answer.msgid, 1);
    server.verify().await;
}

#[tokio::test]
async fn menu_buttons_and_custom_messages_have_constructors() {
    let expected = serde_json::json!({"button": [{"type": "click", "name": "今日歌曲", "key": "V1001_TODAY_MUSIC"}, {"name": "菜单", "sub_button": [{"type": "view", "name": "搜索", "url": "http://www.soso.com/"}, {"type": "miniprogram", "name": "wxa", "url": "http://mp.weixin.qq.com", "appid": "wx286b93c14bbf93aa", "pagepath": "pages/lunar/index"}, {"type": "click", "name": "赞一下我们", "key": "V1001_GOOD"}]}]});
    let server = server_expecting("/cgi-bin/menu/create", expected).await;
    let menu = CreateRequest::new(vec![
        MenuButton::click("今日歌曲", "V1001_TODAY_MUSIC"),
        MenuButton::sub_menu(
            "菜单",
            vec![
                MenuButton::view("搜索", "http://www.soso.com/"),
                MenuButton::miniprogram(
                    "wxa",
                    "http://mp.weixin.qq.com",
                    "wx286b93c14bbf93aa",
                    "pages/lunar/index",
                ),
                MenuButton::click("赞一下我们", "V1001_GOOD"),
            ],
        ),
    ]);
    client(&server).menu().create(menu).await.unwrap();
    server.verify().await;

    let text =
        serde_json::json!({"touser": "OPENID", "msgtype": "text", "text": {"content": "hello"}});
    let server = server_expecting("/cgi-bin/message/custom/send", text).await;
    let request = CustomSendRequest::new("OPENID", CustomMessage::text("hello"));
    client(&server)
        .message()
        .custom_send(request)
        .await
        .unwrap();
    server.verify().await;
    assert_eq!(
        CustomMessage::image("MEDIA_ID"),
        serde_json::from_str(r#"{"msgtype":"image","image":{"media_id":"MEDIA_ID"}}"#).unwrap()
    );
}
