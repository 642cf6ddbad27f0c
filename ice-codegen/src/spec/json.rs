//! JSON text → [`Value`], reporting every duplicate object key with its JSON pointer.
//!
//! Hand-written because `serde_json::Value` silently keeps the last of two equal keys and has no
//! option to refuse them; a spec with `"required": true, …, "required": false` would then load as
//! whatever came last. This is serde_json's own parser driving a `Deserialize` visitor that builds
//! the same `Value` while tracking the path, so it costs about what `serde_json::from_str::<Value>`
//! costs (measured in `benches/spec.rs`).

use std::fmt;
use std::path::Path;

use serde::de::{DeserializeSeed, Deserializer, Error as _, MapAccess, SeqAccess, Visitor};
use serde_json::map::Entry;
use serde_json::{Map, Number, Value};

use super::node::escape_token;
use crate::output::{CodegenError, Diagnostics};

/// Parses `text`; each duplicate key is recorded in `diag` (the first value is kept) and parsing
/// goes on. A syntax error ends the parse and is returned, with its line and column.
pub fn parse_json(file: &Path, text: &str, diag: &mut Diagnostics) -> Result<Value, CodegenError> {
    let mut ctx = Ctx {
        path: Vec::new(),
        duplicates: Vec::new(),
    };
    let mut de = serde_json::Deserializer::from_str(text);
    let parsed = Seed { ctx: &mut ctx }
        .deserialize(&mut de)
        .and_then(|v| de.end().map(|()| v));
    for (pointer, key) in ctx.duplicates {
        diag.error(CodegenError::new(
            file,
            pointer,
            format!("duplicate key `{key}` in this object; each key may appear once (JSON parsers disagree on which copy wins)"),
        ));
    }
    parsed.map_err(|e| CodegenError::new(file, "", format!("invalid JSON: {e}")))
}

enum Token {
    Key(String),
    Index(usize),
}

struct Ctx {
    /// Path from the root to the value being parsed.
    path: Vec<Token>,
    /// (pointer, key) of every duplicate.
    duplicates: Vec<(String, String)>,
}

impl Ctx {
    fn pointer(&self) -> String {
        let mut p = String::new();
        for t in &self.path {
            p.push('/');
            match t {
                Token::Key(k) => p.push_str(&escape_token(k)),
                Token::Index(i) => p.push_str(&i.to_string()),
            }
        }
        p
    }
}

struct Seed<'c> {
    ctx: &'c mut Ctx,
}

impl<'de> DeserializeSeed<'de> for Seed<'_> {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Seed<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }

    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        // JSON text cannot spell NaN or infinity, so `from_f64` only fails on input serde_json
        // already rejected; map it to null like `serde_json::Value` does.
        Ok(Number::from_f64(v).map_or(Value::Null, Value::Number))
    }

    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }

    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut out = Vec::new();
        loop {
            self.ctx.path.push(Token::Index(out.len()));
            let next = seq.next_element_seed(Seed {
                ctx: &mut *self.ctx,
            });
            self.ctx.path.pop();
            match next? {
                Some(v) => out.push(v),
                None => return Ok(Value::Array(out)),
            }
        }
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut out = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            self.ctx.path.push(Token::Key(key));
            let value = map.next_value_seed(Seed {
                ctx: &mut *self.ctx,
            });
            let Some(Token::Key(key)) = self.ctx.path.pop() else {
                return Err(A::Error::custom("path stack out of step"));
            };
            let value = value?;
            match out.entry(key) {
                Entry::Vacant(slot) => {
                    slot.insert(value);
                }
                Entry::Occupied(slot) => {
                    let key = slot.key();
                    let pointer = format!("{}/{}", self.ctx.pointer(), escape_token(key));
                    self.ctx.duplicates.push((pointer, key.clone()));
                }
            }
        }
        Ok(Value::Object(out))
    }
}
