//! Behind the networks people work on: proxies from the environment (never for loopback; named
//! in the error when they fail; NO_PROXY honoured) and a TLS-inspecting proxy's own CA, trusted
//! through SSL_CERT_FILE.

use crate::common::hostile::{Hostile, Reply};
use crate::common::tls::TlsFront;
use crate::common::{World, run};

/// A proxy that must never be used.
fn unused_proxy() -> Hostile {
    Hostile::start(|_, _| Reply::json(502, "{}")).expect_no_hits()
}

#[test]
fn loopback_never_goes_through_a_proxy() {
    let proxy = unused_proxy();
    let w = World::new();
    for (name, value) in [
        ("HTTP_PROXY", proxy.base_url.clone()),
        ("http_proxy", proxy.base_url.clone()),
        ("HTTPS_PROXY", proxy.base_url.clone()),
        ("ALL_PROXY", proxy.base_url.clone()),
        ("all_proxy", proxy.base_url.clone()),
    ] {
        // The README's first command, and a run against a sandbox on another port.
        let r = run(w
            .cmd()
            .env_remove("LINKEDIN_PRIVACY_BASE_URL")
            .env(name, &value)
            .args(["--sandbox", "audit", "--json"]));
        assert_eq!(r.code, 1, "{name}: {r:?}");
        let r = run(w.as_account("private").env(name, &value).arg("audit"));
        assert_eq!(r.code, 0, "{name}: {r:?}");
    }
}

/// Against LinkedIn, HTTPS_PROXY (any case) carries the request: the proxy sees a CONNECT to
/// LinkedIn; when it refuses, the error says "proxy" (exit 6) and never shows its password.
#[test]
fn linkedin_goes_through_the_proxy_and_a_failing_proxy_is_named() {
    let proxy = Hostile::start(|_, _| Reply::html(403, "<h1>Forbidden by policy</h1>"));
    let with_password = proxy
        .base_url
        .replace("http://", "http://alice:s3cret-proxy-pass@");
    let w = World::new();
    for name in ["HTTPS_PROXY", "https_proxy", "ALL_PROXY"] {
        let r = run(w
            .as_account("demo")
            .env_remove("LINKEDIN_PRIVACY_BASE_URL")
            .env(name, &with_password)
            .args(["--timeout", "5", "--retries", "0", "audit", "--json"]));
        assert_eq!(r.code, 6, "{name}: {r:?}");
        assert_eq!(r.json()["error"]["kind"], "proxy", "{r:?}");
        assert!(r.stderr.contains("proxy"), "{}", r.stderr);
        assert!(r.stderr.contains("NO_PROXY"), "{}", r.stderr);
        assert!(!r.stderr.contains("s3cret"), "{}", r.stderr);
        assert!(!r.stdout.contains("s3cret"), "{}", r.stdout);
    }
    let connects: Vec<String> = proxy.calls();
    assert!(
        connects.iter().all(|c| c == "CONNECT www.linkedin.com:443"),
        "{connects:?}"
    );
    assert_eq!(connects.len(), 3, "{connects:?}");
}

/// A proxy the tool does not speak is a usage error before any request. (Which hosts NO_PROXY
/// exempts is tested on `proxy_for` itself: a binary run exempted from the proxy would go to
/// LinkedIn directly, and no test here reaches past loopback.)
#[test]
fn a_proxy_the_tool_does_not_speak_is_a_usage_error() {
    let w = World::new();
    let r = run(w
        .as_account("demo")
        .env_remove("LINKEDIN_PRIVACY_BASE_URL")
        .env("HTTPS_PROXY", "socks5://127.0.0.1:1080")
        .arg("audit"));
    assert_eq!(r.code, 2, "{r:?}");
    assert!(r.stderr.contains("HTTPS_PROXY"), "{}", r.stderr);
}

/// A TLS front for the world's sandbox, with its own CA, and the origin to reach it by.
fn tls_front(w: &World) -> (TlsFront, String) {
    let backend = w
        .sandbox
        .base_url()
        .trim_start_matches("http://")
        .to_string();
    let front = TlsFront::start(backend);
    let base = format!("https://localhost:{}", front.port);
    (front, base)
}

/// A TLS-inspecting proxy's certificate is refused with exit 6 and a hint naming SSL_CERT_FILE;
/// with its CA in SSL_CERT_FILE the audit goes through.
#[test]
fn a_company_ca_is_trusted_through_ssl_cert_file() {
    let w = World::new();
    let (front, base) = tls_front(&w);

    let r = run(w
        .as_account("demo")
        .env("LINKEDIN_PRIVACY_BASE_URL", &base)
        .args(["--retries", "0", "audit", "--json"]));
    assert_eq!(r.code, 6, "{r:?}");
    assert_eq!(r.json()["error"]["kind"], "tls", "{r:?}");
    assert!(r.stderr.contains("SSL_CERT_FILE"), "{}", r.stderr);
    assert!(!r.stderr.contains("--base-url"), "{}", r.stderr);

    let ca = w.path("company-ca.pem");
    std::fs::write(&ca, &front.ca_pem).unwrap();
    let r = run(w
        .as_account("demo")
        .env("LINKEDIN_PRIVACY_BASE_URL", &base)
        .env("SSL_CERT_FILE", &ca)
        .args(["--retries", "0", "audit", "--json"]));
    assert_eq!(r.code, 1, "{r:?}");
    assert_eq!(r.json()["verdict"], "exposed");

    // A file that is not a PEM bundle, or missing: a usage error naming the variable.
    let junk = w.path("junk.pem");
    std::fs::write(&junk, "not a certificate\n").unwrap();
    for file in [junk, w.path("missing.pem")] {
        let r = run(w
            .as_account("demo")
            .env("LINKEDIN_PRIVACY_BASE_URL", &base)
            .env("SSL_CERT_FILE", &file)
            .arg("audit"));
        assert_eq!(r.code, 2, "{file:?}: {r:?}");
        assert!(r.stderr.contains("SSL_CERT_FILE"), "{}", r.stderr);
    }
}

/// SSL_CERT_FILE that is a pipe, or holds a certificate no root store takes: a usage error
/// naming it, never a hang; a plain-http run (the sandbox) never reads it.
#[test]
fn a_bad_ssl_cert_file_is_named_and_never_hangs() {
    let w = World::new();
    let (_front, base) = tls_front(&w);
    let broken = w.path("broken.pem");
    std::fs::write(
        &broken,
        "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",
    )
    .unwrap();
    let fifo = w.path("fifo.pem");
    let fifo_made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .is_ok_and(|s| s.success());
    let mut files = vec![broken.clone()];
    if fifo_made {
        files.push(fifo);
    }
    for file in &files {
        let r = run(w
            .as_account("demo")
            .env("LINKEDIN_PRIVACY_BASE_URL", &base)
            .env("SSL_CERT_FILE", file)
            .args(["--timeout", "5", "audit"]));
        assert_eq!(r.code, 2, "{file:?}: {r:?}");
        assert!(r.stderr.contains("SSL_CERT_FILE"), "{}", r.stderr);
    }
    let r = run(w
        .as_account("demo")
        .env("SSL_CERT_FILE", &broken)
        .arg("audit"));
    assert_eq!(
        r.code, 1,
        "plain http over loopback has no certificate: {r:?}"
    );
}
