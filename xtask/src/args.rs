//! Command-line arguments: a fixed number of positionals plus known flags, anything else refused.

use crate::Failure;

/// Parsed arguments of one command.
pub struct Args {
    /// Exactly as many as the command takes.
    pub positional: Vec<String>,
    flags: Vec<String>,
    values: Vec<(String, String)>,
}

impl Args {
    /// Parses `argv`, which must hold `positionals` positional arguments, and otherwise only the
    /// boolean `flags` and the `valued` options (each followed by its value).
    pub fn parse(
        argv: &[String],
        positionals: usize,
        flags: &[&str],
        valued: &[&str],
    ) -> Result<Self, Failure> {
        let mut out = Args {
            positional: Vec::new(),
            flags: Vec::new(),
            values: Vec::new(),
        };
        let mut it = argv.iter();
        while let Some(a) = it.next() {
            let a = a.as_str();
            if flags.contains(&a) {
                out.flags.push(a.to_owned());
            } else if valued.contains(&a) {
                let v = it
                    .next()
                    .ok_or_else(|| Failure::Usage(format!("{a} needs a value")))?;
                out.values.push((a.to_owned(), v.clone()));
            } else if !a.starts_with('-') && out.positional.len() < positionals {
                out.positional.push(a.to_owned());
            } else {
                return Err(Failure::Usage(format!("unexpected argument `{a}`")));
            }
        }
        if out.positional.len() != positionals {
            return Err(Failure::Usage(format!(
                "expected {positionals} file argument{}, got {}",
                if positionals == 1 { "" } else { "s" },
                out.positional.len()
            )));
        }
        Ok(out)
    }

    /// Whether boolean `flag` was given.
    pub fn flag(&self, flag: &str) -> bool {
        self.flags.iter().any(|f| f == flag)
    }

    /// The value of option `name` (the last one when repeated).
    pub fn value(&self, name: &str) -> Option<&str> {
        self.values
            .iter()
            .rev()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}
