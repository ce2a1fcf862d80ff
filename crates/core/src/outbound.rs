//! Which addresses the portal may connect to when it fetches from other sites (harvesting,
//! migrating from CKAN, checking links): public ones only, unless an administrator allows
//! private ones. A URL given by a user must never make the server reach itself, its
//! network or a cloud's metadata service.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// Whether an outbound connection to `ip` is allowed; `allow_private` lets an
/// administrator reach loopback and private networks (tests use loopback).
pub fn may_reach(ip: IpAddr, allow_private: bool) -> bool {
    match ip {
        IpAddr::V4(v4) => v4_ok(v4, allow_private),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => v4_ok(v4, allow_private),
            None => v6_ok(v6, allow_private),
        },
    }
}

fn v4_ok(ip: Ipv4Addr, allow_private: bool) -> bool {
    let [a, b, ..] = ip.octets();
    // Never: nowhere, everywhere at once, or reserved.
    if ip.is_unspecified() || ip.is_broadcast() || ip.is_multicast() || a >= 240 || a == 0 {
        return false;
    }
    let private = ip.is_loopback()
        || ip.is_private()
        // Link-local, including cloud metadata services (169.254.169.254).
        || ip.is_link_local()
        // Carrier-grade NAT (100.64.0.0/10).
        || (a == 100 && (64..128).contains(&b));
    !private || allow_private
}

fn v6_ok(ip: Ipv6Addr, allow_private: bool) -> bool {
    if ip.is_unspecified() || ip.is_multicast() {
        return false;
    }
    let first = ip.segments()[0];
    let private = ip.is_loopback()
        // Unique local (fc00::/7) and link-local (fe80::/10).
        || (first & 0xfe00) == 0xfc00
        || (first & 0xffc0) == 0xfe80;
    !private || allow_private
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(s: &str) -> bool {
        may_reach(
            s.parse().unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED)),
            false,
        )
    }

    #[test]
    fn only_public_addresses_unless_allowed() {
        for public in ["200.12.34.56", "8.8.8.8", "2001:4860:4860::8888"] {
            assert!(ok(public), "{public}");
        }
        for private in [
            "127.0.0.1",
            "10.0.0.5",
            "172.16.3.4",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "255.255.255.255",
            "224.0.0.1",
            "::1",
            "fd00::1",
            "fe80::1",
            "::ffff:127.0.0.1",
            "::ffff:10.1.2.3",
        ] {
            assert!(!ok(private), "{private}");
        }
        // An administrator may allow private networks (tests: loopback), never the
        // unspecified or broadcast addresses.
        assert!(may_reach(
            "127.0.0.1"
                .parse()
                .unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED)),
            true
        ));
        assert!(!may_reach(IpAddr::V4(Ipv4Addr::UNSPECIFIED), true));
    }
}
