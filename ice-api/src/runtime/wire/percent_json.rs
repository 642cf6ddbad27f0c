//! Compact JSON written straight into a percent-encoded buffer: what `serde_json::to_string`
//! followed by [`percent::encode_bytes`] produces, byte for byte, in one pass and without the
//! decoded copy. Structural characters are constants (`{` → `%7B`, `"` → `%22`, …); string
//! contents go through the encoding table once (after a vectorisable check for bytes JSON
//! escapes); numbers are formatted by `serde_json`'s own `CompactFormatter` (integers straight
//! into the buffer, their text is unreserved; floats through the table, `1e+300` holds a `+`).
//! The length of the JSON itself is counted as it is written (`UserData` is limited on it).
//!
//! Hand-written rather than `serde_json` with a custom `Formatter` (the previous design): that
//! interface scans every string twice (serde_json's escape search, then the encoding) through
//! generic `io::Write` plumbing and formats floats through a temporary `Vec`. Encoding the seed
//! request's parameters took 1.23 µs that way and takes ≈0.95 µs this way.
//!
//! Anything unusual — a map key serde_json would reject or render in a way this module does not
//! reproduce, serde_json's private `$serde_json::private::*` structs (raw values, arbitrary
//! precision numbers), a `Serialize` impl failing — yields [`Unsupported`]; the caller then
//! discards what was written and takes the `serde_json` path, so results and errors never
//! differ from it.
//!
//! The overlay's config structs skip the serde plumbing altogether: their generated
//! [`DirectJson`] impls drive this writer field by field (see [`direct`]).

use std::fmt;

use serde::ser::{self, Impossible, Serialize};
use serde_json::ser::{CompactFormatter, Formatter as _};

use crate::runtime::sign::percent::{self, Table};

mod direct;

pub use direct::{DirectJson, JsonObject, JsonWriter};

/// Appends `value` as compact JSON, percent-encoded with `+` for space when `form` (RFC 3986
/// otherwise), to `out`; returns the length of the JSON text. On `Err` `out` holds a partial
/// value the caller must discard.
pub(super) fn write<T: Serialize + ?Sized>(
    out: &mut Vec<u8>,
    value: &T,
    form: bool,
) -> Result<usize, Unsupported> {
    let mut ser = PercentJson {
        out,
        table: percent::table_for(form),
        raw: 0,
    };
    value.serialize(&mut ser)?;
    Ok(ser.raw)
}

/// [`write`] for a value with a generated encoder ([`DirectJson`]): the same output.
pub(super) fn write_direct<T: DirectJson + ?Sized>(
    out: &mut Vec<u8>,
    value: &T,
    form: bool,
) -> Result<usize, Unsupported> {
    let mut w = JsonWriter(PercentJson {
        out,
        table: percent::table_for(form),
        raw: 0,
    });
    value.write_json(&mut w)?;
    Ok(w.0.raw)
}

/// The value needs the `serde_json` path (see the module doc).
#[doc(hidden)]
#[derive(Debug)]
pub struct Unsupported;

impl fmt::Display for Unsupported {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("not supported by the one-pass JSON encoder")
    }
}

impl std::error::Error for Unsupported {}

impl ser::Error for Unsupported {
    fn custom<T: fmt::Display>(_: T) -> Self {
        Self
    }
}

/// Prefix of the struct names serde_json gives its raw values and arbitrary-precision numbers.
const SERDE_JSON_PRIVATE: &str = "$serde_json::private::";

/// What a string byte needs, by byte: [`ENCODED`] unless RFC 3986 leaves it as it is, plus
/// [`ESCAPED`] if JSON escapes it.
#[cfg(test)]
static CLASS: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        t[b] = if percent::UNRESERVED[b] { 0 } else { ENCODED }
            | if c < 0x20 || c == b'"' || c == b'\\' {
                ESCAPED
            } else {
                0
            };
        b += 1;
    }
    t
};
const ENCODED: u8 = 1;
const ESCAPED: u8 = 2;

