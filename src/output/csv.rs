//! CSV, written one way for every view: a view's rows are plain `Serialize` structs, and this
//! module turns each into one RFC 4180 line (the header from the field names), neutralising
//! cells a spreadsheet would run as a formula and removing control characters. A new view never
//! writes a CSV line by hand.

use serde::Serialize;
use serde::ser::{self, Impossible};

use crate::text;

/// A CSV document being written: the header once, then the rows.
#[derive(Default)]
pub struct Csv {
    out: String,
    header: bool,
}

impl Csv {
    /// One row; the first row (of any writer) writes the header from its field names.
    pub fn row<T: Serialize>(&mut self, row: &T) {
        let cells = cells(row);
        if !self.header {
            self.out
                .push_str(&line(cells.iter().map(|(name, _)| name.to_string())));
            self.header = true;
        }
        self.out.push_str(&line(cells.into_iter().map(|(_, v)| v)));
    }

    /// The header alone, for a view without rows (from the row type's default).
    pub fn header_of<T: Serialize + Default>(&mut self) {
        if !self.header {
            let cells = cells(&T::default());
            self.out
                .push_str(&line(cells.iter().map(|(name, _)| name.to_string())));
            self.header = true;
        }
    }

    /// What was written since the last take.
    pub fn take(&mut self) -> String {
        std::mem::take(&mut self.out)
    }
}

/// One RFC 4180 line: cleaned, formula-safe cells, quoted where they need it.
fn line(fields: impl Iterator<Item = String>) -> String {
    let mut line = fields
        .map(|f| {
            let f = text::csv_safe(&text::clean_line(&f, usize::MAX)).into_owned();
            if f.contains([',', '"', '\n', '\r']) {
                format!("\"{}\"", f.replace('"', "\"\""))
            } else {
                f
            }
        })
        .collect::<Vec<_>>()
        .join(",");
    line.push_str("\r\n");
    line
}

/// A flat row's fields and their values as text.
fn cells<T: Serialize>(row: &T) -> Vec<(String, String)> {
    let mut out = Vec::new();
    row.serialize(Row { out: &mut out })
        .expect("a CSV row is a flat struct of text, numbers, booleans and options");
    out
}

#[derive(Debug)]
struct NotFlat(String);

impl std::fmt::Display for NotFlat {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for NotFlat {}

impl ser::Error for NotFlat {
    fn custom<T: std::fmt::Display>(msg: T) -> Self {
        NotFlat(msg.to_string())
    }
}

type R<T> = Result<T, NotFlat>;

fn not_flat<T>(what: &str) -> R<T> {
    Err(NotFlat(format!("a CSV cell cannot hold {what}")))
}

/// Serializes the row itself: a struct (or a map, for flattened fields).
struct Row<'a> {
    out: &'a mut Vec<(String, String)>,
}

impl<'a> ser::Serializer for Row<'a> {
    type Ok = ();
    type Error = NotFlat;
    type SerializeSeq = Impossible<(), NotFlat>;
    type SerializeTuple = Impossible<(), NotFlat>;
    type SerializeTupleStruct = Impossible<(), NotFlat>;
    type SerializeTupleVariant = Impossible<(), NotFlat>;
    type SerializeMap = Fields<'a>;
    type SerializeStruct = Fields<'a>;
    type SerializeStructVariant = Impossible<(), NotFlat>;

