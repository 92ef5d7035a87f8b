//! The connection cap: a slot per open connection, and eviction of the
//! oldest connection with no request in progress when a slot (or a file
//! descriptor) is needed.
//!
//! A connection is *idle* while it has no request in progress: waiting for
//! its first request head (perhaps forever, if the client is hostile),
//! reading a slow head, or kept alive between requests. Closing such a
//! connection loses no work; a well-behaved client opens a new one.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use tokio::sync::{Notify, OwnedSemaphorePermit, Semaphore};

/// The open connections, in the order they were accepted.
#[derive(Debug)]
pub(crate) struct Connections {
    slots: Arc<Semaphore>,
    max: u32,
    open: Mutex<Registry>,
}

#[derive(Debug, Default)]
struct Registry {
    next_id: u64,
    /// id (accept order) → the connection's shared state.
    by_age: BTreeMap<u64, Arc<ConnState>>,
}

/// What the accept loop and a connection's task share.
#[derive(Debug, Default)]
struct ConnState {
    in_flight: AtomicUsize,
    evict: Notify,
    closed: AtomicBool,
    on_close: Notify,
}

/// A connection told to close.
#[derive(Debug)]
pub(crate) struct Evicted(Arc<ConnState>);

impl Evicted {
    /// Completes once the connection is closed (its descriptor freed).
    pub(crate) async fn closed(&self) {
        let notified = self.0.on_close.notified();
        tokio::pin!(notified);
        notified.as_mut().enable();
        if !self.0.closed.load(Ordering::Acquire) {
            notified.await;
        }
    }
}

impl Connections {
    /// Room for `max` connections (`max` ≥ 1, checked by the options).
    pub(crate) fn new(max: usize) -> Self {
        let max = u32::try_from(max).unwrap_or(u32::MAX).max(1);
        Connections {
            slots: Arc::new(Semaphore::new(max as usize)),
            max,
            open: Mutex::new(Registry::default()),
        }
    }

    fn registry(&self) -> std::sync::MutexGuard<'_, Registry> {
        self.open.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// A slot for a new connection. At the cap, the oldest idle connection
    /// is closed to make room; when none is idle, this waits until a
    /// connection ends. `None` only if the slots were closed.
    pub(crate) async fn admit(self: &Arc<Self>) -> Option<Slot> {
        let permit = match Arc::clone(&self.slots).try_acquire_owned() {
            Ok(permit) => permit,
            Err(_) => {
                if self.evict_oldest_idle().is_some() {
                    tracing::debug!(
                        max = self.max,
                        "connection cap reached: closed the oldest idle connection"
                    );
                } else {
                    tracing::warn!(
                        max = self.max,
                        "connection cap reached and every connection has a request in progress: new connections wait"
                    );
                }
                Arc::clone(&self.slots).acquire_owned().await.ok()?
            }
        };
        let state = Arc::new(ConnState::default());
        let mut registry = self.registry();
        let id = registry.next_id;
        registry.next_id += 1;
        registry.by_age.insert(id, Arc::clone(&state));
        drop(registry);
        Some(Slot {
            id,
            state,
            connections: Arc::clone(self),
            _permit: permit,
        })
    }

    /// Tells the oldest idle connection to close; `None` if none is idle.
    pub(crate) fn evict_oldest_idle(&self) -> Option<Evicted> {
        let mut registry = self.registry();
        let oldest = registry
            .by_age
            .iter()
            .find(|(_, conn)| conn.in_flight.load(Ordering::Acquire) == 0)
            .map(|(&id, _)| id);
        let conn = oldest.and_then(|id| registry.by_age.remove(&id))?;
        drop(registry);
        conn.evict.notify_one();
        Some(Evicted(conn))
    }

    /// How many connections are open.
    pub(crate) fn open(&self) -> usize {
        (self.max as usize).saturating_sub(self.slots.available_permits())
    }