/// The union of the classes of `bytes` (what `CLASS` holds per byte), with comparisons
/// instead of table lookups so that the loop vectorises (a JSON string is scanned once before
/// it is written).
#[inline]
fn classes(bytes: &[u8]) -> u8 {
    let (encoded, escaped) = bytes.iter().fold((false, false), |(enc, esc), &b| {
        let lower = b | 0x20;
        // Range checks as one unsigned comparison each.
        let unreserved = (lower.wrapping_sub(b'a') < 26)
            | (b.wrapping_sub(b'0') < 10)
            | (b == b'-')
            | (b == b'.')
            | (b == b'_')
            | (b == b'~');
        let escape = (b < 0x20) | (b == b'"') | (b == b'\\');
        (enc | !unreserved, esc | escape)
    });
    (if encoded { ENCODED } else { 0 }) | if escaped { ESCAPED } else { 0 }
}

/// Whether JSON escapes byte `b`.
#[inline]
fn is_escaped(b: u8) -> bool {
    (b < 0x20) | (b == b'"') | (b == b'\\')
}

/// The JSON escape of byte `b` (`serde_json`'s: short forms, else `\u00xx` in lower-case hex),
/// percent-encoded, if `b` needs one; with its JSON length.
fn escape(b: u8) -> Option<(&'static [u8], usize)> {
    const HEX_LOWER: &[u8; 16] = b"0123456789abcdef";
    static U00: [[u8; 8]; 32] = {
        let mut t = [[0u8; 8]; 32];
        let mut b = 0;
        while b < 32 {
            t[b] = [
                b'%',
                b'5',
                b'C',
                b'u',
                b'0',
                b'0',
                HEX_LOWER[b >> 4],
                HEX_LOWER[b & 0x0f],
            ];
            b += 1;
        }
        t
    };
    let short: &'static [u8] = match b {
        b'"' => b"%5C%22",
        b'\\' => b"%5C%5C",
        0x08 => b"%5Cb",
        b'\t' => b"%5Ct",
        b'\n' => b"%5Cn",
        0x0c => b"%5Cf",
        b'\r' => b"%5Cr",
        _ => return U00.get(usize::from(b)).map(|e| (&e[..], 6)),
    };
    Some((short, 2))
}

/// The serializer: the encoded output, its table and the JSON length so far.
struct PercentJson<'a> {
    out: &'a mut Vec<u8>,
    table: &'static Table,
    raw: usize,
}

impl PercentJson<'_> {
    /// One JSON punctuation character, `encoded` (`%XX`) standing for it.
    #[inline]
    fn punct(&mut self, encoded: &[u8; 3]) {
        self.out.extend_from_slice(encoded);
        self.raw += 1;
    }

    /// Text that percent-encoding leaves as it is (integers, `true`, `null`), written by `f`.
    #[inline]
    fn plain(
        &mut self,
        f: impl FnOnce(&mut Vec<u8>) -> std::io::Result<()>,
    ) -> Result<(), Unsupported> {
        let start = self.out.len();
        f(self.out).map_err(|_| Unsupported)?;
        self.raw += self.out.len() - start;
        Ok(())
    }

    /// A float's text (`1e+300`: it may hold a `+`), written by `f` into a stack buffer, then
    /// through the table.
    fn float(
        &mut self,
        f: impl FnOnce(&mut &mut [u8]) -> std::io::Result<()>,
    ) -> Result<(), Unsupported> {
        // The longest float text is 24 bytes (`-1.7976931348623157e+308`).
        let mut buf = [0u8; 32];
        let mut free = &mut buf[..];
        f(&mut free).map_err(|_| Unsupported)?;
        let len = 32 - free.len();
        let text = buf.get(..len).ok_or(Unsupported)?;
        percent::encode_raw(self.out, text, self.table);
        self.raw += len;
        Ok(())
    }

    /// A JSON string: quotes, escapes, contents through the table.
    fn string(&mut self, s: &str) {
        self.punct(b"%22");
        let mut rest = s.as_bytes();
        self.raw += rest.len();
        let class = classes(rest);
        if class == 0 {
            // Object keys, enum values, plain ids: copied as they are, short ones byte by byte
            // (cheaper than a call to `memcpy`).
            if rest.len() <= 16 {
                self.out.reserve(rest.len() + 3);
                for &b in rest {
                    self.out.push(b);
                }
            } else {
                self.out.extend_from_slice(rest);
            }
            self.punct(b"%22");
            return;
        }
        if class & ESCAPED != 0 {
            while let Some(i) = rest.iter().position(|&b| is_escaped(b)) {
                let (run, tail) = rest.split_at(i);
                percent::encode_raw(self.out, run, self.table);
                if let Some((&b, tail)) = tail.split_first() {
                    if let Some((encoded, json_len)) = escape(b) {
                        self.out.extend_from_slice(encoded);
                        self.raw += json_len - 1;
                    }
                    rest = tail;
                }
            }
        }
        percent::encode_raw(self.out, rest, self.table);
        self.punct(b"%22");
    }

    /// `{"variant":` of an externally tagged enum value.
    fn variant_key(&mut self, variant: &str) {
        self.punct(b"%7B");
        self.string(variant);
        self.punct(b"%3A");
    }
}

