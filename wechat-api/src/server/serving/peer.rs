//! Which client a connection or request comes from, for the per-client
//! limits: an IPv4 address, or the /64 network of an IPv6 address (one
//! host usually holds a whole /64, so counting single IPv6 addresses would
//! give it billions of budgets).

use std::net::{IpAddr, Ipv4Addr};

/// One client, as the per-client limits count them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Peer {
    /// An IPv4 address (IPv4-mapped IPv6 addresses included).
    V4(Ipv4Addr),
    /// The first 64 bits of an IPv6 address.
    V6Net(u64),
}

impl Peer {
    /// The client `ip` belongs to.
    pub(crate) fn of(ip: IpAddr) -> Peer {
        match ip.to_canonical() {
            IpAddr::V4(v4) => Peer::V4(v4),
            IpAddr::V6(v6) => {
                // The /64 network: drop the interface identifier.
                let octets = v6.octets();
                let mut network = [0u8; 8];
                network.copy_from_slice(&octets[..8]);
                Peer::V6Net(u64::from_be_bytes(network))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ipv6_addresses_of_one_64_are_one_peer() {
        let a: IpAddr = "2001:db8:1:2::1".parse().unwrap();
        let b: IpAddr = "2001:db8:1:2:ffff::9".parse().unwrap();
        let c: IpAddr = "2001:db8:1:3::1".parse().unwrap();
        assert_eq!(Peer::of(a), Peer::of(b));
        assert_ne!(Peer::of(a), Peer::of(c));
    }

    #[test]
    fn ipv4_mapped_addresses_are_their_ipv4_address() {
        let mapped: IpAddr = "::ffff:192.0.2.7".parse().unwrap();
        let v4: IpAddr = "192.0.2.7".parse().unwrap();
        assert_eq!(Peer::of(mapped), Peer::of(v4));
        assert_ne!(Peer::of(v4), Peer::of("192.0.2.8".parse().unwrap()));
    }
}
