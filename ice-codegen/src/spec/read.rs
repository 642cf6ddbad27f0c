//! Reading an api-docs file from disk: bounded (an oversized file is refused after at most
//! `max_bytes + 1` bytes are read, never read whole), UTF-8 only, with byte-order marks named so a
//! maintainer is not left with serde_json's `expected value at line 1 column 1`.

use std::io::Read;
use std::path::Path;

use crate::output::CodegenError;

/// Default for [`Limits::max_bytes`]: 16 MiB. The real ICE files are 0.4–2.0 MB, so this leaves
/// 8× headroom for a much larger future version while bounding the parsed tree: a JSON document
/// takes roughly 10–35× its size in memory once parsed, so 16 MiB caps that near half a gigabyte.
pub const DEFAULT_MAX_BYTES: u64 = 16 * 1024 * 1024;

/// Resource limits for reading a spec.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Largest file accepted, in bytes.
    pub max_bytes: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_bytes: DEFAULT_MAX_BYTES,
        }
    }
}

/// Reads `path` as UTF-8 text within `limits`; errors name the file `shown_as` (e.g. a path
/// relative to the workspace root).
///
/// ```
/// use std::path::Path;
/// use ice_codegen::spec::{read_text, Limits};
///
/// let dir = std::env::temp_dir().join(format!("ice-read-text-doc-{}", std::process::id()));
/// std::fs::create_dir_all(&dir).unwrap();
/// let file = dir.join("api-docs.json");
/// std::fs::write(&file, "{}").unwrap();
/// let tiny = Limits { max_bytes: 1 };
/// let e = read_text(&file, Path::new("api-docs.json"), tiny).unwrap_err();
/// assert!(e.message.starts_with("file is larger than the limit of 1 byte"));
/// # std::fs::remove_dir_all(&dir).unwrap();
/// ```
pub fn read_text(path: &Path, shown_as: &Path, limits: Limits) -> Result<String, CodegenError> {
    let err = |m: String| CodegenError::new(shown_as, "", m);
    let file = std::fs::File::open(path).map_err(|e| err(format!("cannot read file: {e}")))?;
    let too_big = |size: String| {
        err(format!(
            "file is larger than the limit of {} ({size}); real api-docs files are under 2 MB. \
             If this one is genuine, raise the limit (`Limits::max_bytes`, or `--max-spec-bytes` \
             for cargo xtask)",
            bytes(limits.max_bytes)
        ))
    };
    // The size on disk refuses a large regular file without reading it; the bounded read below
    // also covers pipes and files that grow while being read.
    if let Ok(meta) = file.metadata() {
        if meta.is_file() && meta.len() > limits.max_bytes {
            return Err(too_big(bytes(meta.len())));
        }
    }
    let mut buf = Vec::new();
    file.take(limits.max_bytes.saturating_add(1))
        .read_to_end(&mut buf)
        .map_err(|e| err(format!("cannot read file: {e}")))?;
    if buf.len() as u64 > limits.max_bytes {
        return Err(too_big(format!("more than {}", bytes(limits.max_bytes))));
    }
    decode(shown_as, buf)
}

/// Bytes → text, naming a byte-order mark or the first invalid UTF-8 byte.
pub(crate) fn decode(file: &Path, buf: Vec<u8>) -> Result<String, CodegenError> {
    if let Some(message) = bom_message(&buf) {
        return Err(CodegenError::new(file, "", message));
    }
    String::from_utf8(buf).map_err(|e| {
        CodegenError::new(
            file,
            "",
            format!(
                "not valid UTF-8 (first bad byte at offset {}); api-docs files are UTF-8 JSON",
                e.utf8_error().valid_up_to()
            ),
        )
    })
}

/// A plain message when `bytes` start with a byte-order mark.
pub(crate) fn bom_message(bytes: &[u8]) -> Option<String> {
    let (mark, what) = if bytes.starts_with(&[0xEF, 0xBB, 0xBF]) {
        ("EF BB BF", "a UTF-8 byte-order mark")
    } else if bytes.starts_with(&[0xFF, 0xFE]) {
        (
            "FF FE",
            "a UTF-16 little-endian byte-order mark: the file is UTF-16",
        )
    } else if bytes.starts_with(&[0xFE, 0xFF]) {
        (
            "FE FF",
            "a UTF-16 big-endian byte-order mark: the file is UTF-16",
        )
    } else {
        return None;
    };
    Some(format!(
        "file starts with {what} (bytes {mark}); JSON must be UTF-8 without a byte-order mark \
         (RFC 8259 §8.1): re-save it as plain UTF-8"
    ))
}

fn bytes(n: u64) -> String {
    const MIB: u64 = 1024 * 1024;
    if n >= MIB && n % MIB == 0 {
        format!("{} MiB", n / MIB)
    } else if n == 1 {
        "1 byte".to_owned()
    } else {
        format!("{n} bytes")
    }
}
