//! An official account's own server: text is answered passively, followers
//! welcomed, `menu` creates the menu, `notify` sends a template message,
//! `me` reads the profile. The library does the URL check, the three modes,
//! replay protection and the 5-second rule. Message URL: `http://HOST:8080/wechat`.
//!
//! ```text
//! WECHAT_APPID=wx… WECHAT_SECRET=… WECHAT_TOKEN=… WECHAT_ENCODING_AES_KEY=… \
//!     TEMPLATE_ID=… cargo run --example official_account
//! ```

use std::sync::Arc;
use wechat_api::api::menu::{CreateRequest, MenuButton};
use wechat_api::api::message::TemplateSendRequest;
use wechat_api::api::user::InfoRequest;
use wechat_api::callback::{HandlerResult, MessageCallback, Reply, Router, State};
use wechat_api::server::{AccountRoutes, ServeOptions, serve};
use wechat_api::{Client, Config, event::Message};

/// What the handlers share.
#[derive(Clone)]
struct App {
    template_id: Arc<str>,
}

async fn on_text(message: Message, client: Client, State(app): State<App>) -> HandlerResult {
    let openid = message.header().from_user_name.clone();
    let answer = match message.content().unwrap_or_default() {
        "menu" => {
            let menu = CreateRequest::new(vec![MenuButton::click("Today", "TODAY")]);
            client.menu().create(menu).await?;
            "menu created".to_owned()
        }
        "notify" => {
            let send = TemplateSendRequest::new(openid, &*app.template_id).data("first", "hi");
            let sent = client.message().template_send(send).await?;
            format!("sent {}", sent.msgid)
        }
        "me" => {
            let me = client.user().info(InfoRequest::new(openid)).await?.user;
            format!("{} since {}", me.openid, me.subscribe_time.unwrap_or(0))
        }
        other => format!("you said: {other}"),
    };
    Ok(Some(Reply::text(answer)))
}

async fn welcome(_: Message, _: Client, _: State<App>) -> HandlerResult {
    Ok(Some(Reply::text("welcome")))
}

/// The account's routes: its message URL at `/wechat`, and `/healthz`.
fn routes(client: Client, app: App) -> wechat_api::Result<axum::Router> {
    let router = Router::with_state(app).message("text", on_text);
    let router = router.event("subscribe", welcome);
    Ok(AccountRoutes::new(MessageCallback::account(client, router)?)?.router())
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let client = Client::new(Config::from_env()?)?;
    let template_id = std::env::var("TEMPLATE_ID")?.into();
    let listener = tokio::net::TcpListener::bind("0.0.0.0:8080").await?;
    let app = routes(client, App { template_id })?;
    serve(listener, app, ServeOptions::default()).await;
    Ok(())
}

/// The program against the sandbox, as WeChat would drive it.
#[cfg(test)]
mod tests {
    use wechat_sandbox::{DEFAULT_OPENID as ALICE, PushMode, Sandbox, UserMessage};

    type Outcome = Result<(), Box<dyn std::error::Error>>;

    #[tokio::test]
    async fn the_account_answers_welcomes_and_calls_wechat() -> Outcome {
        let sandbox = Sandbox::start_default().await?;
        let config = sandbox.config().account_config()?;
        let client = sandbox.client_builder_with(config)?.build()?;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let template_id = "T".into();
        let app = super::routes(client, super::App { template_id })?;
        tokio::spawn(async move { super::serve(listener, app, Default::default()).await });
        let account = sandbox.official_account_url(format!("http://{addr}/wechat").parse()?);
        sandbox.check_account_url(&account).await?;
        for (mode, text, reply) in [
            (PushMode::Plain, "hi", "you said: hi"),
            (PushMode::Safe, "menu", "menu created"),
            (PushMode::Compatible, "notify", "sent 200228332"),
            (PushMode::Safe, "me", &format!("{ALICE} since 1700000000")),
        ] {
            let (to, message) = (account.clone().mode(mode), UserMessage::text(ALICE, text));
            let answer = sandbox.push_to_account(&to, &message).await?;
            assert_eq!(answer.content().as_deref(), Some(reply), "{text}");
        }
        let follow = UserMessage::event(ALICE, "subscribe");
        let welcome = sandbox.push_to_account(&account, &follow).await?;
        assert_eq!(welcome.content().as_deref(), Some("welcome"));
        assert_eq!(sandbox.request_count("/cgi-bin/menu/create"), 1);
        assert_eq!(sandbox.request_count("/cgi-bin/message/template/send"), 1);
        Ok(())
    }
}