/// An array or object being written. `Empty`: the length was given as 0, so the closing
/// bracket is already written (serde_json does the same).
#[derive(PartialEq, Eq)]
enum State {
    Empty,
    First,
    Rest,
}

/// The compound serializer for arrays and objects; with `close_variant`, `end` also closes the
/// `{"variant":` an externally tagged enum opened around it.
struct Compound<'b, 'a> {
    ser: &'b mut PercentJson<'a>,
    state: State,
    close_variant: bool,
}

impl<'b, 'a> Compound<'b, 'a> {
    /// Writes `open` (and `close` right away when `len` is `Some(0)`).
    fn open(
        ser: &'b mut PercentJson<'a>,
        open: &[u8; 3],
        close: &[u8; 3],
        len: Option<usize>,
        close_variant: bool,
    ) -> Self {
        ser.punct(open);
        let state = if len == Some(0) {
            ser.punct(close);
            State::Empty
        } else {
            State::First
        };
        Self {
            ser,
            state,
            close_variant,
        }
    }

    /// The `,` before every element but the first.
    fn separator(&mut self) {
        if self.state != State::First {
            self.ser.punct(b"%2C");
        }
        self.state = State::Rest;
    }

    fn element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Unsupported> {
        self.separator();
        value.serialize(&mut *self.ser)
    }

    fn key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), Unsupported> {
        self.separator();
        key.serialize(KeySerializer(&mut *self.ser))
    }

    fn value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Unsupported> {
        self.ser.punct(b"%3A");
        value.serialize(&mut *self.ser)
    }

    fn field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), Unsupported> {
        self.separator();
        self.ser.string(key);
        self.value(value)
    }

    fn close(self, close: &[u8; 3]) -> Result<(), Unsupported> {
        if self.state != State::Empty {
            self.ser.punct(close);
        }
        if self.close_variant {
            self.ser.punct(b"%7D");
        }
        Ok(())
    }
}

/// Forwards every integer type to `CompactFormatter`.
macro_rules! integers {
    ($($method:ident: $t:ty => $write:ident),*) => {$(
        fn $method(self, v: $t) -> Result<(), Unsupported> {
            self.plain(|out| CompactFormatter.$write(out, v))
        }
    )*};
}

impl<'b, 'a> ser::Serializer for &'b mut PercentJson<'a> {
    type Ok = ();
    type Error = Unsupported;
    type SerializeSeq = Compound<'b, 'a>;
    type SerializeTuple = Compound<'b, 'a>;
    type SerializeTupleStruct = Compound<'b, 'a>;
    type SerializeTupleVariant = Compound<'b, 'a>;
    type SerializeMap = Compound<'b, 'a>;
    type SerializeStruct = Compound<'b, 'a>;
    type SerializeStructVariant = Compound<'b, 'a>;

    integers!(
        serialize_i8: i8 => write_i8, serialize_i16: i16 => write_i16,
        serialize_i32: i32 => write_i32, serialize_i64: i64 => write_i64,
        serialize_i128: i128 => write_i128, serialize_u8: u8 => write_u8,
        serialize_u16: u16 => write_u16, serialize_u32: u32 => write_u32,
        serialize_u64: u64 => write_u64, serialize_u128: u128 => write_u128
    );

    fn serialize_bool(self, v: bool) -> Result<(), Unsupported> {
        self.plain(|out| CompactFormatter.write_bool(out, v))
    }

    fn serialize_f32(self, v: f32) -> Result<(), Unsupported> {
        if v.is_finite() {
            self.float(|out| CompactFormatter.write_f32(out, v))
        } else {
            self.serialize_unit()
        }
    }

