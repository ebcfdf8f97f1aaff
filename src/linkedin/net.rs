//! How the client reaches the network, decided from the settings for one origin: the timeouts
//! and retries, the proxy (from the environment's variables, never for loopback), the
//! certificates trusted besides the built-in roots (`SSL_CERT_FILE`), and the words for what
//! goes wrong on the way (a certificate, a proxy).

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use reqwest::Url;

use super::origin::Origin;
use crate::error::{Error, Result};
use crate::text;

/// A browser-like user agent, as the contract asks for.
pub const USER_AGENT: &str = default_user_agent();

/// The User-Agent of a session that came with none (pasted by hand, stdin, a cookies.txt): one
/// current desktop Chrome's on this machine's platform, the same on every call.
pub const fn default_user_agent() -> &'static str {
    if cfg!(target_os = "macos") {
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/142.0.0.0 Safari/537.36"
    } else if cfg!(windows) {
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/142.0.0.0 Safari/537.36"
    } else {
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/142.0.0.0 Safari/537.36"
    }
}

/// How the client talks to the network; resolved from flags by the command layer.
#[derive(Clone, Debug)]
pub struct NetConfig {
    pub origin: Origin,
    /// For one whole request, connect to last byte.
    pub timeout: Duration,
    /// Further attempts after a 429, 999 or 5xx.
    pub retries: u32,
    /// The most one request waits between its attempts, in total.
    pub max_wait: Duration,
    /// A reply body larger than this is an error, never an out-of-memory.
    pub max_body: u64,
    /// The pause between one account's requests, and how far it may vary (0.3 = ±30 %).
    pub delay: Duration,
    pub delay_spread: f64,
    /// The proxy every request goes through (`http://host:port`, perhaps with credentials);
    /// `None` for none. Never set for a loopback origin.
    pub proxy: Option<String>,
    /// Certificates trusted besides the built-in roots (`SSL_CERT_FILE`), as DER.
    pub extra_roots: Vec<Vec<u8>>,
}

impl NetConfig {
    pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
    pub const DEFAULT_RETRIES: u32 = 3;
    pub const DEFAULT_MAX_WAIT: Duration = Duration::from_secs(60);
    pub const DEFAULT_MAX_BODY: u64 = 8 * 1024 * 1024;
    /// The pause between one account's requests against LinkedIn (the contract: about 1 to 3 s,
    /// with jitter): 2 s ± 50 %.
    pub const POLITE_DELAY: Duration = Duration::from_millis(2000);
    pub const POLITE_SPREAD: f64 = 0.5;

    /// Paces one account's requests: `delay_ms` (± 50 %) when given, else none on loopback (the
    /// sandbox, tests) and the polite pause against anything else.
    pub fn pace(&mut self, delay_ms: Option<u64>) {
        self.delay = match (delay_ms, self.origin.is_loopback()) {
            (Some(ms), _) => Duration::from_millis(ms),
            (None, true) => Duration::ZERO,
            (None, false) => Self::POLITE_DELAY,
        };
        self.delay_spread = Self::POLITE_SPREAD;
    }

    pub fn new(origin: Origin) -> NetConfig {
        NetConfig {
            origin,
            timeout: Self::DEFAULT_TIMEOUT,
            retries: Self::DEFAULT_RETRIES,
            max_wait: Self::DEFAULT_MAX_WAIT,
            max_body: Self::DEFAULT_MAX_BODY,
            delay: Duration::ZERO,
            delay_spread: 0.0,
            proxy: None,
            extra_roots: Vec::new(),
        }
    }
}

/// The proxy variables of the environment, as read (`https_proxy`/`HTTPS_PROXY`,
/// `http_proxy`/`HTTP_PROXY`, `all_proxy`/`ALL_PROXY`, `no_proxy`/`NO_PROXY`; the lower-case name
/// first, as curl reads them).
#[derive(Clone, Debug, Default)]
pub struct ProxyEnv {
    pub https: Option<String>,
    pub http: Option<String>,
    pub all: Option<String>,
    pub no_proxy: Option<String>,
}

/// The built-in roots (Mozilla's, compiled in), and the certificates `SSL_CERT_FILE` adds.
pub(crate) fn rustls_config(
    extra: &[Vec<u8>],
) -> std::result::Result<rustls::ClientConfig, String> {
    let mut roots = rustls::RootCertStore {
        roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
    };
    for (i, der) in extra.iter().enumerate() {
        roots
            .add(rustls::pki_types::CertificateDer::from(der.clone()))
            .map_err(|e| format!("certificate {} of SSL_CERT_FILE cannot be used: {e}", i + 1))?;
    }
    Ok(rustls::ClientConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .expect("ring supports the default TLS versions")
    .with_root_certificates(roots)
    .with_no_client_auth())
}