    fn serialize_struct(self, _: &'static str, _: usize) -> R<Fields<'a>> {
        Ok(Fields {
            out: self.out,
            key: None,
        })
    }
    fn serialize_map(self, _: Option<usize>) -> R<Fields<'a>> {
        Ok(Fields {
            out: self.out,
            key: None,
        })
    }
    fn serialize_bool(self, _: bool) -> R<()> {
        not_flat("a row that is a value")
    }
    fn serialize_i8(self, _: i8) -> R<()> {
        not_flat("a row that is a value")
    }
    fn serialize_i16(self, _: i16) -> R<()> {
        not_flat("a row that is a value")
    }
    fn serialize_i32(self, _: i32) -> R<()> {
        not_flat("a row that is a value")
    }
    fn serialize_i64(self, _: i64) -> R<()> {
        not_flat("a row that is a value")
    }
    fn serialize_u8(self, _: u8) -> R<()> {
        not_flat("a row that is a value")
    }
    fn serialize_u16(self, _: u16) -> R<()> {
        not_flat("a row that is a value")
    }
    fn serialize_u32(self, _: u32) -> R<()> {
        not_flat("a row that is a value")
    }
    fn serialize_u64(self, _: u64) -> R<()> {
        not_flat("a row that is a value")
    }
    fn serialize_f32(self, _: f32) -> R<()> {
        not_flat("a row that is a value")
    }
    fn serialize_f64(self, _: f64) -> R<()> {
        not_flat("a row that is a value")
    }
    fn serialize_char(self, _: char) -> R<()> {
        not_flat("a row that is a value")
    }
    fn serialize_str(self, _: &str) -> R<()> {
        not_flat("a row that is a value")
    }
    fn serialize_bytes(self, _: &[u8]) -> R<()> {
        not_flat("bytes")
    }
    fn serialize_none(self) -> R<()> {
        Ok(())
    }
    fn serialize_some<T: ?Sized + Serialize>(self, v: &T) -> R<()> {
        v.serialize(self)
    }
    fn serialize_unit(self) -> R<()> {
        Ok(())
    }
    fn serialize_unit_struct(self, _: &'static str) -> R<()> {
        Ok(())
    }
    fn serialize_unit_variant(self, _: &'static str, _: u32, _: &'static str) -> R<()> {
        not_flat("a row that is a value")
    }
    fn serialize_newtype_struct<T: ?Sized + Serialize>(self, _: &'static str, v: &T) -> R<()> {
        v.serialize(self)
    }
    fn serialize_newtype_variant<T: ?Sized + Serialize>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> R<()> {
        not_flat("a variant")
    }
    fn serialize_seq(self, _: Option<usize>) -> R<Self::SerializeSeq> {
        not_flat("a list")
    }
    fn serialize_tuple(self, _: usize) -> R<Self::SerializeTuple> {
        not_flat("a tuple")
    }
    fn serialize_tuple_struct(self, _: &'static str, _: usize) -> R<Self::SerializeTupleStruct> {
        not_flat("a tuple")
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> R<Self::SerializeTupleVariant> {
        not_flat("a tuple")
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> R<Self::SerializeStructVariant> {
        not_flat("a variant")
    }
}

/// The fields of a row, in order.
struct Fields<'a> {
    out: &'a mut Vec<(String, String)>,
    key: Option<String>,
}

impl ser::SerializeStruct for Fields<'_> {
    type Ok = ();
    type Error = NotFlat;
    fn serialize_field<T: ?Sized + Serialize>(&mut self, key: &'static str, v: &T) -> R<()> {
        self.out.push((key.to_string(), v.serialize(Cell)?));
        Ok(())
    }
    fn end(self) -> R<()> {
        Ok(())
    }
}

impl ser::SerializeMap for Fields<'_> {
    type Ok = ();
    type Error = NotFlat;
    fn serialize_key<T: ?Sized + Serialize>(&mut self, key: &T) -> R<()> {
        self.key = Some(key.serialize(Cell)?);
        Ok(())
    }
    fn serialize_value<T: ?Sized + Serialize>(&mut self, v: &T) -> R<()> {
        let key = self.key.take().unwrap_or_default();
        self.out.push((key, v.serialize(Cell)?));
        Ok(())
    }
    fn end(self) -> R<()> {
        Ok(())
    }
}

/// Serializes one cell's value as text: text, numbers and booleans as they are, an absent
/// option as an empty cell, an enum's unit variant by its serialized name.
struct Cell;

impl ser::Serializer for Cell {
    type Ok = String;
    type Error = NotFlat;
    type SerializeSeq = Impossible<String, NotFlat>;
    type SerializeTuple = Impossible<String, NotFlat>;
    type SerializeTupleStruct = Impossible<String, NotFlat>;
    type SerializeTupleVariant = Impossible<String, NotFlat>;
    type SerializeMap = Impossible<String, NotFlat>;
    type SerializeStruct = Impossible<String, NotFlat>;
    type SerializeStructVariant = Impossible<String, NotFlat>;

