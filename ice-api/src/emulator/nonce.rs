//! Bounded replay cache for `x-acs-signature-nonce`.

use std::collections::{HashSet, VecDeque};

/// Remembers the most recent `cap` (AccessKey, nonce) pairs; the oldest are forgotten first.
/// A nonce replayed after being forgotten is accepted again, so size the cap to cover the
/// request rate times the allowed clock skew.
#[derive(Debug)]
pub(crate) struct NonceCache {
    seen: HashSet<(String, String)>,
    order: VecDeque<(String, String)>,
    cap: usize,
}

impl NonceCache {
    pub(crate) fn new(cap: usize) -> Self {
        Self {
            seen: HashSet::new(),
            order: VecDeque::new(),
            cap: cap.max(1),
        }
    }

    /// Records the pair; false when it was already recorded (a replay).
    pub(crate) fn insert(&mut self, access_key_id: &str, nonce: &str) -> bool {
        let key = (access_key_id.to_string(), nonce.to_string());
        if self.seen.contains(&key) {
            return false;
        }
        if self.order.len() >= self.cap {
            if let Some(old) = self.order.pop_front() {
                self.seen.remove(&old);
            }
        }
        self.seen.insert(key.clone());
        self.order.push_back(key);
        true
    }

    pub(crate) fn len(&self) -> usize {
        self.order.len()
    }
}

#[cfg(test)]
mod tests {
    use super::NonceCache;

    #[test]
    fn detects_replays_and_stays_bounded() {
        let mut c = NonceCache::new(2);
        assert!(c.insert("ak", "n1"));
        assert!(!c.insert("ak", "n1"));
        assert!(c.insert("other", "n1"), "nonces are per AccessKey");
        assert!(c.insert("ak", "n2"));
        assert_eq!(c.len(), 2);
        assert!(c.insert("ak", "n1"), "forgotten after eviction");
    }
}
