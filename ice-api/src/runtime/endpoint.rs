//! Where requests go: region → `https://ice.<region>.aliyuncs.com`, the VPC variant
//! `ice-vpc.<region>.aliyuncs.com`, or an explicit URL (a proxy, a local emulator,
//! `http://127.0.0.1:PORT` in tests).
//!
//! Note: the official Python SDK sends most regions to the global `ice.aliyuncs.com`; this crate
//! follows the documented regional rule instead (signing.md §9). Pass an explicit endpoint to
//! target the global host.

use std::fmt;

use reqwest::Url;

use super::config::ConfigError;

/// Regions documented for ICE (China site and international site).
pub const DOCUMENTED_REGIONS: &[&str] = &[
    "cn-shanghai",
    "cn-beijing",
    "cn-hangzhou",
    "cn-shenzhen",
    "ap-southeast-1",
    "us-west-1",
];

/// Which network the regional endpoint is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Network {
    /// Internet endpoint `ice.<region>.aliyuncs.com`.
    #[default]
    Public,
    /// VPC endpoint `ice-vpc.<region>.aliyuncs.com` (reachable only from inside Alibaba Cloud).
    Vpc,
}

/// A resolved endpoint: scheme, host and optional port. The path is always `/` (RPC style).
#[derive(Clone, PartialEq, Eq)]
pub struct Endpoint {
    https: bool,
    /// `host` or `host:port` exactly as sent in the `host` header (and signed).
    authority: String,
    /// `scheme://authority/`.
    base: String,
}

impl Endpoint {
    /// The regional endpoint for `region` on `network`.
    ///
    /// Region ids outside [`DOCUMENTED_REGIONS`] still follow the rule (with a debug log), so a
    /// new region works without an SDK update. Malformed ids are rejected.
    ///
    /// ```
    /// use ice_api::runtime::endpoint::{Endpoint, Network};
    /// let e = Endpoint::for_region("cn-shanghai", Network::Public).unwrap();
    /// assert_eq!(e.url(), "https://ice.cn-shanghai.aliyuncs.com/");
    /// let v = Endpoint::for_region("cn-beijing", Network::Vpc).unwrap();
    /// assert_eq!(v.host(), "ice-vpc.cn-beijing.aliyuncs.com");
    /// assert!(Endpoint::for_region("cn shanghai", Network::Public).is_err());
    /// ```
    pub fn for_region(region: &str, network: Network) -> Result<Self, ConfigError> {
        check_region(region)?;
        if !DOCUMENTED_REGIONS.contains(&region) {
            tracing::debug!(
                region,
                "region is not among ICE's documented regions; using ice.<region>.aliyuncs.com anyway"
            );
        }
        let prefix = match network {
            Network::Public => "ice",
            Network::Vpc => "ice-vpc",
        };
        let authority = format!("{prefix}.{region}.aliyuncs.com");
        Ok(Self {
            https: true,
            base: format!("https://{authority}/"),
            authority,
        })
    }

