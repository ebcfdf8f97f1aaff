//! A LinkedIn session: the `li_at` token and the JSESSIONID/CSRF pair, as the client sends them.

use crate::clock::Random;
use crate::error::{Error, Result};
use crate::secret::Secret;

/// What the client needs to act as the member.
#[derive(Clone, Debug)]
pub struct Session {
    li_at: Secret,
    /// The JSESSIONID value WITHOUT the surrounding quotes, e.g. `ajax:5729150928571245021`.
    /// It doubles as the `csrf-token` header.
    jsessionid: String,
    /// The User-Agent every request of the session sends: the browser's the cookies came from,
    /// or the one the member gave; `None` for the tool's own (one current desktop browser's).
    user_agent: Option<String>,
}

/// The longest cookie value taken: LinkedIn's are a few hundred bytes.
const MAX_COOKIE: usize = 4096;

impl Session {
    /// Builds a session, minting a JSESSIONID when only `li_at` is known (LinkedIn only checks
    /// that cookie and header agree).
    pub fn new(li_at: Secret, jsessionid: Option<&str>, random: &dyn Random) -> Result<Session> {
        let trimmed = li_at.expose().trim();
        if trimmed.is_empty() {
            return Err(Error::usage(
                "the li_at value is empty",
                Some("copy the whole value of the li_at cookie for linkedin.com".to_string()),
            ));
        }
        if trimmed.len() > MAX_COOKIE {
            return Err(Error::usage(
                format!(
                    "the li_at value is {} bytes long; a session cookie is a few hundred",
                    trimmed.len()
                ),
                Some("copy only the value of the li_at cookie for linkedin.com".to_string()),
            ));
        }
        if !is_cookie_value(trimmed) {
            return Err(Error::usage(
                "the li_at value holds characters a cookie cannot hold (spaces, quotes, ';' or ',')",
                Some("copy only the cookie's value, without its name or attributes".to_string()),
            ));
        }
        let li_at = if trimmed.len() == li_at.expose().len() {
            li_at
        } else {
            Secret::new(trimmed)
        };
        let jsessionid = match jsessionid.map(|j| j.trim().trim_matches('"')) {
            Some("") | None => mint_jsessionid(random),
            Some(j) if is_cookie_value(j) && j.len() <= MAX_COOKIE => j.to_string(),
            Some(_) => {
                return Err(Error::usage(
                    "the JSESSIONID value is not one a cookie can hold (odd characters, or too long)",
                    Some(
                        "copy the browser's JSESSIONID exactly, or leave it out when the session was pasted by hand"
                            .to_string(),
                    ),
                ));
            }
        };
        Ok(Session {
            li_at,
            jsessionid,
            user_agent: None,
        })
    }

    /// The same session, sending this User-Agent on every request. A value a header cannot
    /// hold, or longer than 512 characters, is refused.
    pub fn with_user_agent(mut self, user_agent: Option<String>) -> Result<Session> {
        if let Some(ua) = &user_agent {
            let plain = !ua.trim().is_empty()
                && ua.len() <= 512
                && ua.chars().all(|c| (' '..='~').contains(&c));
            if !plain {
                return Err(Error::usage(
                    "the User-Agent must be one line of printable ASCII, at most 512 characters",
                    Some("copy it from the browser's about page, or leave it out".to_string()),
                ));
            }
        }
        self.user_agent = user_agent.map(|u| u.trim().to_string());
        Ok(self)
    }

    pub fn user_agent(&self) -> Option<&str> {
        self.user_agent.as_deref()
    }

    pub fn li_at(&self) -> &Secret {
        &self.li_at
    }

    pub fn jsessionid(&self) -> &str {
        &self.jsessionid
    }

    /// The `Cookie` header: `li_at=…; JSESSIONID="ajax:…"` (LinkedIn keeps the quotes in the
    /// cookie and drops them in the header).
    pub fn cookie_header(&self) -> Secret {
        Secret::new(format!(
            "li_at={}; JSESSIONID=\"{}\"",
            self.li_at.expose(),
            self.jsessionid
        ))
    }
}

fn is_cookie_value(v: &str) -> bool {
    v.bytes()
        .all(|b| b.is_ascii_graphic() && !matches!(b, b'"' | b';' | b',' | b'\\'))
}

/// `ajax:` followed by 19 random digits, as LinkedIn's own web client makes them.
pub fn mint_jsessionid(random: &dyn Random) -> String {
    let mut bytes = [0u8; 19];
    random.fill(&mut bytes);
    let mut out = String::from("ajax:");
    for (i, b) in bytes.iter().enumerate() {
        // The first digit is never 0, so the number always has 19 digits.
        let digit = if i == 0 { 1 + b % 9 } else { b % 10 };
        out.push(char::from(b'0' + digit));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::clock::{OsRandom, SeededRandom};

    #[test]
    fn minted_jsessionid_has_the_web_client_form() {
        let a = mint_jsessionid(&OsRandom);
        let b = mint_jsessionid(&OsRandom);
        assert!(a.starts_with("ajax:"));
        assert_eq!(a.len(), 5 + 19);
        assert!(a[5..].bytes().all(|c| c.is_ascii_digit()));
        assert_ne!(a, b);
        // A seed repeats exactly.
        assert_eq!(
            mint_jsessionid(&SeededRandom::new(3)),
            mint_jsessionid(&SeededRandom::new(3))
        );
    }

    #[test]
    fn cookie_header_quotes_jsessionid_and_strips_given_quotes() {
        let s = Session::new(Secret::new(" tok-1 "), Some("\"ajax:123\""), &OsRandom).unwrap();
        assert_eq!(s.jsessionid(), "ajax:123");
        assert_eq!(
            s.cookie_header().expose(),
            "li_at=tok-1; JSESSIONID=\"ajax:123\""
        );
    }

    #[test]
    fn bad_tokens_are_refused_without_echoing_them() {
        for bad in ["", "   ", "a b", "x;y", "q\"q"] {
            let err = Session::new(Secret::new(bad), None, &OsRandom).unwrap_err();
            assert_eq!(err.kind().as_str(), "usage");
            if bad.trim().len() > 1 {
                assert!(!err.to_string().contains(bad.trim()), "{err}");
            }
        }
    }
}