    fn serialize_f64(self, v: f64) -> Result<(), Unsupported> {
        if v.is_finite() {
            self.float(|out| CompactFormatter.write_f64(out, v))
        } else {
            self.serialize_unit()
        }
    }

    fn serialize_char(self, v: char) -> Result<(), Unsupported> {
        self.string(v.encode_utf8(&mut [0; 4]));
        Ok(())
    }

    fn serialize_str(self, v: &str) -> Result<(), Unsupported> {
        self.string(v);
        Ok(())
    }

    fn serialize_bytes(self, v: &[u8]) -> Result<(), Unsupported> {
        let mut seq = Compound::open(self, b"%5B", b"%5D", Some(v.len()), false);
        for b in v {
            seq.element(b)?;
        }
        seq.close(b"%5D")
    }

    fn serialize_none(self) -> Result<(), Unsupported> {
        self.serialize_unit()
    }

    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<(), Unsupported> {
        value.serialize(self)
    }

    fn serialize_unit(self) -> Result<(), Unsupported> {
        self.plain(|out| CompactFormatter.write_null(out))
    }

    fn serialize_unit_struct(self, _: &'static str) -> Result<(), Unsupported> {
        self.serialize_unit()
    }

    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
    ) -> Result<(), Unsupported> {
        self.serialize_str(variant)
    }

    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        value: &T,
    ) -> Result<(), Unsupported> {
        value.serialize(self)
    }

    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<(), Unsupported> {
        self.variant_key(variant);
        value.serialize(&mut *self)?;
        self.punct(b"%7D");
        Ok(())
    }

    fn serialize_seq(self, len: Option<usize>) -> Result<Compound<'b, 'a>, Unsupported> {
        Ok(Compound::open(self, b"%5B", b"%5D", len, false))
    }

    fn serialize_tuple(self, len: usize) -> Result<Compound<'b, 'a>, Unsupported> {
        self.serialize_seq(Some(len))
    }

    fn serialize_tuple_struct(
        self,
        _: &'static str,
        len: usize,
    ) -> Result<Compound<'b, 'a>, Unsupported> {
        self.serialize_seq(Some(len))
    }

    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<Compound<'b, 'a>, Unsupported> {
        self.variant_key(variant);
        Ok(Compound::open(self, b"%5B", b"%5D", Some(len), true))
    }

    fn serialize_map(self, len: Option<usize>) -> Result<Compound<'b, 'a>, Unsupported> {
        Ok(Compound::open(self, b"%7B", b"%7D", len, false))
    }

    fn serialize_struct(
        self,
        name: &'static str,
        len: usize,
    ) -> Result<Compound<'b, 'a>, Unsupported> {
        if name.starts_with(SERDE_JSON_PRIVATE) {
            return Err(Unsupported);
        }
        self.serialize_map(Some(len))
    }

    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<Compound<'b, 'a>, Unsupported> {
        self.variant_key(variant);
        Ok(Compound::open(self, b"%7B", b"%7D", Some(len), true))
    }
}

/// The four list-like compounds: elements after `[`, closed by `]`.
macro_rules! list_compounds {
    ($($trait:ident::$method:ident),*) => {$(
        impl ser::$trait for Compound<'_, '_> {
            type Ok = ();
            type Error = Unsupported;

            fn $method<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Unsupported> {
                self.element(value)
            }

            fn end(self) -> Result<(), Unsupported> {
                self.close(b"%5D")
            }
        }
    )*};
}

list_compounds!(
    SerializeSeq::serialize_element,
    SerializeTuple::serialize_element,
    SerializeTupleStruct::serialize_field,
    SerializeTupleVariant::serialize_field
);

impl ser::SerializeMap for Compound<'_, '_> {
    type Ok = ();
    type Error = Unsupported;

    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), Unsupported> {
        self.key(key)
    }

    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Unsupported> {
        self.value(value)
    }

    fn end(self) -> Result<(), Unsupported> {
        self.close(b"%7D")
    }
}

impl ser::SerializeStruct for Compound<'_, '_> {
    type Ok = ();
    type Error = Unsupported;

    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), Unsupported> {
        self.field(key, value)
    }

    fn end(self) -> Result<(), Unsupported> {
        self.close(b"%7D")
    }
}

