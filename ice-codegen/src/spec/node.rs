//! A JSON value plus the JSON pointer that leads to it, so every loader error can say exactly where
//! the problem is without the loader ever panicking.

use std::path::Path;

use serde_json::{Map, Value};

use crate::output::CodegenError;

/// Escapes one reference token for a JSON pointer (RFC 6901: `~` → `~0`, `/` → `~1`).
pub fn escape_token(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

/// Human name of a JSON value's type, for "expected X, found Y" messages.
pub fn json_type(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// A borrowed JSON node and its location.
#[derive(Clone, Copy)]
pub struct Node<'a> {
    /// The file being loaded (only for errors).
    pub file: &'a Path,
    /// The value at this location.
    pub value: &'a Value,
    ptr: &'a str,
}

/// Owned pointer storage so children can borrow a `Node` with a longer pointer.
pub struct Child<'a> {
    file: &'a Path,
    value: &'a Value,
    ptr: String,
}

impl<'a> Child<'a> {
    /// Borrows the child as a node.
    pub fn node(&self) -> Node<'_> {
        Node {
            file: self.file,
            value: self.value,
            ptr: &self.ptr,
        }
    }

    /// The child's pointer.
    pub fn pointer(&self) -> &str {
        &self.ptr
    }
}

impl<'a> Node<'a> {
    /// The document root.
    pub fn root(file: &'a Path, value: &'a Value) -> Self {
        Node {
            file,
            value,
            ptr: "",
        }
    }

    /// This node's JSON pointer.
    pub fn pointer(&self) -> &'a str {
        self.ptr
    }

    /// An error located at this node.
    pub fn error(&self, message: impl Into<String>) -> CodegenError {
        CodegenError::new(self.file, self.ptr, message)
    }

    /// An error located at child `key` of this node.
    pub fn error_at(&self, key: &str, message: impl Into<String>) -> CodegenError {
        CodegenError::new(
            self.file,
            format!("{}/{}", self.ptr, escape_token(key)),
            message,
        )
    }

    fn wrong(&self, expected: &str) -> CodegenError {
        self.error(format!(
            "expected {expected}, found {}",
            json_type(self.value)
        ))
    }

    /// This node as an object.
    pub fn object(&self) -> Result<&'a Map<String, Value>, CodegenError> {
        self.value
            .as_object()
            .ok_or_else(|| self.wrong("an object"))
    }

    /// This node as an array.
    pub fn array(&self) -> Result<&'a Vec<Value>, CodegenError> {
        self.value.as_array().ok_or_else(|| self.wrong("an array"))
    }

    /// This node as a string.
    pub fn string(&self) -> Result<&'a str, CodegenError> {
        self.value.as_str().ok_or_else(|| self.wrong("a string"))
    }

    /// This node as a boolean.
    pub fn boolean(&self) -> Result<bool, CodegenError> {
        self.value.as_bool().ok_or_else(|| self.wrong("a boolean"))
    }

    /// A child of an object node (`None` when this is not an object or the key is absent).
    pub fn get(&self, key: &str) -> Option<Child<'a>> {
        let value = self.value.as_object()?.get(key)?;
        Some(Child {
            file: self.file,
            value,
            ptr: format!("{}/{}", self.ptr, escape_token(key)),
        })
    }

    /// Element `i` of an array node.
    pub fn at(&self, i: usize, value: &'a Value) -> Child<'a> {
        Child {
            file: self.file,
            value,
            ptr: format!("{}/{i}", self.ptr),
        }
    }

    /// Member `key` of an object node, given its value.
    pub fn member(&self, key: &str, value: &'a Value) -> Child<'a> {
        Child {
            file: self.file,
            value,
            ptr: format!("{}/{}", self.ptr, escape_token(key)),
        }
    }

    /// Optional string member; `null` counts as absent.
    pub fn opt_str(&self, key: &str) -> Result<Option<String>, CodegenError> {
        match self.get(key) {
            None => Ok(None),
            Some(c) if c.value.is_null() => Ok(None),
            Some(c) => c.node().string().map(|s| Some(s.to_owned())),
        }
    }

    /// Optional boolean member; `null` counts as absent. Accepts the strings `"true"`/`"false"`,
    /// which some published files use.
    pub fn opt_bool(&self, key: &str) -> Result<Option<bool>, CodegenError> {
        match self.get(key) {
            None => Ok(None),
            Some(c) => match c.value {
                Value::Null => Ok(None),
                Value::Bool(b) => Ok(Some(*b)),
                Value::String(s) if s == "true" => Ok(Some(true)),
                Value::String(s) if s == "false" => Ok(Some(false)),
                _ => Err(c.node().wrong("a boolean")),
            },
        }
    }

    /// Optional number member given as a number or a numeric string (Alibaba writes bounds as
    /// strings, e.g. `"minimum": "1"`). Empty strings count as absent.
    pub fn opt_f64(&self, key: &str) -> Result<Option<f64>, CodegenError> {
        let Some(c) = self.get(key) else {
            return Ok(None);
        };
        let n = c.node();
        let v = match c.value {
            Value::Null => return Ok(None),
            Value::Number(x) => x.as_f64(),
            Value::String(s) if s.trim().is_empty() => return Ok(None),
            Value::String(s) => s.trim().parse::<f64>().ok(),
            _ => return Err(n.wrong("a number or a numeric string")),
        };
        match v {
            Some(x) if x.is_finite() => Ok(Some(x)),
            _ => Err(n.error(format!(
                "expected a finite number, found {}",
                compact(c.value)
            ))),
        }
    }

    /// Optional non-negative integer member (number or numeric string).
    pub fn opt_u64(&self, key: &str) -> Result<Option<u64>, CodegenError> {
        let Some(c) = self.get(key) else {
            return Ok(None);
        };
        let v = match c.value {
            Value::Null => return Ok(None),
            Value::Number(x) => x.as_u64(),
            Value::String(s) if s.trim().is_empty() => return Ok(None),
            Value::String(s) => s.trim().parse::<u64>().ok(),
            _ => return Err(c.node().wrong("a non-negative integer")),
        };
        v.map(Some).ok_or_else(|| {
            c.node().error(format!(
                "expected a non-negative integer, found {}",
                compact(c.value)
            ))
        })
    }
}

/// A short rendering of a value for messages.
pub fn compact(v: &Value) -> String {
    let s = v.to_string();
    if s.chars().count() > 60 {
        let cut: String = s.chars().take(57).collect();
        format!("{cut}...")
    } else {
        s
    }
}
