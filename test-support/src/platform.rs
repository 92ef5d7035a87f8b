//! A third-party platform for end-to-end tests against the sandbox: the
//! library's `CallbackRoutes` with the test's message router, served by
//! `wechat_api::server::serve` on a free port; the sandbox pushes its
//! component events to the events URL and its authorizers' messages and
//! events to the message URL (`{url}/$APPID$/callback`); merchants authorize
//! through the sandbox's authorization page.
//!
//! Needs `sandbox_flow` (`#[path = "support/sandbox_flow.rs"] mod
//! sandbox_flow;`) in the test file.

use std::future::IntoFuture as _;

use tokio::sync::oneshot;
use wechat_api::Client;
use wechat_api::callback::{self, ComponentCallback, MessageCallback};
use wechat_api::server::{CallbackRoutes, ServeOptions, serve};
use wechat_sandbox::Sandbox;

use crate::sandbox_flow;

/// A running platform; stops serving when dropped.
pub struct Platform {
    /// The platform's client (component credentials, memory token store).
    pub client: Client,
    stop: Option<oneshot::Sender<()>>,
}

impl Platform {
    /// Serves `messages` for the sandbox's platform, points the sandbox's
    /// events and message URLs at it, and has a verify ticket pushed.
    pub async fn start(sandbox: &Sandbox, messages: callback::Router) -> Self {
        let client = sandbox_flow::client(sandbox);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("a free port");
        let url = format!("http://{}/", listener.local_addr().expect("bound"));
        let routes = CallbackRoutes::new(
            ComponentCallback::new(client.clone()).expect("component settings"),
            MessageCallback::new(client.clone(), messages).expect("message settings"),
            url.parse().expect("the platform URL"),
        );
        sandbox.set_callback_url(routes.events_url());
        sandbox
            .set_message_url(routes.message_url_template())
            .expect("the message URL has $APPID$");
        let (stop, stopped) = oneshot::channel::<()>();
        tokio::spawn(
            serve(listener, routes.router(), ServeOptions::default())
                .with_graceful_shutdown(async move {
                    let _ = stopped.await;
                })
                .into_future(),
        );
        sandbox.push_verify_ticket().await.expect("ticket pushed");
        Platform {
            client,
            stop: Some(stop),
        }
    }

    /// The merchant `appid` authorizes the platform (its tokens are then
    /// stored); returns a client acting for it.
    pub async fn authorize(&self, appid: &str) -> Client {
        sandbox_flow::authorize(&self.client, Some(appid)).await;
        self.client.authorizer(appid)
    }
}

impl Drop for Platform {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}
