//! Lower-case hex through a lookup table: the signer hexes two digests per request into stack
//! buffers, and ten lines keep the `hex` crate out of a user's build (it stays an emulator-only
//! dependency, since the emulator's verifier is independent of this code on purpose).

const HEX_LOWER: &[u8; 16] = b"0123456789abcdef";

/// Both digits of every byte: one lookup per byte instead of two and the shifts.
const HEX_PAIRS: [[u8; 2]; 256] = {
    let mut t = [[0; 2]; 256];
    let mut b = 0;
    while b < 256 {
        t[b] = [HEX_LOWER[b >> 4], HEX_LOWER[b & 0x0f]];
        b += 1;
    }
    t
};

/// Writes `bytes` as lower-case hex into `out`, two digits per byte, until either runs out.
#[inline]
pub(crate) fn write_lower(out: &mut [u8], bytes: &[u8]) {
    for (pair, &b) in out.chunks_exact_mut(2).zip(bytes) {
        pair.copy_from_slice(&HEX_PAIRS[usize::from(b)]);
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

#[cfg(test)]
mod tests {
    /// Every byte, as `format!` writes it.
    #[test]
    fn write_lower_is_lower_case_hex() {
        let bytes: Vec<u8> = (0..=255).collect();
        let mut out = vec![0; 512];
        super::write_lower(&mut out, &bytes);
        let expected: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(out, expected.as_bytes());
        assert_eq!(super::lower(&bytes), expected);
    }
}
