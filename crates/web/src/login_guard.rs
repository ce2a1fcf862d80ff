//! Slows password guessing without letting anyone lock an owner out of their account.
//!
//! Failed sign-ins are counted three ways within a [`WINDOW`]:
//! - per client address (any name): a guesser is stopped after [`PER_ADDRESS`];
//! - per account name and address: one place is stopped after [`PER_PAIR`] on one name;
//! - per account name from browsers that never signed in to it: after [`PER_ACCOUNT`],
//!   only a browser that has signed in to the account before (its `ceiba_browser`
//!   cookie, see `store::audit`) may still try — so guessing spread over many addresses
//!   stops, and the owner, on their own browser, still gets in.
//!
//! Each map is bounded ([`MAX_KEYS`]); when one is full, expired and then non-blocking
//! entries go first, so a flood of random names cannot wipe out the records that are
//! holding a guesser back.

use std::collections::HashMap;
use std::hash::Hash;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

pub const PER_ADDRESS: u32 = 20;
pub const PER_PAIR: u32 = 5;
pub const PER_ACCOUNT: u32 = 50;
pub const WINDOW: Duration = Duration::from_secs(15 * 60);
const MAX_KEYS: usize = 100_000;

/// Why a sign-in is refused for now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// Too many failures from this address.
    Address,
    /// Too many failures for this account from this address, or from browsers the account
    /// has never signed in from.
    Account,
}

#[derive(Debug, Default)]
pub struct LoginGuard {
    by_address: Mutex<Counts<String>>,
    by_pair: Mutex<Counts<(String, String)>>,
    by_account: Mutex<Counts<String>>,
}

/// Who is trying: the name typed, the client's address and whether the browser has
/// signed in to that account before.
#[derive(Debug, Clone)]
pub struct Attempt {
    name: String,
    address: String,
    known_browser: bool,
}

impl Attempt {
    pub fn new(name: &str, address: Option<IpAddr>, known_browser: bool) -> Attempt {
        Attempt {
            name: name.trim().to_lowercase(),
            address: address.map_or_else(|| "unknown".to_owned(), address_key),
            known_browser,
        }
    }
}

/// The key an address is counted under: IPv6 clients usually hold a whole /64, so they
/// are counted by it.
fn address_key(ip: IpAddr) -> String {
    match ip {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => {
                let s = v6.segments();
                format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
            }
        },
    }
}

impl LoginGuard {
    /// Whether this attempt is refused for now, and why.
    pub fn check(&self, a: &Attempt) -> Option<Refusal> {
        if blocked(&self.by_address, &a.address, PER_ADDRESS) {
            return Some(Refusal::Address);
        }
        if blocked(
            &self.by_pair,
            &(a.name.clone(), a.address.clone()),
            PER_PAIR,
        ) {
            return Some(Refusal::Account);
        }
        if !a.known_browser && blocked(&self.by_account, &a.name, PER_ACCOUNT) {
            return Some(Refusal::Account);
        }
        None
    }

    pub fn failed(&self, a: &Attempt) {
        count(&self.by_address, a.address.clone(), PER_ADDRESS);
        count(&self.by_pair, (a.name.clone(), a.address.clone()), PER_PAIR);
        if !a.known_browser {
            count(&self.by_account, a.name.clone(), PER_ACCOUNT);
        }
    }

    /// A right password clears what this name had against it from this place. The
    /// address's own count stays: otherwise a guesser could reset it by signing in to an
    /// account of their own between guesses.
    pub fn succeeded(&self, a: &Attempt) {
        if let Ok(mut m) = self.by_pair.lock() {
            m.0.remove(&(a.name.clone(), a.address.clone()));
        }
    }
}

#[derive(Debug)]
struct Counts<K>(HashMap<K, (u32, Instant)>);

impl<K> Default for Counts<K> {
    fn default() -> Self {
        Counts(HashMap::new())
    }
}

fn blocked<K: Eq + Hash>(m: &Mutex<Counts<K>>, key: &K, max: u32) -> bool {
    let Ok(m) = m.lock() else { return false };
    m.0.get(key)
        .is_some_and(|(n, since)| *n >= max && since.elapsed() < WINDOW)
}