/// What is wrong with the server's certificate, when that is why the connection failed.
pub(crate) fn certificate_problem(e: &reqwest::Error) -> Option<String> {
    let mut current: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(err) = current {
        if let Some(tls) = err.downcast_ref::<rustls::Error>()
            && matches!(
                tls,
                rustls::Error::InvalidCertificate(_)
                    | rustls::Error::NoCertificatesPresented
                    | rustls::Error::UnsupportedNameType
            )
        {
            return Some(text::clean_line(&tls.to_string(), text::MAX_SHOWN));
        }
        current = err.source();
    }
    let last = innermost(e);
    last.contains("certificate").then_some(last)
}

/// A proxy's address as shown: scheme, host and port only (never its user name, password,
/// path or query, which may hold a secret).
pub fn without_credentials(proxy: &str) -> String {
    match Url::parse(proxy) {
        Ok(url) => {
            let host = url.host_str().unwrap_or("?");
            let shown = match url.port() {
                Some(port) => format!("{}://{host}:{port}", url.scheme()),
                None => format!("{}://{host}", url.scheme()),
            };
            text::clean_line(&shown, 200)
        }
        Err(_) => "(the proxy)".to_string(),
    }
}

/// The last message of an error chain: the one that says what actually went wrong. It may quote
/// the server (a certificate's names), so it is cleaned and capped.
pub(crate) fn innermost(e: &(dyn std::error::Error + 'static)) -> String {
    let mut current = e;
    while let Some(next) = current.source() {
        current = next;
    }
    text::clean_line(&current.to_string(), text::MAX_SHOWN)
}

/// The certificates in a PEM bundle (`SSL_CERT_FILE`), as DER, each checked to be one a root
/// store takes.
pub fn extra_roots(path: &Path) -> Result<Vec<Vec<u8>>> {
    use rustls::pki_types::pem::PemObject as _;
    let bad = |why: String| {
        Error::usage(
            format!("SSL_CERT_FILE {}: {why}", path.display()),
            Some("point SSL_CERT_FILE at a PEM file of CA certificates, or unset it".to_string()),
        )
    };
    // A pipe or a device would never end: only a regular file, of a bundle's size.
    let bytes = crate::fsx::read_capped(path, 16 * 1024 * 1024).map_err(|e| bad(e.to_string()))?;
    let certs = rustls::pki_types::CertificateDer::pem_slice_iter(&bytes)
        .map(|c| c.map(|c| c.to_vec()))
        .collect::<std::result::Result<Vec<_>, _>>()
        .map_err(|e| bad(format!("it is not a PEM file ({e})")))?;
    if certs.is_empty() {
        return Err(bad("it holds no PEM certificate".to_string()));
    }
    // Each one must be a certificate a root store takes: said here, by name, not later as a
    // network failure.
    let mut store = rustls::RootCertStore::empty();
    for (i, der) in certs.iter().enumerate() {
        store
            .add(rustls::pki_types::CertificateDer::from(der.as_slice()))
            .map_err(|e| bad(format!("certificate {} cannot be used ({e})", i + 1)))?;
    }
    Ok(certs)
}

/// The proxy requests to `origin` go through: none for loopback or a host `NO_PROXY` names;
/// else `https_proxy` (or `http_proxy` for plain http), else `all_proxy`. A value without a
/// scheme is an http proxy, as curl takes it.
pub fn proxy_for(env: &ProxyEnv, origin: &Origin) -> Result<Option<String>> {
    if origin.is_loopback() {
        return Ok(None);
    }
    let host = origin.host();
    let port = url::Url::parse(origin.as_str())
        .ok()
        .and_then(|u| u.port_or_known_default())
        .unwrap_or(443);
    if let Some(list) = &env.no_proxy
        && no_proxy_matches(list, &host, port)
    {
        return Ok(None);
    }
    let https = origin.as_str().starts_with("https:");
    let (name, value) = match (https, &env.https, &env.http, &env.all) {
        (true, Some(v), _, _) => ("HTTPS_PROXY", v),
        (false, _, Some(v), _) => ("HTTP_PROXY", v),
        (_, _, _, Some(v)) => ("ALL_PROXY", v),
        _ => return Ok(None),
    };
    let value = value.trim();
    let with_scheme = if value.contains("://") {
        value.to_string()
    } else {
        format!("http://{value}")
    };
    let bad = |why: &str| {
        Error::usage(
            format!("{name} {why}"),
            Some(format!(
                "set {name} to an http:// or https:// proxy address, e.g. http://proxy.example:3128"
            )),
        )
    };
    let url = url::Url::parse(&with_scheme).map_err(|_| bad("is not a proxy address"))?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
        return Err(bad(
            "names a kind of proxy this tool does not speak (http:// and https:// only)",
        ));
    }
    Ok(Some(with_scheme))
}

