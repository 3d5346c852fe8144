//! Network exposure helpers for security-group, NACL and policy rules: CIDR blocks, port ranges
//! and protocols as AWS spells them.
//!
//! ```
//! use lgp_sdk::net::{exposes_port, is_world_cidr, Protocol};
//!
//! assert!(is_world_cidr("0.0.0.0/0") && is_world_cidr("::/0"));
//! // An ingress rule "all traffic" (-1) from anywhere exposes SSH.
//! assert!(exposes_port("-1", None, None, Protocol::Tcp, 22));
//! assert!(!exposes_port("tcp", Some(443), Some(443), Protocol::Tcp, 22));
//! ```

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::str::FromStr;

/// Why a CIDR block could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CidrError(String);

impl fmt::Display for CidrError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid CIDR block {:?}", self.0)
    }
}

impl std::error::Error for CidrError {}

/// An IPv4 or IPv6 network such as `10.0.0.0/8` or `2001:db8::/32`. A bare address is a /32
/// (or /128).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cidr {
    addr: IpAddr,
    prefix: u8,
}

impl FromStr for Cidr {
    type Err = CidrError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let err = || CidrError(s.to_owned());
        let (addr, prefix) = match s.trim().split_once('/') {
            Some((a, p)) => (a, Some(p)),
            None => (s.trim(), None),
        };
        let addr: IpAddr = addr.parse().map_err(|_| err())?;
        let max = if addr.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            Some(p) => p.parse::<u8>().map_err(|_| err())?,
            None => max,
        };
        if prefix > max {
            return Err(err());
        }
        Ok(Cidr { addr, prefix })
    }
}

impl fmt::Display for Cidr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.addr, self.prefix)
    }
}

impl Cidr {
    /// The prefix length.
    pub fn prefix(&self) -> u8 {
        self.prefix
    }

    /// Whether the block is the whole address space of its family (`/0`).
    pub fn is_world(&self) -> bool {
        self.prefix == 0
    }

    /// Whether `ip` lies in the block (never across address families).
    pub fn contains(&self, ip: IpAddr) -> bool {
        match (self.addr, ip) {
            (IpAddr::V4(net), IpAddr::V4(ip)) => {
                let mask = u32::MAX
                    .checked_shl(32 - u32::from(self.prefix))
                    .unwrap_or(0);
                u32::from(net) & mask == u32::from(ip) & mask
            }
            (IpAddr::V6(net), IpAddr::V6(ip)) => {
                let mask = u128::MAX
                    .checked_shl(128 - u32::from(self.prefix))
                    .unwrap_or(0);
                u128::from(net) & mask == u128::from(ip) & mask
            }
            _ => false,
        }
    }

    /// Whether the block contains only private, loopback or link-local addresses (RFC 1918,
    /// 100.64/10, 127/8, 169.254/16; fc00::/7, fe80::/10, ::1).
    pub fn is_private(&self) -> bool {
        const V4: &[(Ipv4Addr, u8)] = &[
            (Ipv4Addr::new(10, 0, 0, 0), 8),
            (Ipv4Addr::new(172, 16, 0, 0), 12),
            (Ipv4Addr::new(192, 168, 0, 0), 16),
            (Ipv4Addr::new(100, 64, 0, 0), 10),
            (Ipv4Addr::new(127, 0, 0, 0), 8),
            (Ipv4Addr::new(169, 254, 0, 0), 16),
        ];
        const V6: &[(Ipv6Addr, u8)] = &[
            (Ipv6Addr::new(0xfc00, 0, 0, 0, 0, 0, 0, 0), 7),
            (Ipv6Addr::new(0xfe80, 0, 0, 0, 0, 0, 0, 0), 10),
            (Ipv6Addr::LOCALHOST, 128),
        ];
        let within = |net: Cidr| net.prefix <= self.prefix && net.contains(self.addr);
        match self.addr {
            IpAddr::V4(_) => V4.iter().any(|&(a, p)| {
                within(Cidr {
                    addr: a.into(),
                    prefix: p,
                })
            }),
            IpAddr::V6(_) => V6.iter().any(|&(a, p)| {
                within(Cidr {
                    addr: a.into(),
                    prefix: p,
                })
            }),
        }
    }
}

/// Whether `cidr` is the whole IPv4 or IPv6 internet (`0.0.0.0/0`, `::/0`). Malformed input is
/// not world-open.
pub fn is_world_cidr(cidr: &str) -> bool {
    cidr.parse::<Cidr>().is_ok_and(|c| c.is_world())
}

/// An inclusive port range.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PortRange {
    /// First port.
    pub from: u16,
    /// Last port.
    pub to: u16,
}

impl PortRange {
    /// Every port.
    pub const ALL: PortRange = PortRange { from: 0, to: 65535 };