impl ser::SerializeStructVariant for Compound<'_, '_> {
    type Ok = ();
    type Error = Unsupported;

    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), Unsupported> {
        self.field(key, value)
    }

    fn end(self) -> Result<(), Unsupported> {
        self.close(b"%7D")
    }
}

/// Object keys: strings, and integers quoted as serde_json quotes them; every other key kind is
/// [`Unsupported`] (serde_json rejects most of them, and its rendering of the rest is left to
/// it).
struct KeySerializer<'b, 'a>(&'b mut PercentJson<'a>);

/// Forwards every integer key to `CompactFormatter`, inside quotes.
macro_rules! integer_keys {
    ($($method:ident: $t:ty => $write:ident),*) => {$(
        fn $method(self, v: $t) -> Result<(), Unsupported> {
            self.0.punct(b"%22");
            self.0.plain(|out| CompactFormatter.$write(out, v))?;
            self.0.punct(b"%22");
            Ok(())
        }
    )*};
}

/// Key kinds left to serde_json.
macro_rules! unsupported_keys {
    ($($method:ident($($t:ty),*)),*) => {$(
        fn $method(self, $(_: $t),*) -> Result<(), Unsupported> {
            Err(Unsupported)
        }
    )*};
}

impl ser::Serializer for KeySerializer<'_, '_> {
    type Ok = ();
    type Error = Unsupported;
    type SerializeSeq = Impossible<(), Unsupported>;
    type SerializeTuple = Impossible<(), Unsupported>;
    type SerializeTupleStruct = Impossible<(), Unsupported>;
    type SerializeTupleVariant = Impossible<(), Unsupported>;
    type SerializeMap = Impossible<(), Unsupported>;
    type SerializeStruct = Impossible<(), Unsupported>;
    type SerializeStructVariant = Impossible<(), Unsupported>;

    integer_keys!(
        serialize_i8: i8 => write_i8, serialize_i16: i16 => write_i16,
        serialize_i32: i32 => write_i32, serialize_i64: i64 => write_i64,
        serialize_i128: i128 => write_i128, serialize_u8: u8 => write_u8,
        serialize_u16: u16 => write_u16, serialize_u32: u32 => write_u32,
        serialize_u64: u64 => write_u64, serialize_u128: u128 => write_u128
    );

    unsupported_keys!(
        serialize_bool(bool),
        serialize_f32(f32),
        serialize_f64(f64),
        serialize_bytes(&[u8]),
        serialize_none(),
        serialize_unit(),
        serialize_unit_struct(&'static str)
    );

    fn serialize_str(self, v: &str) -> Result<(), Unsupported> {
        self.0.string(v);
        Ok(())
    }

    fn serialize_char(self, v: char) -> Result<(), Unsupported> {
        self.serialize_str(v.encode_utf8(&mut [0; 4]))
    }

    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<(), Unsupported> {
        value.serialize(self)
    }

    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
    ) -> Result<(), Unsupported> {
        self.serialize_str(variant)
    }

    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        value: &T,
    ) -> Result<(), Unsupported> {
        value.serialize(self)
    }

    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<(), Unsupported> {
        Err(Unsupported)
    }

    fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq, Unsupported> {
        Err(Unsupported)
    }

    fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple, Unsupported> {
        Err(Unsupported)
    }

    fn serialize_tuple_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleStruct, Unsupported> {
        Err(Unsupported)
    }

    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant, Unsupported> {
        Err(Unsupported)
    }

    fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap, Unsupported> {
        Err(Unsupported)
    }

    fn serialize_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStruct, Unsupported> {
        Err(Unsupported)
    }

    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant, Unsupported> {
        Err(Unsupported)
    }
}

#[cfg(test)]
mod tests {
    /// The vectorised scan classifies every byte as the table does, alone and among others.
    #[test]
    fn the_scan_agrees_with_the_class_table() {
        for b in 0..=255u8 {
            let class = super::CLASS[usize::from(b)];
            assert_eq!(super::classes(&[b]), class, "byte {b:#04x}");
            assert_eq!(
                super::classes(&[b'a', b, b'Z', b'9']),
                class,
                "byte {b:#04x}"
            );
        }
        assert_eq!(super::classes(b""), 0);
    }

    use std::collections::BTreeMap;

    use proptest::prelude::*;
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;
    use serde_json::{json, Value};

