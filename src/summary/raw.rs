//! A JSON document read in place: strings and keys borrowed from the line they came from (copied
//! only when they hold escapes), objects as lists in the order written. A summary reads 100,000
//! reports; a `serde_json::Value` per report allocates a map and a string for every key, and that
//! was most of its time. Reading and the canonical form here agree with `Value`'s exactly (the
//! last of a repeated key wins; numbers are read as u64, i64 or f64), which a test checks.

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};

#[derive(Debug, PartialEq)]
pub enum Raw<'a> {
    Null,
    Bool(bool),
    U64(u64),
    I64(i64),
    F64(f64),
    Str(Cow<'a, str>),
    Array(Vec<Raw<'a>>),
    /// Keys in the order written, repeats kept (the last one counts).
    Object(Vec<(Cow<'a, str>, Raw<'a>)>),
}

impl<'a> Raw<'a> {
    /// The value of `key` in an object (the last one, when it is repeated).
    pub fn get(&self, key: &str) -> Option<&Raw<'a>> {
        match self {
            Raw::Object(fields) => fields.iter().rev().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    pub fn is_object(&self) -> bool {
        matches!(self, Raw::Object(_))
    }

    pub fn contains_key(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    pub fn is_null(&self) -> bool {
        matches!(self, Raw::Null)
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Raw::Str(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_u64(&self) -> Option<u64> {
        match self {
            Raw::U64(n) => Some(*n),
            _ => None,
        }
    }

    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Raw::Bool(b) => Some(*b),
            _ => None,
        }
    }

    pub fn as_array(&self) -> Option<&[Raw<'a>]> {
        match self {
            Raw::Array(items) => Some(items),
            _ => None,
        }
    }

    /// Writes the canonical form (object keys sorted by their UTF-8 bytes, each once, no spaces,
    /// strings and numbers as serde_json writes them); `skip` is a key of the outermost object
    /// left out.
    pub fn write_canonical(&self, out: &mut Vec<u8>, skip: Option<&str>) {
        match self {
            Raw::Null => out.extend_from_slice(b"null"),
            Raw::Bool(true) => out.extend_from_slice(b"true"),
            Raw::Bool(false) => out.extend_from_slice(b"false"),
            Raw::U64(n) => {
                let _ = serde_json::to_writer(&mut *out, n);
            }
            Raw::I64(n) => {
                let _ = serde_json::to_writer(&mut *out, n);
            }
            Raw::F64(n) => {
                let _ = serde_json::to_writer(&mut *out, n);
            }
            Raw::Str(s) => text(s, out),
            Raw::Array(items) => {
                out.push(b'[');
                for (n, item) in items.iter().enumerate() {
                    if n > 0 {
                        out.push(b',');
                    }
                    item.write_canonical(out, None);
                }
                out.push(b']');
            }
            Raw::Object(fields) => {
                let mut order: Vec<usize> = (0..fields.len())
                    .filter(|&i| Some(fields[i].0.as_ref()) != skip)
                    .collect();
                // Stable: of a repeated key, the last written is the last of its run.
                if !order.is_sorted_by(|&a, &b| fields[a].0 < fields[b].0) {
                    order.sort_by(|&a, &b| fields[a].0.as_bytes().cmp(fields[b].0.as_bytes()));
                }
                out.push(b'{');
                let mut first = true;
                for (n, &i) in order.iter().enumerate() {
                    if order
                        .get(n + 1)
                        .is_some_and(|&j| fields[j].0 == fields[i].0)
                    {
                        continue;
                    }
                    if !first {
                        out.push(b',');
                    }
                    first = false;
                    text(&fields[i].0, out);
                    out.push(b':');
                    fields[i].1.write_canonical(out, None);
                }
                out.push(b'}');
            }
        }
    }
}

/// A string as serde_json writes it. One borrowed from the input held no escape there, so no
/// quote, backslash or control character (JSON allows none unescaped): it is written as it is.
#[allow(clippy::ptr_arg)] // whether it is borrowed is the point
fn text(s: &Cow<'_, str>, out: &mut Vec<u8>) {
    match s {
        Cow::Borrowed(s) => {
            out.push(b'"');
            out.extend_from_slice(s.as_bytes());
            out.push(b'"');
        }
        Cow::Owned(s) => {
            let _ = serde_json::to_writer(&mut *out, s);
        }
    }
}

/// A key or string, borrowed when the input holds it without escapes.
struct Text<'a>(Cow<'a, str>);

impl<'de> Deserialize<'de> for Text<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Text<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E: de::Error>(self, s: &'de str) -> Result<Self::Value, E> {
                Ok(Text(Cow::Borrowed(s)))
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<Self::Value, E> {
                Ok(Text(Cow::Owned(s.to_string())))
            }
            fn visit_string<E: de::Error>(self, s: String) -> Result<Self::Value, E> {
                Ok(Text(Cow::Owned(s)))
            }
        }
        d.deserialize_str(V)
    }
}

