//! Pending sessions, bounded: expired ones are purged a few at a time as
//! new ones come in, and each user, and the whole service, keeps at most a
//! set number, the oldest giving way first. An unanswered probe (an
//! unknown user's decoy round holds ~2 KB) cannot grow the service.

use std::collections::{BTreeMap, HashMap, VecDeque};

use super::session::Session;

/// Expired sessions looked at per insertion: more than one, so the purge
/// keeps up with the arrivals.
const PURGE_PER_INSERT: usize = 4;

/// Whose a session is: the pool and the username its challenge showed.
type Owner = (String, String);

/// A session with its place in the indexes; boxed, so the table's slots
/// stay small, and what a resized table frees holds pointers only. Taking
/// a session moves it out of its box: it holds its SRP round in a box of
/// its own, so the freed box keeps no secret.
struct Stored {
    order: u64,
    owner: Owner,
    session: Box<Session>,
}

/// The sessions waiting for an answer.
pub(super) struct SessionStore {
    by_id: HashMap<String, Stored>,
    /// Insertion order (oldest first) → id.
    order: BTreeMap<u64, String>,
    /// Each owner's sessions, oldest first.
    by_owner: HashMap<Owner, VecDeque<u64>>,
    next: u64,
    max_total: usize,
    max_per_owner: usize,
}

impl SessionStore {
    /// A store that keeps at most `max_total` sessions, `max_per_owner` of any one user.
    pub(super) fn new(max_total: usize, max_per_owner: usize) -> Self {
        SessionStore {
            by_id: HashMap::new(),
            order: BTreeMap::new(),
            by_owner: HashMap::new(),
            next: 0,
            max_total: max_total.max(1),
            max_per_owner: max_per_owner.max(1),
        }
    }

    /// How many sessions are held.
    pub(super) fn len(&self) -> usize {
        self.by_id.len()
    }

    /// Stores `session` under `id` for `pool`, after purging a few expired
    /// sessions and making room under both caps.
    pub(super) fn insert(&mut self, id: String, pool: &str, session: Session, now: i64) {
        self.purge_expired(now);
        self.remove(&id);
        let owner = (pool.to_owned(), session.username.clone());
        let owners_oldest = (self.by_owner.get(&owner))
            .filter(|sessions| sessions.len() >= self.max_per_owner)
            .and_then(|sessions| self.order.get(sessions.front()?))
            .cloned();
        if let Some(oldest) = owners_oldest {
            self.remove(&oldest);
        }
        let oldest = self.order.first_key_value().map(|(_, id)| id.clone());
        if let Some(oldest) = oldest.filter(|_| self.by_id.len() >= self.max_total) {
            self.remove(&oldest);
        }
        let order = self.next;
        self.next += 1;
        self.order.insert(order, id.clone());
        self.by_owner.entry(owner.clone()).or_default().push_back(order);
        self.by_id.insert(id, Stored { order, owner, session: Box::new(session) });
    }

    /// Takes the session stored under `id`.
    pub(super) fn remove(&mut self, id: &str) -> Option<Session> {
        let stored = self.by_id.remove(id)?;
        self.order.remove(&stored.order);
        if let Some(sessions) = self.by_owner.get_mut(&stored.owner) {
            sessions.retain(|o| *o != stored.order);
            if sessions.is_empty() {
                self.by_owner.remove(&stored.owner);
            }
        }
        Some(*stored.session)
    }

    /// The session stored under `id`, to change in place.
    pub(super) fn get_mut(&mut self, id: &str) -> Option<&mut Session> {
        self.by_id.get_mut(id).map(|stored| &mut *stored.session)
    }

    /// The id of a session that `matches` (a linear scan: for the rare
    /// answer that comes without its Session).
    pub(super) fn find(&self, matches: impl Fn(&Session) -> bool) -> Option<String> {
        self.by_id.iter().find(|(_, stored)| matches(&stored.session)).map(|(id, _)| id.clone())
    }

    /// Drops the oldest sessions while they have expired, a few at a time.
    fn purge_expired(&mut self, now: i64) {
        for _ in 0..PURGE_PER_INSERT {
            let Some((_, id)) = self.order.first_key_value() else { return };
            if self.by_id.get(id).is_some_and(|s| s.session.expires > now) {
                return;
            }
            let id = id.clone();
            self.remove(&id);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::session::Pending;

    fn session(username: &str, expires: i64) -> Session {
        Session {
            client_id: "client".to_owned(),
            username: username.to_owned(),
            challenge: "NEW_PASSWORD_REQUIRED",
            pending: Pending::NewPasswordRequired { username: username.to_owned() },
            expires,
            device_key: None,
            custom: false,
        }
    }

    #[test]
    fn a_session_stored_again_under_its_id_is_held_once() {
        let mut store = SessionStore::new(10, 2);
        store.insert("a".into(), "pool", session("alice", 100), 0);
        store.insert("a".into(), "pool", session("alice", 100), 0);
        store.insert("b".into(), "pool", session("alice", 100), 0);
        assert_eq!(store.len(), 2, "both of alice's fit: the first was not counted twice");
        assert!(store.remove("a").is_some() && store.remove("b").is_some());
        assert!(store.order.is_empty() && store.by_owner.is_empty(), "no index entry left behind");
    }

    #[test]
    fn the_caps_evict_the_oldest_and_expired_sessions_go_first() {
        let mut store = SessionStore::new(3, 10);
        for (id, expires) in [("old", 10), ("mid", 100), ("new", 100)] {
            store.insert(id.into(), "pool", session(id, expires), 0);
        }
        store.insert("later".into(), "pool", session("later", 200), 50);
        assert!(store.remove("old").is_none(), "expired, purged");
        assert_eq!(store.len(), 3);
        store.insert("last".into(), "pool", session("last", 200), 50);
        assert!(store.remove("mid").is_none(), "the oldest live one made room");
        assert!(store.remove("last").is_some());
    }
}