    /// An explicit endpoint: a full URL (`https://host`, `http://127.0.0.1:8080`) or a bare host
    /// name, which means `https://`. It must not carry a path other than `/`, a query or a
    /// fragment.
    ///
    /// ```
    /// use ice_api::runtime::endpoint::Endpoint;
    /// assert_eq!(Endpoint::parse("http://127.0.0.1:8080").unwrap().host(), "127.0.0.1:8080");
    /// assert_eq!(Endpoint::parse("ice.aliyuncs.com").unwrap().url(), "https://ice.aliyuncs.com/");
    /// assert!(Endpoint::parse("ftp://x").is_err());
    /// ```
    pub fn parse(endpoint: &str) -> Result<Self, ConfigError> {
        let trimmed = endpoint.trim();
        if trimmed.is_empty() {
            return Err(ConfigError::new("endpoint", "is empty"));
        }
        let with_scheme = if trimmed.contains("://") {
            trimmed.to_owned()
        } else {
            format!("https://{trimmed}")
        };
        let url = Url::parse(&with_scheme).map_err(|e| {
            ConfigError::new("endpoint", format!("{trimmed:?} is not a valid URL: {e}"))
        })?;
        let https = match url.scheme() {
            "https" => true,
            "http" => false,
            other => {
                return Err(ConfigError::new(
                    "endpoint",
                    format!("scheme {other:?} in {trimmed:?}, expected http or https"),
                ))
            }
        };
        let Some(host) = url.host_str().filter(|h| !h.is_empty()) else {
            return Err(ConfigError::new(
                "endpoint",
                format!("{trimmed:?} has no host"),
            ));
        };
        if !url.username().is_empty() || url.password().is_some() {
            return Err(ConfigError::new(
                "endpoint",
                "must not contain user information",
            ));
        }
        if url.path() != "/" && !url.path().is_empty() {
            return Err(ConfigError::new(
                "endpoint",
                format!(
                    "{trimmed:?} has path {:?}; ICE is served at \"/\"",
                    url.path()
                ),
            ));
        }
        if url.query().is_some() || url.fragment().is_some() {
            return Err(ConfigError::new(
                "endpoint",
                format!("{trimmed:?} must not have a query or fragment"),
            ));
        }
        // `Url::port` is `None` for the scheme's default port, which is then left out of `host`.
        let authority = match url.port() {
            Some(port) => format!("{host}:{port}"),
            None => host.to_owned(),
        };
        Ok(Self {
            https,
            base: format!("{}://{authority}/", url.scheme()),
            authority,
        })
    }

    /// The `host` header value: host, plus `:port` when it is not the scheme's default.
    pub fn host(&self) -> &str {
        &self.authority
    }

    /// The base URL, ending in `/`.
    pub fn url(&self) -> &str {
        &self.base
    }

    /// Whether requests use TLS.
    pub fn is_https(&self) -> bool {
        self.https
    }
}

impl fmt::Debug for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Endpoint({})", self.base)
    }
}

impl fmt::Display for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.base)
    }
}

/// Region ids are lower-case letters, digits and `-` (they become part of a host name).
pub(crate) fn check_region(region: &str) -> Result<(), ConfigError> {
    let ok = !region.is_empty()
        && region.len() <= 63
        && region
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !region.starts_with('-')
        && !region.ends_with('-');
    if ok {
        Ok(())
    } else {
        Err(ConfigError::new(
            "region",
            format!("{region:?} is not a region id (expected e.g. \"cn-shanghai\")"),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documented_regions_follow_the_regional_rule() {
        for r in DOCUMENTED_REGIONS {
            let e = Endpoint::for_region(r, Network::Public).unwrap();
            assert_eq!(e.url(), format!("https://ice.{r}.aliyuncs.com/"));
            assert!(e.is_https());
        }
    }

    #[test]
    fn unknown_well_formed_region_still_resolves() {
        let e = Endpoint::for_region("cn-guangzhou", Network::Vpc).unwrap();
        assert_eq!(e.host(), "ice-vpc.cn-guangzhou.aliyuncs.com");
    }

    #[test]
    fn explicit_endpoints_keep_non_default_ports_only() {
        let e = Endpoint::parse("http://127.0.0.1:18080/").unwrap();
        assert_eq!(e.host(), "127.0.0.1:18080");
        assert_eq!(e.url(), "http://127.0.0.1:18080/");
        assert!(!e.is_https());
        assert_eq!(
            Endpoint::parse("https://ice.aliyuncs.com:443")
                .unwrap()
                .host(),
            "ice.aliyuncs.com"
        );
        assert_eq!(
            Endpoint::parse("http://[::1]:9000").unwrap().host(),
            "[::1]:9000"
        );
    }

    #[test]
    fn bad_endpoints_are_errors_naming_the_problem() {
        for (bad, needle) in [
            ("", "empty"),
            ("http://", "not a valid URL"),
            ("https://h/api", "path"),
            ("https://h/?a=b", "query"),
            ("https://u:p@h", "user information"),
        ] {
            let err = Endpoint::parse(bad).unwrap_err();
            assert!(err.to_string().contains(needle), "{bad}: {err}");
        }
    }

    #[test]
    fn malformed_regions_are_rejected() {
        for bad in ["", "CN-SHANGHAI", "cn_shanghai", "-cn", "a.b"] {
            assert!(Endpoint::for_region(bad, Network::Public).is_err(), "{bad}");
        }
    }
}
