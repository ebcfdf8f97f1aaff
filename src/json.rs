//! JSON from a server, read strictly: an object that holds one key twice is refused, never read
//! "last one wins". Two `settings` lists, or two `value`s of one setting, are two answers to one
//! question, and a reply that gives two answers proves neither.

use serde::de::{DeserializeSeed, Error as _, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};

/// Why a body was refused.
#[derive(Debug)]
pub enum Strict {
    /// Not JSON at all.
    Syntax(serde_json::Error),
    /// An object holds this key twice (the key cleaned and cut for messages).
    DuplicateKey(String),
}

const DUPLICATE: &str = "duplicate key: ";

/// Parses `bytes` as JSON, refusing any object with a duplicate key.
pub fn from_slice(bytes: &[u8]) -> Result<Value, Strict> {
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let value = Seed.deserialize(&mut de).and_then(|v| de.end().map(|()| v));
    value.map_err(|e| {
        let text = e.to_string();
        match text.strip_prefix(DUPLICATE) {
            Some(rest) if e.is_data() => {
                // serde_json adds " at line L column C".
                let key = rest.rsplit_once(" at line ").map_or(rest, |(k, _)| k);
                Strict::DuplicateKey(crate::text::clean_line(key, 60))
            }
            _ => Strict::Syntax(e),
        }
    })
}

struct Seed;

impl<'de> DeserializeSeed<'de> for Seed {
    type Value = Value;
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(Seed)
    }
}

impl<'de> Visitor<'de> for Seed {
    type Value = Value;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(serde_json::Number::from_f64(v).map_or(Value::Null, Value::Number))
    }
    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_string()))
    }
    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }
    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut out = Vec::new();
        while let Some(v) = seq.next_element_seed(Seed)? {
            out.push(v);
        }
        Ok(Value::Array(out))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut out = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            if out.contains_key(&key) {
                return Err(A::Error::custom(format!("{DUPLICATE}{key}")));
            }
            let value = map.next_value_seed(Seed)?;
            out.insert(key, value);
        }
        Ok(Value::Object(out))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_duplicate_key_anywhere_is_refused() {
        assert!(matches!(
            from_slice(br#"{"settings":[{"value":true,"value":false}]}"#),
            Err(Strict::DuplicateKey(k)) if k == "value"
        ));
        assert!(matches!(
            from_slice(br#"{"settings":[],"settings":[1]}"#),
            Err(Strict::DuplicateKey(k)) if k == "settings"
        ));
        assert!(matches!(from_slice(b"{nope"), Err(Strict::Syntax(_))));
        let v = from_slice(br#"{"a":[1,-2,3.5,"x",null,true,{"b":{}}],"c":18446744073709551615}"#)
            .unwrap();
        assert_eq!(
            v,
            serde_json::from_str::<Value>(
                r#"{"a":[1,-2,3.5,"x",null,true,{"b":{}}],"c":18446744073709551615}"#
            )
            .unwrap()
        );
        // The same key in two different objects is no duplicate.
        assert!(from_slice(br#"[{"k":1},{"k":2}]"#).is_ok());
    }
}
