//! Kubernetes resource quantities (`5T`, `10Gi`, `5.8Ti`, `1e3`).
//!
//! Parsed exactly, as a fraction, so that a capacity can be compared in whole bytes and a
//! fractional byte count (which old operators could not bind) is detected. The one crate
//! that parses quantities (`kube_quantity`) is built on k8s-openapi 0.29, which the Kubewarden
//! SDK cannot use, hence this small parser of the grammar in
//! `k8s.io/apimachinery/pkg/api/resource/quantity.go`.

use std::fmt;

/// Why a string is not a quantity.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QuantityError {
    #[error("is empty")]
    Empty,
    #[error("has no digits")]
    NoDigits,
    #[error("has an unknown suffix `{0}` (allowed: Ki Mi Gi Ti Pi Ei, n u m k M G T P E, or an exponent e<N>)")]
    UnknownSuffix(String),
    #[error("is too large")]
    TooLarge,
}

/// An exactly parsed quantity: `numerator / denominator`, possibly negative.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Quantity {
    negative: bool,
    numerator: u128,
    denominator: u128,
}

const MAX_EXPONENT: u32 = 38;

impl Quantity {
    /// Parses a quantity string.
    pub fn parse(text: &str) -> Result<Self, QuantityError> {
        let text = text.trim();
        if text.is_empty() {
            return Err(QuantityError::Empty);
        }
        let (negative, unsigned) = match text.as_bytes().first() {
            Some(b'-') => (true, text.get(1..).unwrap_or_default()),
            Some(b'+') => (false, text.get(1..).unwrap_or_default()),
            _ => (false, text),
        };
        // Digits and `.` are ASCII, so the first other byte starts a character.
        let number_end = unsigned.bytes().position(|b| !(b.is_ascii_digit() || b == b'.')).unwrap_or(unsigned.len());
        let (number, suffix) = unsigned.split_at(number_end);
        let (whole, fraction) = number.split_once('.').unwrap_or((number, ""));
        if whole.is_empty() && fraction.is_empty() || fraction.contains('.') {
            return Err(QuantityError::NoDigits);
        }
        let mut digits = whole.bytes().chain(fraction.bytes());
        // Up to 19 digits fit a u64, whose arithmetic is native where u128's is a library call.
        let mut short: u64 = 0;
        for digit in digits.by_ref().take(19) {
            short = short * 10 + u64::from(digit - b'0');
        }
        let mut numerator = u128::from(short);
        for digit in digits {
            numerator = numerator
                .checked_mul(10)
                .and_then(|n| n.checked_add(u128::from(digit - b'0')))
                .ok_or(QuantityError::TooLarge)?;
        }
        let fraction_digits = u32::try_from(fraction.len()).map_err(|_| QuantityError::TooLarge)?;
        let mut denominator = pow(10, fraction_digits)?;
        match suffix {
            "" => {}
            "n" => denominator = mul(denominator, pow(10, 9)?)?,
            "u" => denominator = mul(denominator, pow(10, 6)?)?,
            "m" => denominator = mul(denominator, 1000)?,
            "k" => numerator = mul(numerator, pow(10, 3)?)?,
            "M" => numerator = mul(numerator, pow(10, 6)?)?,
            "G" => numerator = mul(numerator, pow(10, 9)?)?,
            "T" => numerator = mul(numerator, pow(10, 12)?)?,
            "P" => numerator = mul(numerator, pow(10, 15)?)?,
            "E" => numerator = mul(numerator, pow(10, 18)?)?,
            "Ki" => numerator = mul(numerator, 1 << 10)?,
            "Mi" => numerator = mul(numerator, 1 << 20)?,
            "Gi" => numerator = mul(numerator, 1 << 30)?,
            "Ti" => numerator = mul(numerator, 1 << 40)?,
            "Pi" => numerator = mul(numerator, 1 << 50)?,
            "Ei" => numerator = mul(numerator, 1 << 60)?,
            other => {
                let exponent = other
                    .strip_prefix(['e', 'E'])
                    .and_then(|e| e.parse::<i32>().ok())
                    .ok_or_else(|| QuantityError::UnknownSuffix(other.to_owned()))?;
                let scale = pow(10, exponent.unsigned_abs())?;
                if exponent >= 0 {
                    numerator = mul(numerator, scale)?;
                } else {
                    denominator = mul(denominator, scale)?;
                }
            }
        }
        Ok(Self { negative: negative && numerator != 0, numerator, denominator })
    }

    /// Whether the quantity is zero or below.
    #[must_use]
    pub fn is_positive(&self) -> bool {
        !self.negative && self.numerator > 0
    }

