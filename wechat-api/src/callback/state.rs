//! [`State`]: the application's state, handed to every handler and hook
//! that asks for it, so that handlers use the application's database pool,
//! configuration or clients without cloning `Arc`s into every closure.
//!
//! A router or callback is given the state once
//! ([`Router::with_state`](super::Router::with_state),
//! [`ComponentCallback::on_event_with_state`](super::ComponentCallback::on_event_with_state));
//! each call of a handler gets a clone of it, so the state should be cheap
//! to clone: a struct of `Arc`s and pools, or an `Arc<App>`.

use std::ops::{Deref, DerefMut};

/// The application state a handler receives as its last argument, usually
/// destructured in the closure's parameters: `|message, client, State(app)|`.
///
/// ```
/// use std::sync::Arc;
/// use wechat_api::callback::{Reply, Router, State};
///
/// #[derive(Clone)]
/// struct App {
///     greeting: Arc<str>,
/// }
///
/// let app = App { greeting: Arc::from("welcome") };
/// let router = Router::with_state(app).event("subscribe", |_message, _client, State(app)| async move {
///     Ok(Some(Reply::text(&*app.greeting)))
/// });
/// assert_eq!(router.len(), 1);
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct State<S>(pub S);

impl<S> Deref for State<S> {
    type Target = S;

    fn deref(&self) -> &S {
        &self.0
    }
}

impl<S> DerefMut for State<S> {
    fn deref_mut(&mut self) -> &mut S {
        &mut self.0
    }
}
