//! `memcmp` a word at a time, in place of wasi-libc's byte loop.
//!
//! policy-server's engine checks its deadline at every loop header, so each byte of every
//! string comparison (the struct readers' keys, label lookups, kind names) paid a check:
//! comparing eight bytes a step checks an eighth as often (docs/performance.md, "Now").

/// Compares `length` bytes at `left` and `right` as C's `memcmp` does. The policy module's `memcmp`
/// (what LLVM calls for slice comparisons); natively compiled for its tests only.
///
/// # Safety
/// `left` and `right` are valid for reads of `length` bytes.
#[expect(unsafe_code, reason = "the C library's memcmp, replaced; it reads through raw pointers")]
#[cfg_attr(target_family = "wasm", unsafe(no_mangle))]
pub unsafe extern "C" fn memcmp(left: *const u8, right: *const u8, length: usize) -> i32 {
    let mut at = 0;
    while at + 8 <= length {
        // SAFETY: `at + 8 <= length`, and both are valid for `length` bytes.
        let words =
            unsafe { (left.add(at).cast::<u64>().read_unaligned(), right.add(at).cast::<u64>().read_unaligned()) };
        if words.0 != words.1 {
            break; // The bytes below find which one differs.
        }
        at += 8;
    }
    while at < length {
        // SAFETY: `at < length`.
        let bytes = unsafe { (*left.add(at), *right.add(at)) };
        if bytes.0 != bytes.1 {
            return i32::from(bytes.0) - i32::from(bytes.1);
        }
        at += 1;
    }
    0
}

#[cfg(test)]
mod tests {
    use super::memcmp;

    fn compare(a: &[u8], b: &[u8]) -> std::cmp::Ordering {
        assert_eq!(a.len(), b.len());
        #[expect(unsafe_code, reason = "both slices are valid for their length")]
        // SAFETY: both are `a.len()` bytes long.
        let result = unsafe { memcmp(a.as_ptr(), b.as_ptr(), a.len()) };
        result.cmp(&0)
    }

    /// Every length around a word, a difference at every position, bytes above 0x7f
    /// compared unsigned: the same order as slices'.
    #[test]
    fn orders_as_slices_do() {
        for length in 0..=20 {
            let base: Vec<u8> = (0..length).map(|i| u8::try_from(i * 13 % 251).unwrap_or(0)).collect();
            assert_eq!(compare(&base, &base), std::cmp::Ordering::Equal);
            for at in 0..length {
                for changed in [0_u8, 1, 0x7f, 0x80, 0xff] {
                    let mut other = base.clone();
                    other[at] = changed;
                    assert_eq!(compare(&base, &other), base.cmp(&other), "length {length}, byte {at} = {changed}");
                    assert_eq!(compare(&other, &base), other.cmp(&base));
                }
            }
        }
    }
}
