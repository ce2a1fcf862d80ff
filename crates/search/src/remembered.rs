//! Answers remembered until the index changes: each is kept with the reader's generation
//! it was computed at, and only that generation reads it back.

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};

/// Up to `capacity` answers by key; when full, those of older generations leave, and if
/// that is not enough, all of them.
pub struct Remembered<V> {
    map: Mutex<HashMap<String, (u64, V)>>,
    capacity: usize,
}

impl<V: Clone> Remembered<V> {
    pub fn new(capacity: usize) -> Self {
        Remembered {
            map: Mutex::new(HashMap::new()),
            capacity,
        }
    }

    /// The answer for `key` computed at `generation`.
    pub fn get(&self, key: &str, generation: u64) -> Option<V> {
        let map = self.map.lock().unwrap_or_else(PoisonError::into_inner);
        map.get(key)
            .filter(|(g, _)| *g == generation)
            .map(|(_, v)| v.clone())
    }

    pub fn put(&self, key: String, generation: u64, value: V) {
        let mut map = self.map.lock().unwrap_or_else(PoisonError::into_inner);
        if map.len() >= self.capacity {
            map.retain(|_, (g, _)| *g == generation);
            if map.len() >= self.capacity {
                map.clear();
            }
        }
        map.insert(key, (generation, value));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_hold_for_their_generation_and_room_is_made() {
        let r = Remembered::new(2);
        r.put("a".into(), 1, 10);
        assert_eq!(r.get("a", 1), Some(10));
        assert_eq!(r.get("a", 2), None);
        r.put("b".into(), 2, 20);
        // Full: the older generation leaves first.
        r.put("c".into(), 2, 30);
        assert_eq!(
            (r.get("a", 1), r.get("b", 2), r.get("c", 2)),
            (None, Some(20), Some(30))
        );
        r.put("d".into(), 2, 40);
        assert_eq!((r.get("b", 2), r.get("d", 2)), (None, Some(40)));
    }
}