    /// Waits until every connection has ended.
    pub(crate) async fn all_closed(&self) {
        let _all = self.slots.acquire_many(self.max).await;
    }
}

/// One open connection's place under the cap; freed when dropped.
#[derive(Debug)]
pub(crate) struct Slot {
    id: u64,
    state: Arc<ConnState>,
    connections: Arc<Connections>,
    _permit: OwnedSemaphorePermit,
}

impl Slot {
    /// A handle that can mark requests in progress from the request path.
    pub(crate) fn tracker(&self) -> Tracker {
        Tracker {
            state: Arc::clone(&self.state),
        }
    }

    /// Completes when the connection is told to close to make room.
    pub(crate) async fn evicted(&self) {
        self.state.evict.notified().await;
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        self.connections.registry().by_age.remove(&self.id);
        self.state.closed.store(true, Ordering::Release);
        self.state.on_close.notify_waiters();
    }
}

/// Marks requests in progress on one connection (cheap to clone).
#[derive(Debug, Clone)]
pub(crate) struct Tracker {
    state: Arc<ConnState>,
}

impl Tracker {
    /// A request starts; it ends when the guard is dropped.
    pub(crate) fn busy(&self) -> Busy {
        self.state.in_flight.fetch_add(1, Ordering::AcqRel);
        Busy {
            state: Arc::clone(&self.state),
        }
    }
}

/// A request in progress; dropping it ends it.
#[derive(Debug)]
pub(crate) struct Busy {
    state: Arc<ConnState>,
}

impl Drop for Busy {
    fn drop(&mut self) {
        self.state.in_flight.fetch_sub(1, Ordering::AcqRel);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_oldest_idle_connection_is_evicted_first() {
        let connections = Arc::new(Connections::new(3));
        let a = connections.admit().await.unwrap();
        let b = connections.admit().await.unwrap();
        let c = connections.admit().await.unwrap();
        assert_eq!(connections.open(), 3);
        let _busy = a.tracker().busy();
        // `a` has a request in progress: `b` is the oldest idle one.
        let evicted_b = connections.evict_oldest_idle().expect("b is idle");
        tokio::time::timeout(std::time::Duration::from_secs(5), b.evicted())
            .await
            .expect("b was told to close");
        // Evicted connections are not picked twice.
        let evicted_c = connections.evict_oldest_idle().expect("c is idle");
        tokio::time::timeout(std::time::Duration::from_secs(5), c.evicted())
            .await
            .expect("c was told to close");
        assert!(
            connections.evict_oldest_idle().is_none(),
            "only `a` is left, busy"
        );
        // Closing is seen, whether it happened before or after the wait began.
        drop(b);
        tokio::time::timeout(std::time::Duration::from_secs(5), evicted_b.closed())
            .await
            .expect("b's closing was seen");
        let waiting = tokio::spawn(async move { evicted_c.closed().await });
        drop(c);
        tokio::time::timeout(std::time::Duration::from_secs(5), waiting)
            .await
            .expect("c's closing was seen")
            .unwrap();
        assert_eq!(connections.open(), 1);
        drop(_busy);
        assert!(connections.evict_oldest_idle().is_some(), "`a` is idle now");
    }

    #[tokio::test]
    async fn admitting_at_the_cap_makes_room() {
        let connections = Arc::new(Connections::new(1));
        let first = connections.admit().await.unwrap();
        let waiting = tokio::spawn({
            let connections = Arc::clone(&connections);
            async move { connections.admit().await.map(|_| ()) }
        });
        // The first connection is told to close; its task drops the slot.
        tokio::time::timeout(std::time::Duration::from_secs(5), first.evicted())
            .await
            .expect("the idle connection was told to close");
        drop(first);
        let admitted = tokio::time::timeout(std::time::Duration::from_secs(5), waiting)
            .await
            .expect("admitted once the slot was freed")
            .unwrap();
        assert!(admitted.is_some());
    }
}
