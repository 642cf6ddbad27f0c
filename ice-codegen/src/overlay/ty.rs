//! Type expressions of `types.yaml`: `string`, `list<SubHeading>`, `json_string<json>`, ….

/// A parsed type expression.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ty {
    /// `string`.
    String,
    /// `bool`.
    Bool,
    /// `integer` (i64).
    Integer,
    /// `number`: a JSON number that keeps its written form (`1` vs `1.0`).
    Number,
    /// `number_or_string`: a number, or a string holding one.
    NumberOrString,
    /// `json`: any JSON value.
    Json,
    /// `list<T>`.
    List(Box<Ty>),
    /// `json_string<T>`: a response string holding a JSON document, parsed on demand.
    JsonString(Box<Ty>),
    /// A type declared in `types.yaml` (struct, enum, untagged sum or union).
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
                     number_or_string, json, list<T>, json_string<T> or a type declared under /types"
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