fn count<K: Eq + Hash>(m: &Mutex<Counts<K>>, key: K, max: u32) {
    let Ok(mut m) = m.lock() else { return };
    let map = &mut m.0;
    if map.len() >= MAX_KEYS && !map.contains_key(&key) {
        map.retain(|_, (_, since)| since.elapsed() < WINDOW);
        if map.len() >= MAX_KEYS {
            // Records that hold someone back stay; the others make room.
            map.retain(|_, (n, _)| *n >= max);
        }
        if map.len() >= MAX_KEYS {
            // Every record is blocking: the oldest goes, so memory stays bounded.
            if let Some(oldest) = map.values().map(|(_, since)| *since).min() {
                map.retain(|_, (_, since)| *since != oldest);
            }
        }
    }
    let entry = map.entry(key).or_insert((0, Instant::now()));
    if entry.1.elapsed() >= WINDOW {
        *entry = (0, Instant::now());
    }
    entry.0 = entry.0.saturating_add(1);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> Option<IpAddr> {
        s.parse().ok()
    }

    #[test]
    fn one_place_guessing_one_name_is_stopped_but_the_owner_elsewhere_is_not() {
        let g = LoginGuard::default();
        let guesser = Attempt::new("Ana", ip("203.0.113.9"), false);
        for _ in 0..PER_PAIR {
            assert_eq!(g.check(&guesser), None);
            g.failed(&guesser);
        }
        assert_eq!(g.check(&guesser), Some(Refusal::Account));
        assert_eq!(
            g.check(&Attempt::new("ana ", ip("198.51.100.7"), false)),
            None
        );
        assert_eq!(
            g.check(&Attempt::new("beto", ip("203.0.113.9"), false)),
            None
        );
    }

    #[test]
    fn one_place_guessing_many_names_is_stopped() {
        let g = LoginGuard::default();
        for i in 0..PER_ADDRESS {
            g.failed(&Attempt::new(&format!("n{i}"), ip("203.0.113.9"), false));
        }
        let next = Attempt::new("otra", ip("203.0.113.9"), false);
        assert_eq!(g.check(&next), Some(Refusal::Address));
        // The same /64 of IPv6 counts as one place.
        for i in 0..PER_ADDRESS {
            g.failed(&Attempt::new(
                &format!("n{i}"),
                ip("2001:db8:1:2::1"),
                false,
            ));
        }
        let v6 = Attempt::new("otra", ip("2001:db8:1:2:ffff::9"), false);
        assert_eq!(g.check(&v6), Some(Refusal::Address));
    }

    #[test]
    fn signing_in_to_ones_own_account_does_not_reset_the_address() {
        let g = LoginGuard::default();
        for i in 0..PER_ADDRESS - 1 {
            g.failed(&Attempt::new(&format!("n{i}"), ip("203.0.113.9"), false));
        }
        g.succeeded(&Attempt::new("mia", ip("203.0.113.9"), false));
        g.failed(&Attempt::new("otra", ip("203.0.113.9"), false));
        let next = Attempt::new("otra2", ip("203.0.113.9"), false);
        assert_eq!(g.check(&next), Some(Refusal::Address));
    }

    #[test]
    fn guessing_from_many_places_spares_the_owners_browser() {
        let g = LoginGuard::default();
        for i in 0..PER_ACCOUNT {
            let a = Attempt::new("ana", ip(&format!("10.0.{}.{}", i / 200, i % 200)), false);
            g.failed(&a);
        }
        let stranger = Attempt::new("ana", ip("192.0.2.1"), false);
        assert_eq!(g.check(&stranger), Some(Refusal::Account));
        let owner = Attempt::new("ana", ip("192.0.2.1"), true);
        assert_eq!(g.check(&owner), None);
    }

    #[test]
    fn a_flood_of_random_names_does_not_free_a_blocked_guesser() {
        let g = LoginGuard::default();
        let guesser = Attempt::new("ana", ip("203.0.113.9"), false);
        for _ in 0..PER_PAIR {
            g.failed(&guesser);
        }
        for i in 0..(MAX_KEYS + 10) {
            let a = Attempt::new(
                &format!("x{i}"),
                ip(&format!("10.{}.{}.1", i / 250 % 250, i % 250)),
                false,
            );
            g.failed(&a);
        }
        assert_eq!(g.check(&guesser), Some(Refusal::Account));
        assert!(g.by_pair.lock().map(|m| m.0.len()).unwrap_or(0) <= MAX_KEYS);
    }
}
