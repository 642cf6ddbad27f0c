//! The TLS setup of every HTTP client in the crate: rustls with the `ring` crypto provider,
//! TLS 1.2 and 1.3, ALPN `http/1.1`, and Mozilla's root certificates compiled in
//! (`webpki-roots`), as reqwest 0.12's `rustls-tls` had it: nothing is read from the system and
//! a container without a CA bundle still connects.
//!
//! The configuration is handed to reqwest ready-made, so no process-wide crypto provider is
//! installed (an application may install its own) and reqwest's `rustls` feature, which builds
//! the aws-lc-rs C library, is not needed.

use std::sync::Arc;

/// A `reqwest` client builder with the crate's TLS configuration; callers add their timeouts,
/// proxy and redirect settings. Fails only if rustls rejects its own default protocol versions.
pub(crate) fn client_builder() -> Result<reqwest::ClientBuilder, rustls::Error> {
    let roots = rustls::RootCertStore {
        roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
    };
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()?
        .with_root_certificates(roots)
        .with_no_client_auth();
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(reqwest::Client::builder().tls_backend_preconfigured(config))
}

#[cfg(test)]
mod tests {
    use tokio::io::AsyncReadExt;
    use tokio::net::TcpListener;

    /// What a server sees first from an `https://` request: a TLS ClientHello naming the host
    /// (SNI) and offering `http/1.1` (ALPN); the client then fails cleanly, without a panic,
    /// when the "server" hangs up.
    #[tokio::test]
    async fn https_requests_open_with_a_client_hello() {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let server = tokio::spawn(async move {
            let (mut sock, _) = listener.accept().await.unwrap();
            let mut header = [0u8; 5];
            sock.read_exact(&mut header).await.unwrap();
            let len = usize::from(u16::from_be_bytes([header[3], header[4]]));
            let mut hello = vec![0u8; len];
            sock.read_exact(&mut hello).await.unwrap();
            (header, hello)
        });
        let client = super::client_builder()
            .unwrap()
            .resolve("ice.example", ([127, 0, 0, 1], port).into())
            .build()
            .unwrap();
        let result = client
            .get(format!("https://ice.example:{port}/"))
            .send()
            .await;
        let (header, hello) = server.await.unwrap();
        assert_eq!(header[0], 0x16, "a TLS handshake record");
        assert_eq!(hello[0], 0x01, "a ClientHello");
        let contains = |needle: &[u8]| hello.windows(needle.len()).any(|w| w == needle);
        assert!(contains(b"ice.example"), "SNI names the host");
        assert!(contains(b"http/1.1"), "ALPN offers http/1.1");
        assert!(result.is_err());
    }
}