    /// The range of an AWS rule's `FromPort`/`ToPort`: absent or `-1` means all ports (as for
    /// protocol `-1`); other out-of-range values clamp into 0..=65535.
    pub fn from_aws(from: Option<i64>, to: Option<i64>) -> Self {
        match (from, to) {
            (None, _) | (_, None) | (Some(-1), _) | (_, Some(-1)) => Self::ALL,
            (Some(f), Some(t)) => {
                let clamp = |p: i64| u16::try_from(p.clamp(0, 65535)).unwrap_or(u16::MAX);
                PortRange {
                    from: clamp(f.min(t)),
                    to: clamp(f.max(t)),
                }
            }
        }
    }

    /// Whether the range includes `port`.
    pub fn covers(&self, port: u16) -> bool {
        self.from <= port && port <= self.to
    }

    /// Whether the range is every port.
    pub fn is_all(&self) -> bool {
        *self == Self::ALL
    }
}

/// An IP protocol as AWS rules name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Protocol {
    /// `-1` or `all`: all traffic.
    All,
    /// `tcp` or `6`.
    Tcp,
    /// `udp` or `17`.
    Udp,
    /// `icmp` or `1`.
    Icmp,
    /// `icmpv6` or `58`.
    Icmpv6,
    /// Any other protocol number.
    Other(u8),
}

impl Protocol {
    /// Reads AWS's spelling (`-1`, `all`, `tcp`, `6`, …); `None` when unrecognized.
    pub fn parse(s: &str) -> Option<Self> {
        let s = s.trim();
        Some(match s.to_ascii_lowercase().as_str() {
            "-1" | "all" => Protocol::All,
            "tcp" | "6" => Protocol::Tcp,
            "udp" | "17" => Protocol::Udp,
            "icmp" | "1" => Protocol::Icmp,
            "icmpv6" | "58" => Protocol::Icmpv6,
            other => Protocol::Other(other.parse().ok()?),
        })
    }

    /// Whether a rule for this protocol carries traffic of protocol `wanted`.
    pub fn includes(self, wanted: Protocol) -> bool {
        self == Protocol::All || self == wanted
    }
}

/// Whether a rule with AWS `protocol` and `from`/`to` ports lets `wanted` traffic reach `port`.
/// Protocol `-1` is all traffic on all ports, whatever the ports say; an unrecognized protocol
/// exposes nothing.
pub fn exposes_port(
    protocol: &str,
    from: Option<i64>,
    to: Option<i64>,
    wanted: Protocol,
    port: u16,
) -> bool {
    match Protocol::parse(protocol) {
        Some(Protocol::All) => true,
        Some(p) => p.includes(wanted) && PortRange::from_aws(from, to).covers(port),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cidr(s: &str) -> Cidr {
        s.parse().expect("valid cidr")
    }

    #[test]
    fn cidrs() {
        assert!(is_world_cidr("0.0.0.0/0"));
        assert!(is_world_cidr("::/0"));
        assert!(!is_world_cidr("0.0.0.0/1"));
        assert!(!is_world_cidr("10.0.0.0/8"));
        assert!(!is_world_cidr("garbage"));
        assert!(cidr("10.0.0.0/8").contains("10.1.2.3".parse().expect("ip")));
        assert!(!cidr("10.0.0.0/8").contains("11.0.0.1".parse().expect("ip")));
        assert!(!cidr("0.0.0.0/0").contains("::1".parse().expect("ip")));
        assert!(cidr("2001:db8::/32").contains("2001:db8::1".parse().expect("ip")));
        assert_eq!(cidr("192.168.1.1").prefix(), 32);
        assert!("10.0.0.0/33".parse::<Cidr>().is_err());
        assert!(cidr("10.1.0.0/16").is_private());
        assert!(cidr("fd00::/8").is_private());
        assert!(!cidr("10.0.0.0/7").is_private());
        assert!(!cidr("8.8.8.8/32").is_private());
        assert_eq!(cidr("10.0.0.0/8").to_string(), "10.0.0.0/8");
    }

    #[test]
    fn ports_and_protocols() {
        assert!(PortRange::from_aws(Some(20), Some(25)).covers(22));
        assert!(!PortRange::from_aws(Some(80), Some(80)).covers(22));
        assert!(PortRange::from_aws(Some(-1), Some(-1)).is_all());
        assert!(PortRange::from_aws(None, None).is_all());
        assert!(exposes_port("-1", Some(80), Some(80), Protocol::Tcp, 22));
        assert!(exposes_port("6", Some(0), Some(65535), Protocol::Tcp, 3389));
        assert!(!exposes_port("udp", Some(22), Some(22), Protocol::Tcp, 22));
        assert!(!exposes_port("bogus", None, None, Protocol::Tcp, 22));
        assert_eq!(Protocol::parse("47"), Some(Protocol::Other(47)));
    }
}
