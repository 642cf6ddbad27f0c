//! Bounded reads of the small files providers use: the CLI configuration, the credentials INI
//! file and the OIDC token file.

use std::io::{self, Read};
use std::path::Path;

/// Largest CLI configuration or credentials file read (real ones are a few KiB).
pub(crate) const MAX_CONFIG_FILE: u64 = 1024 * 1024;
/// Largest OIDC token file read (a service-account JWT is one or two KiB).
pub(crate) const MAX_TOKEN_FILE: u64 = 64 * 1024;

/// The UTF-8 text of `path`, or an error if it is larger than `max` bytes.
pub(crate) fn read_bounded(path: &Path, max: u64) -> io::Result<String> {
    let file = std::fs::File::open(path)?;
    let mut text = String::new();
    file.take(max.saturating_add(1)).read_to_string(&mut text)?;
    if u64::try_from(text.len()).map_or(true, |n| n > max) {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            format!("larger than {max} bytes"),
        ));
    }
    Ok(text)
}

/// Why `path` could not be read, for a message: `no file at …` or `cannot read …: …`.
pub(crate) fn describe(path: &Path, e: &io::Error) -> String {
    if e.kind() == io::ErrorKind::NotFound {
        format!("no file at {}", path.display())
    } else {
        format!("cannot read {}: {e}", path.display())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_files_over_the_limit() {
        let dir = std::env::temp_dir().join(format!("ice-files-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("big");
        std::fs::write(&path, "x".repeat(11)).unwrap();
        assert_eq!(read_bounded(&path, 11).unwrap().len(), 11);
        let err = read_bounded(&path, 10).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::InvalidData);
        let missing = read_bounded(&dir.join("absent"), 10).unwrap_err();
        assert!(describe(&dir.join("absent"), &missing).starts_with("no file at"));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