/// Whether `NO_PROXY` exempts a host and port: `*`, the host itself, or a domain it is in
/// (`.example.com`, `*.example.com` and `example.com` all cover `www.example.com`); an entry
/// with a port (`example.com:8443`) only for that port; IPv6 addresses bare or in brackets.
fn no_proxy_matches(list: &str, host: &str, port: u16) -> bool {
    let host = host
        .trim_start_matches('[')
        .trim_end_matches(']')
        .trim_end_matches('.')
        .to_ascii_lowercase();
    list.split(',')
        .map(str::trim)
        .filter(|e| !e.is_empty())
        .any(|entry| {
            if entry == "*" {
                return true;
            }
            let (name, entry_port) = if let Some(rest) = entry.strip_prefix('[') {
                // [2001:db8::1] or [2001:db8::1]:8443
                match rest.split_once(']') {
                    Some((addr, after)) => {
                        (addr, after.strip_prefix(':').and_then(|p| p.parse().ok()))
                    }
                    None => (rest, None),
                }
            } else if entry.matches(':').count() > 1 {
                // A bare IPv6 address: its colons are no port.
                (entry, None)
            } else {
                match entry.rsplit_once(':') {
                    Some((name, p)) => (name, p.parse::<u16>().ok()),
                    None => (entry, None),
                }
            };
            if entry_port.is_some_and(|p| p != port) {
                return false;
            }
            let name = name
                .trim_start_matches("*.")
                .trim_start_matches('.')
                .trim_end_matches('.')
                .to_ascii_lowercase();
            !name.is_empty() && (host == name || host.ends_with(&format!(".{name}")))
        })
}

#[cfg(test)]
mod proxy_tests {
    use super::*;

    #[test]
    fn no_proxy_forms() {
        for (list, host, expected) in [
            ("*", "www.linkedin.com", true),
            ("linkedin.com", "www.linkedin.com", true),
            (".linkedin.com", "www.linkedin.com", true),
            ("*.linkedin.com", "www.linkedin.com", true),
            (
                "example.com, www.linkedin.com:443",
                "www.linkedin.com",
                true,
            ),
            ("notlinkedin.com", "www.linkedin.com", false),
            ("in.com", "www.linkedin.com", false),
            ("", "www.linkedin.com", false),
            ("linkedin.com.", "www.linkedin.com", true),
            (
                "example.com:8443, linkedin.com:8443",
                "www.linkedin.com",
                false,
            ),
            ("linkedin.com:443", "www.linkedin.com", true),
            ("2001:db8::1", "[2001:db8::1]", true),
            ("[2001:db8::1]", "[2001:db8::1]", true),
            ("[2001:db8::1]:443", "[2001:db8::1]", true),
            ("2001:db8::2", "[2001:db8::1]", false),
        ] {
            assert_eq!(
                no_proxy_matches(list, host, 443),
                expected,
                "{list:?} {host}"
            );
        }
    }

    #[test]
    fn loopback_never_goes_through_a_proxy() {
        let env = ProxyEnv {
            https: Some("http://proxy:3128".into()),
            http: Some("http://proxy:3128".into()),
            all: Some("http://proxy:3128".into()),
            ..ProxyEnv::default()
        };
        let local = Origin::parse("http://127.0.0.1:8080").unwrap();
        assert_eq!(proxy_for(&env, &local).unwrap(), None);
        let linkedin = Origin::linkedin();
        assert_eq!(
            proxy_for(&env, &linkedin).unwrap().as_deref(),
            Some("http://proxy:3128")
        );
        let bare = ProxyEnv {
            all: Some("proxy.corp:8080".into()),
            ..ProxyEnv::default()
        };
        assert_eq!(
            proxy_for(&bare, &linkedin).unwrap().as_deref(),
            Some("http://proxy.corp:8080")
        );
        let socks = ProxyEnv {
            all: Some("socks5://proxy:1080".into()),
            ..ProxyEnv::default()
        };
        assert!(proxy_for(&socks, &linkedin).is_err());
        // NO_PROXY in any of its forms sends LinkedIn past the proxy.
        for exempt in [
            "linkedin.com",
            ".linkedin.com",
            "*",
            "example.org, www.linkedin.com",
        ] {
            let env = ProxyEnv {
                no_proxy: Some(exempt.into()),
                ..env.clone()
            };
            assert_eq!(proxy_for(&env, &linkedin).unwrap(), None, "{exempt}");
        }
    }
}
