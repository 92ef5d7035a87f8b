//! An official account's own server: text is answered passively, new
//! followers are welcomed, `menu` creates the menu, `notify` sends a
//! template message, `me` reads the user's profile. The library does the
//! URL check, the three modes, replay protection and the 5-second rule.
//!
//! ```text
//! WECHAT_APPID=wx… WECHAT_SECRET=… WECHAT_TOKEN=… WECHAT_ENCODING_AES_KEY=… \
//!     cargo run --example official_account      # message URL: http://HOST:8080/wechat
//! ```

use std::collections::BTreeMap;

use wechat_api::api::menu::{self, KeyButton, MenuButton};
use wechat_api::api::message::{TemplateDataValue, TemplateSendRequest};
use wechat_api::api::user::InfoRequest;
use wechat_api::callback::{HandlerResult, MessageCallback, Reply, Router};
use wechat_api::event::Message;
use wechat_api::server::{AccountRoutes, ServeOptions, serve};
use wechat_api::{Client, Config};

const TEMPLATE_ID: &str = "ngqIpbwh8bUfcSsECmogfXcV14J0tQlEpBO27izEYtY";

async fn on_text(message: Message, client: Client) -> HandlerResult {
    let openid = message.header().from_user_name.clone();
    let answer = match message.content().unwrap_or_default() {
        "menu" => {
            let today = MenuButton::Click(KeyButton::new("Today", "TODAY"));
            client
                .menu()
                .create(menu::CreateRequest::new(vec![today]))
                .await?;
            "menu created".to_owned()
        }
        "notify" => {
            let data = BTreeMap::from([("first".to_owned(), TemplateDataValue::new("hello"))]);
            let send = TemplateSendRequest::new(openid, TEMPLATE_ID, data);
            let sent = client.message().template_send(send).await?;
            format!("notification {} sent", sent.msgid)
        }
        "me" => {
            let me = client.user().info(InfoRequest::new(openid)).await?.user;
            format!(
                "{} follows since {}",
                me.openid,
                me.subscribe_time.unwrap_or(0)
            )
        }
        other => format!("you said: {other}"),
    };
    Ok(Some(Reply::text(answer)))
}

/// The account's routes: its message URL at `/wechat`, and `/healthz`.
fn app(client: Client) -> wechat_api::Result<axum::Router> {
    let router = Router::new()
        .message("text", on_text)
        .event("subscribe", |_, _| async {
            Ok(Some(Reply::text("welcome")))
        });
    Ok(AccountRoutes::new(MessageCallback::account(client, router)?)?.router())
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let client = Client::new(Config::from_env()?)?;
    let listener = tokio::net::TcpListener::bind("0.0.0.0:8080").await?;
    serve(listener, app(client)?, ServeOptions::default()).await;
    Ok(())
}

/// The program against the sandbox, as WeChat would drive it.
#[cfg(test)]
mod tests {
    use std::future::IntoFuture as _;
    use wechat_sandbox::{DEFAULT_OPENID as ALICE, PushMode, Sandbox, UserMessage};

    #[tokio::test]
    async fn the_account_answers_welcomes_and_calls_wechat() {
        let sandbox = Sandbox::start_default().await.expect("sandbox");
        let config = sandbox.config().account_config().expect("config");
        let client = sandbox.client_builder_with(config).and_then(|b| b.build());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("port");
        let url = format!("http://{}/wechat", listener.local_addr().expect("address"));
        let app = super::app(client.expect("client")).expect("app");
        tokio::spawn(wechat_api::server::serve(listener, app, Default::default()).into_future());
        let account = sandbox.official_account_url(url.parse().expect("URL"));
        sandbox
            .check_account_url(&account)
            .await
            .expect("URL check");
        let say = |text: &str, mode| {
            let (to, text) = (account.clone().mode(mode), UserMessage::text(ALICE, text));
            let sandbox = &sandbox;
            async move {
                sandbox
                    .push_to_account(&to, &text)
                    .await
                    .expect("pushed")
                    .content()
            }
        };
        assert_eq!(
            say("hi", PushMode::Plain).await.as_deref(),
            Some("you said: hi")
        );
        assert_eq!(
            say("menu", PushMode::Safe).await.as_deref(),
            Some("menu created")
        );
        let sent = say("notify", PushMode::Compatible).await.expect("a reply");
        assert!(sent.starts_with("notification "), "{sent}");
        let me = say("me", PushMode::Safe).await.expect("a reply");
        assert!(me.starts_with(&format!("{ALICE} follows since ")), "{me}");
        let follow = UserMessage::event(ALICE, "subscribe");
        let welcome = sandbox
            .push_to_account(&account, &follow)
            .await
            .expect("pushed");
        assert_eq!(welcome.content().as_deref(), Some("welcome"));
        assert_eq!(sandbox.request_count("/cgi-bin/menu/create"), 1);
        assert_eq!(sandbox.request_count("/cgi-bin/message/template/send"), 1);
    }
}