    /// Whether the quantity is a whole number of units (bytes, for storage).
    #[must_use]
    pub fn is_whole(&self) -> bool {
        // A u128 division is a library call on wasm32; most quantities have no fraction.
        self.denominator == 1 || self.numerator.is_multiple_of(self.denominator)
    }

    /// The quantity rounded down to whole units; `None` when negative.
    #[must_use]
    pub fn floor(&self) -> Option<u128> {
        (!self.negative).then(|| if self.denominator == 1 { self.numerator } else { self.numerator / self.denominator })
    }
}

fn pow(base: u128, exponent: u32) -> Result<u128, QuantityError> {
    if exponent > MAX_EXPONENT {
        return Err(QuantityError::TooLarge);
    }
    base.checked_pow(exponent).ok_or(QuantityError::TooLarge)
}

fn mul(a: u128, b: u128) -> Result<u128, QuantityError> {
    a.checked_mul(b).ok_or(QuantityError::TooLarge)
}

impl fmt::Display for Quantity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.negative { "-" } else { "" };
        if self.is_whole() {
            write!(f, "{sign}{}", self.numerator / self.denominator)
        } else {
            write!(f, "{sign}{}/{}", self.numerator, self.denominator)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bytes(text: &str) -> Option<u128> {
        Quantity::parse(text).ok().and_then(|q| q.floor())
    }

    #[test]
    fn parses_suffixes() {
        assert_eq!(bytes("5T"), Some(5_000_000_000_000));
        assert_eq!(bytes("10Gi"), Some(10 << 30));
        assert_eq!(bytes("1e3"), Some(1000));
        assert_eq!(bytes("1E3"), Some(1000));
        assert_eq!(bytes("1500m"), Some(1));
        assert_eq!(bytes("2000000u"), Some(2));
        assert!(!Quantity::parse("500n").unwrap().is_whole());
        assert_eq!(bytes(".5Ki"), Some(512));
        assert_eq!(bytes("+7"), Some(7));
    }

    #[test]
    fn detects_fractional_bytes() {
        let q = Quantity::parse("5.8Ti").unwrap();
        assert!(!q.is_whole());
        assert_eq!(q.floor(), Some(6_377_167_441_100));
        assert!(Quantity::parse("1.5Ki").unwrap().is_whole());
    }

    /// Numbers past what a u64 holds, with or without a fraction, are read exactly.
    #[test]
    fn reads_long_numbers_exactly() {
        assert_eq!(bytes("9999999999999999999"), Some(9_999_999_999_999_999_999));
        assert_eq!(bytes("99999999999999999999"), Some(99_999_999_999_999_999_999));
        assert_eq!(bytes("18446744073709551616"), Some(1 << 64));
        let q = Quantity::parse("1234567890.123456789Ki").unwrap();
        assert_eq!((q.numerator, q.denominator), (1_234_567_890_123_456_789 * 1024, 1_000_000_000));
        assert_eq!(bytes("0000000000000000000000000000000000000001"), Some(1));
        // The 19 digits read as a u64, then the rest as u128, across the decimal point.
        let q = Quantity::parse("12345678901234567890.5").unwrap();
        assert_eq!((q.numerator, q.denominator), (123_456_789_012_345_678_905, 10));
        assert!(!q.is_whole());
    }

    #[test]
    fn a_suffix_that_is_not_ascii_is_named_whole() {
        assert_eq!(Quantity::parse("5\u{e9}Gi"), Err(QuantityError::UnknownSuffix("\u{e9}Gi".into())));
        assert_eq!(Quantity::parse("\u{e9}"), Err(QuantityError::NoDigits));
    }

    #[test]
    fn sign_and_zero() {
        assert!(!Quantity::parse("0").unwrap().is_positive());
        assert!(!Quantity::parse("-1Gi").unwrap().is_positive());
        assert_eq!(Quantity::parse("-0").unwrap(), Quantity::parse("0").unwrap());
    }

    #[test]
    fn rejects_garbage() {
        assert_eq!(Quantity::parse(""), Err(QuantityError::Empty));
        assert_eq!(Quantity::parse("Gi"), Err(QuantityError::NoDigits));
        assert_eq!(Quantity::parse("1.2.3"), Err(QuantityError::NoDigits));
        assert_eq!(Quantity::parse("10GB"), Err(QuantityError::UnknownSuffix("GB".into())));
        assert_eq!(Quantity::parse("1e99"), Err(QuantityError::TooLarge));
        assert_eq!(Quantity::parse("99999999999999999999999999999999999999999"), Err(QuantityError::TooLarge));
    }
}
