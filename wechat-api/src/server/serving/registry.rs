//! The registry of open connections: a slot per connection under the cap,
//! how many each client holds, and eviction of the oldest *idle*
//! connection when a slot (or a file descriptor) is needed.
//!
//! A connection is idle while no request of it is *in progress*, that is
//! between the end of a request's body and its answer (see
//! [`progress`](super::progress)). So it is idle while it waits for its first
//! request head (perhaps forever, if the client is hostile), reads a slow
//! head, reads a slow body, or is kept alive between requests: everything
//! a client can stretch by sending slowly. Closing such a connection loses
//! no work the server has started; a well-behaved client opens a new one.

use std::collections::{BTreeMap, HashMap};
use std::net::IpAddr;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use tokio::sync::{Notify, OwnedSemaphorePermit, Semaphore};

use super::peer::Peer;

/// The open connections, in the order they were accepted.
#[derive(Debug)]
pub(crate) struct Registry {
    slots: Arc<Semaphore>,
    max: u32,
    max_per_peer: Option<usize>,
    open: Mutex<Open>,
}

/// The connections not yet told to close.
#[derive(Debug, Default)]
struct Open {
    next_id: u64,
    /// id (accept order) → the connection.
    by_age: BTreeMap<u64, Entry>,
    /// How many of them each client holds (clients holding none are absent).
    per_peer: HashMap<Peer, usize>,
}

#[derive(Debug)]
struct Entry {
    peer: Peer,
    state: Arc<ConnState>,
}

/// What the accept loop and a connection's task share.
#[derive(Debug, Default)]
struct ConnState {
    in_progress: AtomicUsize,
    evict: Notify,
    closed: AtomicBool,
    on_close: Notify,
}

impl Open {
    fn insert(&mut self, peer: Peer, state: Arc<ConnState>) -> u64 {
        let id = self.next_id;
        self.next_id += 1;
        self.by_age.insert(id, Entry { peer, state });
        *self.per_peer.entry(peer).or_default() += 1;
        id
    }

    fn remove(&mut self, id: u64) -> Option<Entry> {
        let entry = self.by_age.remove(&id)?;
        if let Some(count) = self.per_peer.get_mut(&entry.peer) {
            *count -= 1;
            if *count == 0 {
                self.per_peer.remove(&entry.peer);
            }
        }
        Some(entry)
    }

    fn held_by(&self, peer: Peer) -> usize {
        self.per_peer.get(&peer).copied().unwrap_or(0)
    }

    /// Tells the oldest idle connection that `matches` to close.
    fn evict_oldest_idle(&mut self, matches: impl Fn(&Entry) -> bool) -> Option<Evicted> {
        let id = self
            .by_age
            .iter()
            .find(|(_, entry)| {
                entry.state.in_progress.load(Ordering::Acquire) == 0 && matches(entry)
            })
            .map(|(&id, _)| id)?;
        let entry = self.remove(id)?;
        entry.state.evict.notify_one();
        Some(Evicted(entry.state))
    }
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

/// What [`Registry::admit`] decided about a new connection.
#[derive(Debug)]
pub(crate) enum Admission {
    /// Serve it, holding this slot.
    Admitted(Slot),
    /// Its client holds as many connections as it may, each with a
    /// request in progress: close the new one.
    Refused,
    /// The registry is closed: stop accepting.
    Closed,
}

impl Registry {
    /// Room for `max` connections (`max` ≥ 1, checked by the options), at
    /// most `max_per_peer` of them from one client.
    pub(crate) fn new(max: usize, max_per_peer: Option<usize>) -> Self {
        let max = u32::try_from(max).unwrap_or(u32::MAX).max(1);
        Registry {
            slots: Arc::new(Semaphore::new(max as usize)),
            max,
            max_per_peer: max_per_peer.map(|per_peer| per_peer.max(1)),
            open: Mutex::new(Open::default()),
        }
    }

    fn open_connections(&self) -> MutexGuard<'_, Open> {
        self.open.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// A slot for a new connection from `peer`.
    ///
    /// When the client already holds its share, its own oldest idle
    /// connection is closed to make room, or the new one is refused if
    /// none of them is idle (never waiting: the accept loop goes on). At
    /// the overall cap, the oldest idle connection is closed to make room;
    /// when none is idle, this waits until a connection ends.
    pub(crate) async fn admit(self: &Arc<Self>, peer: IpAddr) -> Admission {
        let peer = Peer::of(peer);
        if let Some(max_per_peer) = self.max_per_peer {
            let mut open = self.open_connections();
            if open.held_by(peer) >= max_per_peer {
                if open.evict_oldest_idle(|entry| entry.peer == peer).is_none() {
                    drop(open);
                    tracing::debug!(
                        max_per_peer,
                        "a client at its connection cap opened another while all of its connections were busy: refused"
                    );
                    return Admission::Refused;
                }
                tracing::debug!(
                    max_per_peer,
                    "a client at its connection cap opened another: closed its oldest idle connection"
                );
            }
        }
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
                match Arc::clone(&self.slots).acquire_owned().await {
                    Ok(permit) => permit,
                    Err(_) => return Admission::Closed,
                }
            }
        };
        let state = Arc::new(ConnState::default());
        let id = self.open_connections().insert(peer, Arc::clone(&state));
        Admission::Admitted(Slot {
            id,
            state,
            registry: Arc::clone(self),
            _permit: permit,
        })
    }

    /// Tells the oldest idle connection to close; `None` if none is idle.
    pub(crate) fn evict_oldest_idle(&self) -> Option<Evicted> {
        self.open_connections().evict_oldest_idle(|_| true)
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
    registry: Arc<Registry>,
    _permit: OwnedSemaphorePermit,
}