    use super::*;

    /// The fallback's result: `serde_json::to_string`, then the percent table.
    fn reference<T: Serialize + ?Sized>(value: &T, form: bool) -> (Vec<u8>, usize) {
        let json = serde_json::to_string(value).unwrap();
        let mut out = Vec::new();
        percent::encode_bytes(&mut out, &json, form);
        (out, json.len())
    }

    /// Asserts identity with the fallback for both tables, after a prefix already in the buffer.
    fn assert_same<T: Serialize + ?Sized + fmt::Debug>(value: &T) {
        for form in [false, true] {
            let mut out = b"K=".to_vec();
            let raw = write(&mut out, value, form).unwrap();
            let (expected, expected_raw) = reference(value, form);
            assert_eq!(
                String::from_utf8_lossy(out.get(2..).unwrap()),
                String::from_utf8_lossy(&expected),
                "form={form}: {value:?}"
            );
            assert_eq!(raw, expected_raw, "form={form}: {value:?}");
        }
    }

    /// Strings with every byte class: control characters, quotes, backslashes, reserved and
    /// unreserved ASCII, space, DEL, CJK, emoji.
    pub(super) fn strings() -> impl Strategy<Value = String> {
        prop_oneof![
            any::<String>(),
            "[\\x00-\\x7f]{0,24}",
            "[ \"\\\\/\\n\\r\\t\\x08\\x0c\\x01\\x1f+&=%中🎬a-z]{0,24}",
            Just(String::new()),
        ]
    }

    fn numbers() -> impl Strategy<Value = Value> {
        prop_oneof![
            any::<i64>().prop_map(Value::from),
            any::<u64>().prop_map(Value::from),
            any::<f64>().prop_map(Value::from),
            prop::sample::select(vec![
                0.3,
                1e300,
                -0.0,
                0.0,
                1e-7,
                -1.5e-300,
                f64::MAX,
                f64::MIN_POSITIVE,
                123456789.125,
            ])
            .prop_map(Value::from),
            prop::sample::select(vec![i64::MIN, i64::MAX, 0, -1]).prop_map(Value::from),
            Just(Value::from(u64::MAX)),
        ]
    }

