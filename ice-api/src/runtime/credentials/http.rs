//! The small HTTP client shared by providers that fetch credentials (STS, metadata, URI).

use std::sync::OnceLock;
use std::time::Duration;

use super::CredentialsError;

/// Largest response body a provider reads; credential documents are a few hundred bytes.
const MAX_BODY: usize = 64 * 1024;

/// A lazily built `reqwest` client with the provider's timeouts.
pub(crate) struct Http {
    connect_timeout: Duration,
    timeout: Duration,
    use_system_proxy: bool,
    client: OnceLock<Result<reqwest::Client, String>>,
}

impl Http {
    pub(crate) fn new(
        connect_timeout: Duration,
        timeout: Duration,
        use_system_proxy: bool,
    ) -> Self {
        Self {
            connect_timeout,
            timeout,
            use_system_proxy,
            client: OnceLock::new(),
        }
    }

    /// Same settings with other timeouts (the client is built on first use).
    pub(crate) fn with_timeouts(self, connect_timeout: Duration, timeout: Duration) -> Self {
        Self::new(connect_timeout, timeout, self.use_system_proxy)
    }

    /// Same settings, with or without the system proxy (`HTTP(S)_PROXY`).
    pub(crate) fn with_system_proxy(self, use_system_proxy: bool) -> Self {
        Self::new(self.connect_timeout, self.timeout, use_system_proxy)
    }

    pub(crate) fn timeouts(&self) -> (Duration, Duration) {
        (self.connect_timeout, self.timeout)
    }

    pub(crate) fn client(&self, provider: &str) -> Result<&reqwest::Client, CredentialsError> {
        let built = self.client.get_or_init(|| {
            let mut b = crate::runtime::tls::client_builder()
                .map_err(|e| e.to_string())?
                .connect_timeout(self.connect_timeout)
                .timeout(self.timeout);
            if !self.use_system_proxy {
                b = b.no_proxy();
            }
            b.build().map_err(|e| e.without_url().to_string())
        });
        built
            .as_ref()
            .map_err(|e| CredentialsError::new(provider, format!("cannot build HTTP client: {e}")))
    }
}

/// Sends `req` and reads a bounded body; transport errors name `what` but never the query string
/// (a V2-signed URL carries the signature).
pub(crate) async fn send(
    provider: &str,
    what: &str,
    req: reqwest::RequestBuilder,
) -> Result<(u16, String), CredentialsError> {
    let mut resp = req
        .send()
        .await
        .map_err(|e| transport(provider, what, &e))?;
    let status = resp.status().as_u16();
    let mut body = Vec::new();
    while let Some(chunk) = resp
        .chunk()
        .await
        .map_err(|e| transport(provider, what, &e))?
    {
        if body.len() + chunk.len() > MAX_BODY {
            return Err(CredentialsError::new(
                provider,
                format!("{what}: response body larger than {MAX_BODY} bytes (HTTP {status})"),
            ));
        }
        body.extend_from_slice(&chunk);
    }
    Ok((status, String::from_utf8_lossy(&body).into_owned()))
}

fn transport(provider: &str, what: &str, e: &reqwest::Error) -> CredentialsError {
    let kind = if e.is_timeout() {
        "timed out"
    } else if e.is_connect() {
        "could not connect"
    } else {
        "failed"
    };
    let mut detail = String::new();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        detail.push_str(": ");
        detail.push_str(&s.to_string());
        source = s.source();
    }
    CredentialsError::new(provider, format!("{what} {kind}{detail}"))
}

/// `scheme://host[:port]/path` of `url` without query, for messages.
pub(crate) fn display_url(url: &str) -> &str {
    url.split(['?', '#']).next().unwrap_or(url)
}

/// Whether `url` points at this machine (a proxy must not be used for it).
pub(crate) fn is_loopback(url: &str) -> bool {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let host = rest.split(['/', '?', '#']).next().unwrap_or(rest);
    let host = match host.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or(v6),
        None => host.split(':').next().unwrap_or(host),
    };
    host == "localhost"
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

#[cfg(test)]
mod tests {
    use super::is_loopback;

    #[test]
    fn loopback_hosts() {
        for url in [
            "http://127.0.0.1:8080",
            "http://localhost/x",
            "http://[::1]:9/",
            "127.0.0.2",
        ] {
            assert!(is_loopback(url), "{url}");
        }
        for url in [
            "https://sts.aliyuncs.com",
            "http://100.100.100.200",
            "http://10.0.0.1:80",
        ] {
            assert!(!is_loopback(url), "{url}");
        }
    }
}
