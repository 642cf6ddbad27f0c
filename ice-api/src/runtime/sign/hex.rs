//! Lower-case hex through a lookup table (the signer hexes two digests per request).

const HEX_LOWER: &[u8; 16] = b"0123456789abcdef";

/// Appends `bytes` as lower-case hex.
#[inline]
pub(crate) fn push_lower(out: &mut String, bytes: &[u8]) {
    out.reserve(bytes.len() * 2);
    for &b in bytes {
        out.push(char::from(HEX_LOWER[usize::from(b >> 4)]));
        out.push(char::from(HEX_LOWER[usize::from(b & 0x0f)]));
    }
}

/// `bytes` as a lower-case hex string.
#[inline]
pub(crate) fn lower(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 2);
    push_lower(&mut out, bytes);
    out
}