    pub(super) fn values() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            numbers(),
            strings().prop_map(Value::String),
        ];
        leaf.prop_recursive(4, 48, 6, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
                prop::collection::vec((strings(), inner), 0..6)
                    .prop_map(|kv| Value::Object(kv.into_iter().collect())),
            ]
        })
    }

    #[test]
    fn generated_values_encode_as_the_fallback_does() {
        let mut runner = TestRunner::deterministic();
        let strategy = values();
        for _ in 0..3_000 {
            assert_same(&strategy.new_tree(&mut runner).unwrap().current());
        }
    }

    #[test]
    fn edge_values_encode_as_the_fallback_does() {
        let all_bytes: String = (0..=0x7f_u8).map(char::from).collect();
        assert_same(&json!({
            "s": all_bytes,
            "cjk": "夏天到了，轻装出发", "emoji": "🎬👍🏽", "space": "a b+c",
            "n": [0.3, 1e300, -0.0, i64::MIN, i64::MAX, u64::MAX, 2.5e-8],
            "empty": [[], {}, ""], "nested": [[[{"a": [{}]}]]], "null": null, "t": true,
        }));
        assert_same(&json!([]));
        assert_same(&json!({}));
        assert_same(&json!(""));
        assert_same(&f64::NAN);
        assert_same(&f32::INFINITY);
        assert_same(&0.1_f32);
        assert_same(&i128::MIN);
        assert_same(&u128::MAX);
        assert_same(&'"');
        assert_same(&());
        assert_same(&Some(Unit));
        assert_same(&Bytes(&[0, 1, 255]));
        assert_same(&Bytes(&[]));
        assert_same(&BTreeMap::from([(-3_i64, "a"), (7, "b")]));
        assert_same(&BTreeMap::from([('k', 1)]));
        assert_same(&BTreeMap::from([(Key::Variant, 1)]));
        for kind in [
            Kind::Unit,
            Kind::Newtype("x y".into()),
            Kind::Tuple(1, -2.5),
            Kind::Struct { a: 0, b: None },
            Kind::EmptyTuple(),
            Kind::EmptyStruct {},
        ] {
            assert_same(&kind);
            assert_same(&vec![kind.clone(), kind]);
        }
        assert_same(&Typed {
            name: "Smart Mix*".into(),
            skipped: None,
            tags: vec![],
            pair: (1, "\u{7f}".into()),
            extra: BTreeMap::from([("Z".into(), json!({"q": "\"'"}))]),
        });
    }

    /// The seed request's typed configs, as the client encodes them.
    #[cfg(feature = "media-production")]
    #[test]
    fn typed_configs_encode_as_the_fallback_does() {
        use crate::media_production::{
            BackgroundMusicConfig, EditingConfig, MediaConfig, OutputConfig, SmartMixInputConfig,
            SpeechConfig, UserData,
        };
        assert_same(
            &SmartMixInputConfig::from_media_array(["****9d46c886b45481030f6e****"])
                .with_speech_text_array(["夏天到了，轻装出发。", "A cup of coffee, a new road."])
                .with_background_music_array(["m1"]),
        );
        assert_same(
            &EditingConfig::new()
                .with_media_config(MediaConfig::new().with_volume(0))
                .with_speech_config(SpeechConfig::new().with_volume(1).with_voice("zhiru"))
                .with_background_music_config(BackgroundMusicConfig::new().with_volume(0.3)),
        );
        assert_same(
            &OutputConfig::new("https://b.oss-cn-shanghai.aliyuncs.com/out/{index}.mp4")
                .with_count(2)
                .with_width(1080),
        );
        assert_same(&UserData::new().with_notify_address("https://example.com/ice/callback"));
    }

    #[test]
    fn unusual_values_are_left_to_serde_json() {
        let unsupported = |value: &dyn erased::Ser| {
            let mut out = Vec::new();
            value.write(&mut out).is_err()
        };
        assert!(unsupported(&BTreeMap::from([(true, 1)])));
        assert!(unsupported(&BTreeMap::from([((), 1)])));
        assert!(unsupported(&BTreeMap::from([(vec![1u8], 1)])));
        assert!(unsupported(&Private));
        assert!(unsupported(&Failing));
    }

    /// Type-erased calls of [`write`] over test values of different types.
    mod erased {
        pub(super) trait Ser {
            fn write(&self, out: &mut Vec<u8>) -> Result<usize, super::Unsupported>;
        }

        impl<T: serde::Serialize> Ser for T {
            fn write(&self, out: &mut Vec<u8>) -> Result<usize, super::Unsupported> {
                super::write(out, self, false)
            }
        }
    }

    #[derive(Debug, serde::Serialize)]
    struct Unit;

    /// A unit variant as a map key.
    #[derive(Debug, serde::Serialize, PartialEq, Eq, PartialOrd, Ord)]
    enum Key {
        Variant,
    }

    #[derive(Debug, Clone, serde::Serialize)]
    enum Kind {
        Unit,
        Newtype(String),
        Tuple(i8, f64),
        Struct { a: u16, b: Option<bool> },
        EmptyTuple(),
        EmptyStruct {},
    }

    #[derive(Debug, serde::Serialize)]
    #[serde(rename_all = "PascalCase")]
    struct Typed {
        name: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        skipped: Option<u8>,
        tags: Vec<String>,
        pair: (u8, String),
        #[serde(flatten)]
        extra: BTreeMap<String, Value>,
    }

    /// Serialises through `serialize_bytes`.
    #[derive(Debug)]
    struct Bytes<'a>(&'a [u8]);

    impl Serialize for Bytes<'_> {
        fn serialize<S: ser::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            s.serialize_bytes(self.0)
        }
    }

    /// Looks like serde_json's raw value to a serializer.
    #[derive(Debug)]
    struct Private;

    impl Serialize for Private {
        fn serialize<S: ser::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            use ser::SerializeStruct as _;
            let mut st = s.serialize_struct("$serde_json::private::RawValue", 1)?;
            st.serialize_field("$serde_json::private::RawValue", "1")?;
            st.end()
        }
    }

    /// A `Serialize` impl that fails.
    #[derive(Debug)]
    struct Failing;

    impl Serialize for Failing {
        fn serialize<S: ser::Serializer>(&self, _: S) -> Result<S::Ok, S::Error> {
            Err(ser::Error::custom("no"))
        }
    }
}