impl<'de> Deserialize<'de> for Raw<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Raw<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("any JSON value")
            }
            fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(Raw::Null)
            }
            fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(Raw::Null)
            }
            fn visit_bool<E: de::Error>(self, b: bool) -> Result<Self::Value, E> {
                Ok(Raw::Bool(b))
            }
            fn visit_u64<E: de::Error>(self, n: u64) -> Result<Self::Value, E> {
                Ok(Raw::U64(n))
            }
            fn visit_i64<E: de::Error>(self, n: i64) -> Result<Self::Value, E> {
                // As serde_json's Value: a number at or above zero is a u64.
                Ok(u64::try_from(n).map_or(Raw::I64(n), Raw::U64))
            }
            fn visit_f64<E: de::Error>(self, n: f64) -> Result<Self::Value, E> {
                Ok(Raw::F64(n))
            }
            fn visit_borrowed_str<E: de::Error>(self, s: &'de str) -> Result<Self::Value, E> {
                Ok(Raw::Str(Cow::Borrowed(s)))
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<Self::Value, E> {
                Ok(Raw::Str(Cow::Owned(s.to_string())))
            }
            fn visit_string<E: de::Error>(self, s: String) -> Result<Self::Value, E> {
                Ok(Raw::Str(Cow::Owned(s)))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(64));
                while let Some(item) = seq.next_element()? {
                    items.push(item);
                }
                Ok(Raw::Array(items))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut fields = Vec::with_capacity(8);
                while let Some(Text(k)) = map.next_key()? {
                    fields.push((k, map.next_value()?));
                }
                Ok(Raw::Object(fields))
            }
        }
        d.deserialize_any(V)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    fn both(json: &str) -> (String, String) {
        let raw: Raw = serde_json::from_str(json).unwrap();
        let mut a = Vec::new();
        raw.write_canonical(&mut a, None);
        let v: Value = serde_json::from_str(json).unwrap();
        (
            String::from_utf8(a).unwrap(),
            super::super::report::canonical(&v),
        )
    }

    #[test]
    fn the_canonical_form_is_the_one_a_value_gives() {
        for json in [
            r#"{"b": [1, {"z": null, "a": "é\n"}], "a": true}"#,
            r#"{"k": "\u00e9\u0001\"\\\/", "\u0061": 1, "a": 2}"#,
            r#"{"x": 1, "x": {"y": 2}, "w": [], "v": {}}"#,
            r#"[1.0, -0, -1, 1e2, 1.5e-7, 18446744073709551615, 18446744073709551616, -9223372036854775808]"#,
            r#"{"é": 1, "z": 2, "Z": 3, "ä": 4, "": 5}"#,
            r#""plain""#,
            "null",
        ] {
            let (raw, value) = both(json);
            assert_eq!(raw, value, "{json}");
        }
    }

    #[test]
    fn the_last_of_a_repeated_key_is_read() {
        let raw: Raw = serde_json::from_str(r#"{"a": 1, "a": "two"}"#).unwrap();
        assert_eq!(raw.get("a").and_then(Raw::as_str), Some("two"));
        assert_eq!(raw.get("b"), None);
    }

    #[test]
    fn strings_without_escapes_are_borrowed() {
        let json = r#"{"id": "plain", "e": "a\nb"}"#;
        let raw: Raw = serde_json::from_str(json).unwrap();
        let Raw::Object(fields) = &raw else { panic!() };
        assert!(matches!(fields[0].0, Cow::Borrowed(_)));
        assert!(matches!(fields[0].1, Raw::Str(Cow::Borrowed(_))));
        assert!(matches!(fields[1].1, Raw::Str(Cow::Owned(_))));
    }
}
