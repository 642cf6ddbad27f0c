//! Field type expressions of the overlay: `string`, `list<SubHeading>`, `json_string<json>`, ….

/// A parsed field type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ty {
    /// `string` → `String`.
    String,
    /// `bool` → `bool`.
    Bool,
    /// `integer` → `i64`.
    Integer,
    /// `number` → `jobs::Number` (keeps `1` and `1.0` apart).
    Number,
    /// `number_or_string` → `jobs::NumberOrString`.
    NumberOrString,
    /// `json` → `serde_json::Value`.
    Json,
    /// `list<T>` → `Vec<T>`.
    List(Box<Ty>),
    /// `json_string<T>` → a raw `String` holding JSON, parsed by an accessor.
    JsonString(Box<Ty>),
    /// A declared type.
    Named(String),
}

impl Ty {
    /// Parses a type expression.
    pub fn parse(s: &str) -> Result<Ty, String> {
        let s = s.trim();
        let generic = |prefix: &str| -> Option<&str> {
            s.strip_prefix(prefix)
                .and_then(|r| r.strip_prefix('<'))
                .and_then(|r| r.strip_suffix('>'))
        };
        if let Some(inner) = generic("list") {
            return Ok(Ty::List(Box::new(Ty::parse(inner)?)));
        }
        if let Some(inner) = generic("json_string") {
            return Ok(Ty::JsonString(Box::new(Ty::parse(inner)?)));
        }
        Ok(match s {
            "string" => Ty::String,
            "bool" => Ty::Bool,
            "integer" => Ty::Integer,
            "number" => Ty::Number,
            "number_or_string" => Ty::NumberOrString,
            "json" => Ty::Json,
            _ if s.chars().next().is_some_and(|c| c.is_ascii_uppercase())
                && s.chars().all(|c| c.is_ascii_alphanumeric()) =>
            {
                Ty::Named(s.to_owned())
            }
            _ => {
                return Err(format!(
                    "{s:?} is not a type: expected string, bool, integer, number, \
                     number_or_string, json, list<T>, json_string<T> or a declared type name"
                ))
            }
        })
    }

    /// Calls `f` on this type and every type inside it.
    pub fn visit(&self, f: &mut dyn FnMut(&Ty)) {
        f(self);
        match self {
            Ty::List(t) | Ty::JsonString(t) => t.visit(f),
            _ => {}
        }
    }

    /// Whether the default parameter style is a plain string.
    pub fn is_scalar(&self) -> bool {
        matches!(self, Ty::String | Ty::Bool | Ty::Integer)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nested_generics_parse() {
        assert_eq!(
            Ty::parse("list<list<Media>>").unwrap(),
            Ty::List(Box::new(Ty::List(Box::new(Ty::Named("Media".into())))))
        );
        assert!(Ty::parse("list<strin>").unwrap_err().contains("\"strin\""));
    }
}