    fn serialize_bool(self, v: bool) -> R<String> {
        Ok(v.to_string())
    }
    fn serialize_i8(self, v: i8) -> R<String> {
        Ok(v.to_string())
    }
    fn serialize_i16(self, v: i16) -> R<String> {
        Ok(v.to_string())
    }
    fn serialize_i32(self, v: i32) -> R<String> {
        Ok(v.to_string())
    }
    fn serialize_i64(self, v: i64) -> R<String> {
        Ok(v.to_string())
    }
    fn serialize_u8(self, v: u8) -> R<String> {
        Ok(v.to_string())
    }
    fn serialize_u16(self, v: u16) -> R<String> {
        Ok(v.to_string())
    }
    fn serialize_u32(self, v: u32) -> R<String> {
        Ok(v.to_string())
    }
    fn serialize_u64(self, v: u64) -> R<String> {
        Ok(v.to_string())
    }
    fn serialize_f32(self, v: f32) -> R<String> {
        Ok(v.to_string())
    }
    fn serialize_f64(self, v: f64) -> R<String> {
        Ok(v.to_string())
    }
    fn serialize_char(self, v: char) -> R<String> {
        Ok(v.to_string())
    }
    fn serialize_str(self, v: &str) -> R<String> {
        Ok(v.to_string())
    }
    fn serialize_bytes(self, _: &[u8]) -> R<String> {
        not_flat("bytes")
    }
    fn serialize_none(self) -> R<String> {
        Ok(String::new())
    }
    fn serialize_some<T: ?Sized + Serialize>(self, v: &T) -> R<String> {
        v.serialize(self)
    }
    fn serialize_unit(self) -> R<String> {
        Ok(String::new())
    }
    fn serialize_unit_struct(self, _: &'static str) -> R<String> {
        Ok(String::new())
    }
    fn serialize_unit_variant(self, _: &'static str, _: u32, name: &'static str) -> R<String> {
        Ok(name.to_string())
    }
    fn serialize_newtype_struct<T: ?Sized + Serialize>(self, _: &'static str, v: &T) -> R<String> {
        v.serialize(self)
    }
    fn serialize_newtype_variant<T: ?Sized + Serialize>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> R<String> {
        not_flat("a variant with data")
    }
    fn serialize_seq(self, _: Option<usize>) -> R<Self::SerializeSeq> {
        not_flat("a list")
    }
    fn serialize_tuple(self, _: usize) -> R<Self::SerializeTuple> {
        not_flat("a tuple")
    }
    fn serialize_tuple_struct(self, _: &'static str, _: usize) -> R<Self::SerializeTupleStruct> {
        not_flat("a tuple")
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> R<Self::SerializeTupleVariant> {
        not_flat("a tuple")
    }
    fn serialize_map(self, _: Option<usize>) -> R<Self::SerializeMap> {
        not_flat("a map")
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> R<Self::SerializeStruct> {
        not_flat("a struct")
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> R<Self::SerializeStructVariant> {
        not_flat("a variant")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Serialize, Default)]
    struct Row {
        name: String,
        count: u32,
        ok: Option<bool>,
        state: Option<crate::report::State>,
    }

    #[derive(Serialize, Default)]
    struct Wider {
        #[serde(flatten)]
        row: Row,
        #[serde(flatten)]
        more: Option<More>,
    }

    #[derive(Serialize, Default)]
    struct More {
        extra: String,
    }

    #[test]
    fn rows_become_safe_lines_with_one_header() {
        let mut csv = Csv::default();
        csv.row(&Row {
            name: "a,\"b\"".into(),
            count: 3,
            ok: Some(true),
            state: Some(crate::report::State::NotOffered),
        });
        csv.row(&Row {
            name: "=1+1\u{1b}[2J".into(),
            ..Row::default()
        });
        assert_eq!(
            csv.take(),
            "name,count,ok,state\r\n\"a,\"\"b\"\"\",3,true,not_offered\r\n'=1+1 [2J,0,,\r\n"
        );
        let mut csv = Csv::default();
        csv.header_of::<Row>();
        assert_eq!(csv.take(), "name,count,ok,state\r\n");
        let mut csv = Csv::default();
        csv.row(&Wider {
            more: Some(More { extra: "x".into() }),
            ..Wider::default()
        });
        assert_eq!(csv.take(), "name,count,ok,state,extra\r\n,0,,,x\r\n");
    }
}