impl Slot {
    /// A handle that marks requests in progress from the request path.
    pub(crate) fn tracker(&self) -> Tracker {
        Tracker {
            state: Arc::clone(&self.state),
        }
    }

    /// Completes when the connection is told to close to make room.
    pub(crate) async fn evicted(&self) {
        self.state.evict.notified().await;
    }

    /// How many requests of the connection are in progress.
    #[cfg(test)]
    pub(crate) fn in_progress(&self) -> usize {
        self.state.in_progress.load(Ordering::Acquire)
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        self.registry.open_connections().remove(self.id);
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
    /// A request is in progress until the guard is dropped: the
    /// connection is not evicted meanwhile.
    pub(crate) fn busy(&self) -> Busy {
        self.state.in_progress.fetch_add(1, Ordering::AcqRel);
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
        self.state.in_progress.fetch_sub(1, Ordering::AcqRel);
    }
}

#[cfg(test)]
mod tests {
    use std::net::Ipv4Addr;
    use std::time::Duration;

    use super::*;

    const WAIT: Duration = Duration::from_secs(5);
    const A: IpAddr = IpAddr::V4(Ipv4Addr::new(192, 0, 2, 1));
    const B: IpAddr = IpAddr::V4(Ipv4Addr::new(192, 0, 2, 2));

    async fn admitted(registry: &Arc<Registry>, peer: IpAddr) -> Slot {
        match registry.admit(peer).await {
            Admission::Admitted(slot) => slot,
            other => panic!("not admitted: {other:?}"),
        }
    }

    #[tokio::test]
    async fn the_oldest_idle_connection_is_evicted_first() {
        let registry = Arc::new(Registry::new(3, None));
        let a = admitted(&registry, A).await;
        let b = admitted(&registry, A).await;
        let c = admitted(&registry, A).await;
        assert_eq!(registry.open(), 3);
        let busy = a.tracker().busy();
        // `a` has a request in progress: `b` is the oldest idle one.
        let evicted_b = registry.evict_oldest_idle().expect("b is idle");
        tokio::time::timeout(WAIT, b.evicted())
            .await
            .expect("b was told to close");
        // Evicted connections are not picked twice.
        let evicted_c = registry.evict_oldest_idle().expect("c is idle");
        tokio::time::timeout(WAIT, c.evicted())
            .await
            .expect("c was told to close");
        assert!(
            registry.evict_oldest_idle().is_none(),
            "only `a` is left, busy"
        );
        // Closing is seen, whether it happened before or after the wait began.
        drop(b);
        tokio::time::timeout(WAIT, evicted_b.closed())
            .await
            .expect("b's closing was seen");
        let waiting = tokio::spawn(async move { evicted_c.closed().await });
        drop(c);
        tokio::time::timeout(WAIT, waiting)
            .await
            .expect("c's closing was seen")
            .unwrap();
        assert_eq!(registry.open(), 1);
        drop(busy);
        assert!(registry.evict_oldest_idle().is_some(), "`a` is idle now");
    }

    #[tokio::test]
    async fn admitting_at_the_cap_makes_room() {
        let registry = Arc::new(Registry::new(1, None));
        let first = admitted(&registry, A).await;
        let waiting = tokio::spawn({
            let registry = Arc::clone(&registry);
            async move { matches!(registry.admit(B).await, Admission::Admitted(_)) }
        });
        // The first connection is told to close; its task drops the slot.
        tokio::time::timeout(WAIT, first.evicted())
            .await
            .expect("the idle connection was told to close");
        drop(first);
        let admitted = tokio::time::timeout(WAIT, waiting)
            .await
            .expect("admitted once the slot was freed")
            .unwrap();
        assert!(admitted);
    }

    #[tokio::test]
    async fn a_client_at_its_share_replaces_its_own_idle_connections() {
        let registry = Arc::new(Registry::new(10, Some(2)));
        let other = admitted(&registry, B).await;
        let first = admitted(&registry, A).await;
        let second = admitted(&registry, A).await;
        // A third connection of A closes A's oldest, not B's older one.
        let third = admitted(&registry, A).await;
        tokio::time::timeout(WAIT, first.evicted())
            .await
            .expect("A's oldest connection was told to close");
        drop(first);
        // With both of A's connections busy, A's next one is refused at
        // once; B is still admitted.
        let _busy = (second.tracker().busy(), third.tracker().busy());
        assert!(matches!(registry.admit(A).await, Admission::Refused));
        let _b2 = admitted(&registry, B).await;
        assert_eq!(registry.open(), 4);
        // Nothing of B's was evicted along the way.
        let evicted = registry.evict_oldest_idle().expect("B's are idle");
        drop(other);
        tokio::time::timeout(WAIT, evicted.closed())
            .await
            .expect("the oldest idle connection overall was B's first");
    }
}
