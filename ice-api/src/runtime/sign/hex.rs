//! Lower-case hex through a lookup table: the signer hexes two digests per request into stack
//! buffers, and ten lines keep the `hex` crate out of a user's build (it stays an emulator-only
//! dependency, since the emulator's verifier is independent of this code on purpose).

const HEX_LOWER: &[u8; 16] = b"0123456789abcdef";

/// Writes `bytes` as lower-case hex into `out`, two digits per byte, until either runs out.
#[inline]
pub(crate) fn write_lower(out: &mut [u8], bytes: &[u8]) {
    for (pair, &b) in out.chunks_exact_mut(2).zip(bytes) {
        pair.copy_from_slice(&[
            HEX_LOWER[usize::from(b >> 4)],
            HEX_LOWER[usize::from(b & 0x0f)],
        ]);
    }
}

/// `bytes` as a lower-case hex string.
#[inline]
pub(crate) fn lower(bytes: &[u8]) -> String {
    bytes
        .iter()
        .flat_map(|&b| [b >> 4, b & 0x0f])
        .map(|n| char::from(HEX_LOWER[usize::from(n)]))
        .collect()
}
