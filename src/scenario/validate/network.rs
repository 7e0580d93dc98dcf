//! `[network]` validated: a loopback host, one port per machine, and the simulated link times.

use std::net::IpAddr;

use super::{one_per_machine, Invalid};
use crate::scenario::limits::MAX_LATENCY_US;
use crate::scenario::model::default_latency_us;
use crate::scenario::raw::{RawNetwork, ScenarioError};

/// `[network]`, every key checked and defaulted.
pub(super) struct Network {
    pub host: IpAddr,
    pub ports: Vec<u16>,
    pub latency_us: u64,
    pub jitter_us: u64,
}

/// Check `[network]` for `machines` machines, in key order: host, ports, latency, jitter.
pub(super) fn network(
    raw: RawNetwork,
    machines: u32,
    invalid: Invalid,
) -> Result<Network, ScenarioError> {
    Ok(Network {
        host: host(&raw, invalid)?,
        ports: ports(raw.ports, machines, invalid)?,
        latency_us: link_us(
            "network.latency_us",
            raw.latency_us,
            default_latency_us(),
            invalid,
        )?,
        jitter_us: link_us("network.jitter_us", raw.jitter_us, 0, invalid)?,
    })
}

/// `[network] host`: a loopback address only, so a run never listens beyond this host.
fn host(network: &RawNetwork, invalid: Invalid) -> Result<IpAddr, ScenarioError> {
    let host_text = network.host.as_deref().unwrap_or("127.0.0.1");
    let host: IpAddr = host_text.parse().map_err(|_| {
        invalid.at(
            "network.host",
            format!("is {host_text:?}; allowed: a loopback IP address such as 127.0.0.1 or ::1"),
        )
    })?;
    if !host.is_loopback() {
        return Err(invalid.at(
            "network.host",
            format!("is {host}; allowed: a loopback address only (127.0.0.0/8 or ::1)"),
        ));
    }
    // The broadcast address of 127.0.0.0/8: a machine can listen there, but nothing can connect.
    if host == IpAddr::from([127, 255, 255, 255]) {
        return Err(invalid.at(
            "network.host",
            format!(
                "is {host}, the broadcast address of 127.0.0.0/8, where no machine can be reached; \
                 allowed: a loopback address from 127.0.0.1 to 127.255.255.254, or ::1"
            ),
        ));
    }
    Ok(host)
}

/// `[network] ports`: one per machine, distinct unless 0 (automatic).
fn ports(
    ports: Option<Vec<i64>>,
    machines: u32,
    invalid: Invalid,
) -> Result<Vec<u16>, ScenarioError> {
    let Some(ports) = ports else {
        return Ok(vec![0; machines as usize]);
    };
    one_per_machine("network.ports", &ports, machines, invalid)?;
    let mut out = Vec::with_capacity(ports.len());
    for p in ports {
        if !(0..=65535).contains(&p) {
            return Err(invalid.at(
                "network.ports",
                format!("has {p}; allowed: 0 (automatic) or 1 to 65535"),
            ));
        }
        let p = p as u16;
        if p != 0 && out.contains(&p) {
            return Err(invalid.at(
                "network.ports",
                format!("has {p} twice; allowed: distinct ports"),
            ));
        }
        out.push(p);
    }
    Ok(out)
}

/// A simulated link time (`network.latency_us`, `network.jitter_us`), real microseconds.
fn link_us(
    key: &str,
    value: Option<i64>,
    default: u64,
    invalid: Invalid,
) -> Result<u64, ScenarioError> {
    let value = value.unwrap_or(default as i64);
    if !(0..=MAX_LATENCY_US).contains(&value) {
        return Err(invalid.at(
            key,
            format!("is {value}; allowed: 0 to {MAX_LATENCY_US} real microseconds"),
        ));
    }
    Ok(value as u64)
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use crate::scenario::{Overrides, Scenario};

    #[test]
    fn link_times_beyond_a_minute_or_below_zero_are_refused_naming_their_key() {
        for (text, expected) in [
            (
                "[network]\nlatency_us = 60000001",
                "`network.latency_us` is 60000001; allowed: 0 to 60000000 real microseconds",
            ),
            (
                "[network]\njitter_us = -1",
                "`network.jitter_us` is -1; allowed: 0 to 60000000 real microseconds",
            ),
        ] {
            let e = Scenario::parse(text, Path::new("n.toml"), &Overrides::default())
                .unwrap_err()
                .to_string();
            assert_eq!(e, format!("invalid scenario n.toml: {expected}"), "{text}");
        }
        let s = Scenario::parse(
            "seed = 1\n[network]\nlatency_us = 0\njitter_us = 60000000",
            Path::new("n.toml"),
            &Overrides::default(),
        )
        .unwrap();
        assert_eq!((s.latency_us, s.jitter_us), (0, 60_000_000));
    }
}
