//! A TLS front for the sandbox, like a company's TLS-inspecting proxy: it presents a certificate
//! signed by its own CA (not one of the built-in roots), decrypts, and passes the bytes to the
//! sandbox and back.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::Arc;
use std::time::Duration;

use rcgen::{BasicConstraints, CertificateParams, IsCa, Issuer, KeyPair};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};

pub struct TlsFront {
    pub port: u16,
    /// The CA certificate, PEM: what `SSL_CERT_FILE` must hold to trust this front.
    pub ca_pem: String,
}

impl TlsFront {
    /// Starts a front on 127.0.0.1 passing every connection to `backend` (host:port).
    pub fn start(backend: String) -> TlsFront {
        let ca_key = KeyPair::generate().unwrap();
        let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
        ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        ca_params
            .distinguished_name
            .push(rcgen::DnType::CommonName, "Test Inspecting Proxy CA");
        let ca_cert = ca_params.self_signed(&ca_key).unwrap();
        let issuer = Issuer::new(ca_params, ca_key);
        let leaf_key = KeyPair::generate().unwrap();
        let leaf_params =
            CertificateParams::new(vec!["localhost".to_string(), "127.0.0.1".to_string()]).unwrap();
        let leaf = leaf_params.signed_by(&leaf_key, &issuer).unwrap();

        let chain = vec![
            CertificateDer::from(leaf.der().to_vec()),
            CertificateDer::from(ca_cert.der().to_vec()),
        ];
        let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(leaf_key.serialize_der()));
        let config = rustls::ServerConfig::builder_with_provider(Arc::new(
            rustls::crypto::ring::default_provider(),
        ))
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .unwrap();
        let config = Arc::new(config);
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let config = Arc::clone(&config);
                let backend = backend.clone();
                std::thread::spawn(move || serve(stream, config, &backend));
            }
        });
        TlsFront {
            port,
            ca_pem: ca_cert.pem(),
        }
    }
}

/// One connection: the TLS handshake, then bytes both ways until either side closes.
fn serve(stream: TcpStream, config: Arc<rustls::ServerConfig>, backend: &str) {
    let _ = stream.set_read_timeout(Some(Duration::from_millis(20)));
    let Ok(conn) = rustls::ServerConnection::new(config) else {
        return;
    };
    let mut tls = rustls::StreamOwned::new(conn, stream);
    let Ok(mut plain) = TcpStream::connect(backend) else {
        return;
    };
    let _ = plain.set_read_timeout(Some(Duration::from_millis(20)));
    let mut buf = [0u8; 16 * 1024];
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    while std::time::Instant::now() < deadline {
        let mut moved = false;
        match tls.read(&mut buf) {
            Ok(0) => return,
            Ok(n) => {
                if plain.write_all(&buf[..n]).is_err() {
                    return;
                }
                moved = true;
            }
            Err(e) if is_wait(&e) => {}
            Err(_) => return,
        }
        match plain.read(&mut buf) {
            Ok(0) => {
                let _ = tls.flush();
                tls.conn.send_close_notify();
                let _ = tls.flush();
                return;
            }
            Ok(n) => {
                if tls.write_all(&buf[..n]).and_then(|()| tls.flush()).is_err() {
                    return;
                }
                moved = true;
            }
            Err(e) if is_wait(&e) => {}
            Err(_) => return,
        }
        if !moved {
            std::thread::sleep(Duration::from_millis(1));
        }
    }
}

fn is_wait(e: &std::io::Error) -> bool {
    matches!(
        e.kind(),
        std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
    )
}
