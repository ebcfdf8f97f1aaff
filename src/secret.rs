//! A wrapper for session tokens. `Debug` and `Display` print `REDACTED`, the value is wiped from
//! memory on drop, and the only way to read it is the explicit [`Secret::expose`], so a token
//! cannot end up in an error message, a log line or a panic by accident.

use std::fmt;

use zeroize::Zeroizing;

#[derive(Clone, PartialEq, Eq)]
pub struct Secret(Zeroizing<String>);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Secret(Zeroizing::new(value.into()))
    }

    /// The raw value, for the few places that must send or store it.
    pub fn expose(&self) -> &str {
        &self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(REDACTED)")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("REDACTED")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formatting_never_shows_the_value() {
        let s = Secret::new("AQEDcanary-value");
        assert_eq!(format!("{s}"), "REDACTED");
        assert_eq!(format!("{s:?}"), "Secret(REDACTED)");
        assert_eq!(
            format!("{:#?}", Some(&s)),
            "Some(\n    Secret(REDACTED),\n)"
        );
        assert_eq!(s.expose(), "AQEDcanary-value");
    }
}
