//! The one origin every request goes to: LinkedIn's own, or (for the sandbox and tests) another
//! named with `--base-url`, plain `http://` only on loopback.

use std::net::IpAddr;

use reqwest::Url;

use crate::error::{Error, Result};

/// LinkedIn's own origin.
pub const LINKEDIN: &str = "https://www.linkedin.com";

/// The scheme, host and port every request goes to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Origin(Url);

impl Origin {
    /// Parses a base URL: `https://` anywhere, plain `http://` only on loopback, and nothing
    /// after the host but an optional `/`.
    pub fn parse(text: &str) -> Result<Origin> {
        let bad = |why: &str| {
            Error::usage(
                format!(
                    "invalid base URL {:?}: {why}",
                    crate::text::clean_line(text, 100)
                ),
                Some(
                    "give an origin such as https://www.linkedin.com or http://127.0.0.1:8080"
                        .to_string(),
                ),
            )
        };
        let url = Url::parse(text.trim()).map_err(|e| bad(&e.to_string()))?;
        if !url.username().is_empty() || url.password().is_some() {
            return Err(bad("it must not hold a user name or password"));
        }
        if url.path() != "/" || url.query().is_some() || url.fragment().is_some() {
            return Err(bad("it must be an origin only, without a path or query"));
        }
        match url.scheme() {
            "https" => {}
            "http" if is_loopback(&url) => {}
            "http" => {
                return Err(bad(
                    "plain http is only allowed for loopback hosts (127.0.0.0/8, ::1, localhost)",
                ));
            }
            _ => return Err(bad("the scheme must be https (or http on loopback)")),
        }
        Ok(Origin(url))
    }

    pub fn linkedin() -> Origin {
        Origin(Url::parse(LINKEDIN).expect("the LinkedIn origin is a valid URL"))
    }

    /// The origin without the trailing slash, e.g. `https://www.linkedin.com`.
    pub fn as_str(&self) -> &str {
        self.0.as_str().trim_end_matches('/')
    }

    /// `host[:port]`, for messages.
    pub fn host(&self) -> String {
        match (self.0.host_str(), self.0.port()) {
            (Some(h), Some(p)) => format!("{h}:{p}"),
            (Some(h), None) => h.to_string(),
            _ => self.as_str().to_string(),
        }
    }

    /// Whether requests to this origin stay on this machine.
    pub fn is_loopback(&self) -> bool {
        is_loopback(&self.0)
    }

    /// An absolute URL for a path on this origin (`path` starts with `/`).
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.as_str(), path)
    }
}

/// A member's public profile address on LinkedIn.
pub fn profile_url(public_id: &str) -> String {
    format!("{LINKEDIN}/in/{public_id}")
}

fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
        Some(url::Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_follow_the_contract() {
        assert!(Origin::parse("https://www.linkedin.com").is_ok());
        assert!(Origin::parse("https://www.linkedin.com/").is_ok());
        assert!(Origin::parse("http://127.0.0.1:8080").is_ok());
        assert!(Origin::parse("http://127.8.9.1:8080").is_ok());
        assert!(Origin::parse("http://[::1]:8080").is_ok());
        assert!(Origin::parse("http://localhost:1").is_ok());
        for bad in [
            "http://www.linkedin.com",
            "http://10.0.0.1",
            "ftp://127.0.0.1",
            "https://www.linkedin.com/feed",
            "https://user:pw@www.linkedin.com",
            "not a url",
        ] {
            let err = Origin::parse(bad).unwrap_err();
            assert_eq!(err.kind().as_str(), "usage", "{bad}");
        }
        assert_eq!(
            Origin::parse("http://127.0.0.1:9/").unwrap().url("/x"),
            "http://127.0.0.1:9/x"
        );
        assert!(Origin::parse("http://127.0.0.1:9").unwrap().is_loopback());
        assert!(!Origin::linkedin().is_loopback());
    }
}
