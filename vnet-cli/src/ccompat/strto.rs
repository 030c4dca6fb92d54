//! Numbers from text as the C library reads them: `strtol`, `strtoul`, `strtod`, and
//! `sscanf`'s `%i` and `%lf`, in the "C" locale.

/// A number read from the start of a string by one of the C library's `strto*`
/// functions.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Parsed<T> {
    /// What the function returns (0 when nothing converts).
    pub value: T,
    /// How many bytes it read (`endptr - nptr`), leading white space and sign
    /// included; 0 when nothing converts.
    pub len: usize,
    /// The value did not fit and the function set `errno` to `ERANGE`: `strtol` and
    /// `strtoul` clamp it to their type's range, `strtod` returns an infinity. (`strtod`
    /// also sets `ERANGE` for some results below the normal range; that is not
    /// reported here.)
    pub out_of_range: bool,
}

impl<T: Default> Parsed<T> {
    /// Nothing converts: the value is 0 and `endptr` is `nptr`.
    fn none() -> Self {
        Parsed {
            value: T::default(),
            len: 0,
            out_of_range: false,
        }
    }
}

/// C's `isspace` in the "C" locale: space, `\t`, `\n`, `\v`, `\f`, `\r`.
pub fn is_space(byte: u8) -> bool {
    matches!(byte, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r')
}

/// The index of the first byte of `s` that is not white space.
fn skip_space(s: &[u8]) -> usize {
    s.iter().position(|&b| !is_space(b)).unwrap_or(s.len())
}

/// A sign at `s[i]`: whether it is `-`, and the index after it.
fn sign(s: &[u8], i: usize) -> (bool, usize) {
    match s.get(i) {
        Some(b'-') => (true, i + 1),
        Some(b'+') => (false, i + 1),
        _ => (false, i),
    }
}

/// Above every `unsigned long`: where magnitudes stop growing.
const MAGNITUDE_CAP: u128 = u64::MAX as u128 + 1;

/// The integer at the start of `s` as `strtol` and `strtoul` read it: the sign, the
/// magnitude (capped at [`MAGNITUDE_CAP`]) and the bytes read; `None` when nothing
/// converts (or `base` is invalid: C's `EINVAL`).
fn scan_integer(s: &[u8], base: u32) -> Option<(bool, u128, usize)> {
    if base == 1 || base > 36 {
        return None;
    }
    let (negative, mut i) = sign(s, skip_space(s));
    let mut base = base;
    let mut zero_before_x = None;
    if s.get(i) == Some(&b'0') {
        if (base == 0 || base == 16) && matches!(s.get(i + 1), Some(b'x' | b'X')) {
            zero_before_x = Some(i);
            i += 2;
            base = 16;
        } else if base == 0 {
            base = 8;
        }
    } else if base == 0 {
        base = 10;
    }
    let digits = i;
    let mut magnitude: u128 = 0;
    while let Some(digit) = s.get(i).and_then(|&b| char::from(b).to_digit(base)) {
        magnitude = (magnitude * u128::from(base) + u128::from(digit)).min(MAGNITUDE_CAP);
        i += 1;
    }
    if i == digits {
        // "0x" without a hex digit after it is no error: the "0" converts, and
        // `endptr` points at the "x".
        return zero_before_x.map(|zero| (negative, 0, zero + 1));
    }
    Some((negative, magnitude, i))
}

/// C's `strtol(s, &end, base)`: leading white space, a sign, then digits of `base`
/// (2 to 36; 0 picks 16 after `0x`, 8 after a leading `0`, else 10; 16 allows a `0x`
/// prefix). Out of the `long` range it clamps to `LONG_MIN` or `LONG_MAX`.
pub fn strtol(s: &[u8], base: u32) -> Parsed<i64> {
    let Some((negative, magnitude, len)) = scan_integer(s, base) else {
        return Parsed::none();
    };
    let exact = if negative {
        -(magnitude as i128)
    } else {
        magnitude as i128
    };
    let value = exact.clamp(i128::from(i64::MIN), i128::from(i64::MAX)) as i64;
    Parsed {
        value,
        len,
        out_of_range: i128::from(value) != exact,
    }
}

/// C's `strtoul(s, &end, base)`: read as [`strtol`] reads, but a magnitude above
/// `ULONG_MAX` clamps to `ULONG_MAX`, and a negative one wraps around (`"-1"` is
/// `ULONG_MAX`, without an error).
pub fn strtoul(s: &[u8], base: u32) -> Parsed<u64> {
    let Some((negative, magnitude, len)) = scan_integer(s, base) else {
        return Parsed::none();
    };
    let (value, out_of_range) = match u64::try_from(magnitude) {
        Err(_) => (u64::MAX, true),
        Ok(m) if negative => (m.wrapping_neg(), false),
        Ok(m) => (m, false),
    };
    Parsed {
        value,
        len,
        out_of_range,
    }
}

/// C's `strtod(s, &end)`: leading white space, a sign, then `inf` or `infinity`, `nan`
/// (with an optional `(chars)` of letters, digits and `_`), a hexadecimal float
/// (`0x1.8p3`: at least one hex digit, an optional binary exponent), or a decimal one
/// (at least one digit, an optional `.` and exponent). Correctly rounded, as glibc is;
/// an exponent without digits is not read (`"1e"` reads `1`), nor is an `x` without a
/// hex digit after it (`"0x"` reads `0`). Too large for a `double`, it returns an
/// infinity.
pub fn strtod(s: &[u8]) -> Parsed<f64> {
    let (negative, start) = sign(s, skip_space(s));
    let text = &s[start..];
    let Some((magnitude, len)) = special_float(text)
        .or_else(|| hex_float(text))
        .or_else(|| decimal_float(text))
    else {
        return Parsed::none();
    };
    let finite_text = text[0].is_ascii_digit() || text[0] == b'.';
    Parsed {
        value: if negative { -magnitude } else { magnitude },
        len: start + len,
        out_of_range: finite_text && magnitude.is_infinite(),
    }
}

/// `inf`, `infinity` or `nan(...)`, in any case, at the start of `s`.
fn special_float(s: &[u8]) -> Option<(f64, usize)> {
    let starts = |word: &[u8]| s.len() >= word.len() && s[..word.len()].eq_ignore_ascii_case(word);
    if starts(b"infinity") {
        Some((f64::INFINITY, 8))
    } else if starts(b"inf") {
        Some((f64::INFINITY, 3))
    } else if starts(b"nan") {
        // "nan(n-char-sequence)" is read whole only when the parenthesis closes.
        let chars = s[3..]
            .iter()
            .skip(1)
            .take_while(|&&b| b.is_ascii_alphanumeric() || b == b'_')
            .count();
        let closed = s.get(3) == Some(&b'(') && s.get(4 + chars) == Some(&b')');
        Some((f64::NAN, if closed { 5 + chars } else { 3 }))
    } else {
        None
    }
}

/// The digits of `s` from `i` on that satisfy `is_digit`: the index after them.
fn digits_end(s: &[u8], i: usize, is_digit: fn(&u8) -> bool) -> usize {
    i + s[i.min(s.len())..]
        .iter()
        .take_while(|b| is_digit(b))
        .count()
}

/// An exponent (`e` or `p` already seen at `s[i - 1]`): its value (clamped far beyond
/// any double's range) and the index after it, or `None` when no digit follows.
fn exponent(s: &[u8], i: usize) -> Option<(i64, usize)> {
    let (negative, from) = sign(s, i);
    let end = digits_end(s, from, u8::is_ascii_digit);
    if end == from {
        return None;
    }
    let magnitude = s[from..end].iter().fold(0i64, |acc, &d| {
        (acc * 10 + i64::from(d - b'0')).min(1 << 40)
    });
    Some((if negative { -magnitude } else { magnitude }, end))
}

/// A decimal float at the start of `s`.
fn decimal_float(s: &[u8]) -> Option<(f64, usize)> {
    let int_end = digits_end(s, 0, u8::is_ascii_digit);
    let mut end = int_end;
    if s.get(end) == Some(&b'.') {
        end = digits_end(s, end + 1, u8::is_ascii_digit);
    }
    if end == 0 || (int_end == 0 && end == 1) {
        return None; // no digit: "", ".", ".e5"
    }
    if matches!(s.get(end), Some(b'e' | b'E')) {
        if let Some((_, after)) = exponent(s, end + 1) {
            end = after;
        }
    }
    // The text is ASCII digits, '.', 'e' and a sign, in a form Rust's parser reads with
    // the same correct rounding ("1.", ".5" and "1.e5" included).
    let text = std::str::from_utf8(&s[..end]).ok()?;
    Some((text.parse().ok()?, end))
}

/// A hexadecimal float at the start of `s` (`0x` then hex digits, an optional `.` and
/// more, an optional `p` exponent of two); `0x` without a hex digit reads as `0`.
fn hex_float(s: &[u8]) -> Option<(f64, usize)> {
    if s.len() < 2 || s[0] != b'0' || !matches!(s[1], b'x' | b'X') {
        return None;
    }
    // The significant bits: up to 64 of them in `mantissa`, whether any later one is
    // set in `sticky`; the value is mantissa * 2^exp (plus a bit of sticky).
    let (mut mantissa, mut exp, mut sticky, mut any) = (0u64, 0i64, false, false);
    let mut i = 2;
    let mut seen_point = false;
    loop {
        match s.get(i) {
            Some(b'.') if !seen_point => seen_point = true,
            Some(&b) if b.is_ascii_hexdigit() => {
                any = true;
                let digit = u64::from(char::from(b).to_digit(16).unwrap_or(0));
                if mantissa >> 60 == 0 {
                    mantissa = mantissa << 4 | digit;
                    if seen_point {
                        exp -= 4;
                    }
                } else {
                    sticky |= digit != 0;
                    if !seen_point {
                        exp += 4;
                    }
                }
            }
            _ => break,
        }
        i += 1;
    }
    if !any {
        return Some((0.0, 1));
    }
    if matches!(s.get(i), Some(b'p' | b'P')) {
        if let Some((e, after)) = exponent(s, i + 1) {
            exp += e;
            i = after;
        }
    }
    Some((round_binary(mantissa, exp, sticky), i))
}

/// `mantissa * 2^exp`, plus less than one unit of `mantissa` when `sticky`, rounded to
/// the nearest double (ties to even), with gradual underflow and overflow to infinity.
fn round_binary(mantissa: u64, exp: i64, sticky: bool) -> f64 {
    if mantissa == 0 {
        return 0.0;
    }
    let zeros = mantissa.leading_zeros();
    // 128 bits: the mantissa at the top, the sticky bit at the bottom.
    let bits = u128::from(mantissa << zeros) << 64 | u128::from(sticky);
    // The value is in [2^top, 2^(top + 1)).
    let top = exp + 63 - i64::from(zeros);
    if top > 1023 {
        return f64::INFINITY;
    }
    // Bits a double keeps: 53, fewer below the normal range (2^-1022).
    let keep = if top >= -1022 { 53 } else { 53 - (-1022 - top) };
    if keep < 0 {
        return 0.0; // below half the smallest subnormal
    }
    let kept = if keep == 0 {
        // Only the rounding decides: above half of 2^-1074 rounds up to it.
        u128::from(bits > 1 << 127)
    } else {
        let shift = 128 - keep as u32;
        let kept = bits >> shift;
        let rest = bits & ((1 << shift) - 1);
        let half = 1 << (shift - 1);
        if rest > half || (rest == half && kept & 1 == 1) {
            kept + 1
        } else {
            kept
        }
    };
    // kept * 2^(top - keep + 1), where kept <= 2^53 and the power of two is at least
    // 2^-1074: both exact, and so is the product unless it overflows.
    let scale = top - keep + 1;
    let power = if scale >= -1022 {
        f64::from_bits(((scale + 1023) as u64) << 52)
    } else {
        f64::from_bits(1 << (scale + 1074))
    };
    kept as f64 * power
}

/// glibc's `sscanf(s, "%i", &n)`: `Some(n)` when it converts. It skips white space and
/// reads a sign and digits as `strtol(s, &end, 0)` does, hands them to `strtol`, and
/// stores the `long` into the `int` (keeping its low 32 bits). So it clamps to the
/// `long` range first: `"99999999999"` is 1215752191, `"9999999999999999999999"`
/// (`LONG_MAX`) is -1. `"0x"` converts to 0, `"08"` to 0 (octal), `"- 5"` not at all.
pub fn sscanf_i(s: &[u8]) -> Option<i32> {
    // scanf's own scan of "%i" takes exactly the characters strtol base 0 would read
    // (it drops the "x" of "0x", which strtol base 16 then does not need), so the
    // number is the same and converts exactly when strtol reads something.
    let parsed = strtol(s, 0);
    (parsed.len > 0).then_some(parsed.value as i32)
}

/// glibc's `sscanf(s, "%lf", &d)`: `Some(d)` when it converts.
///
/// scanf first collects the characters of a number by its own rules, then converts
/// them with `strtod`, so it refuses some texts `strtod` reads a prefix of: `"0x"`
/// (only the prefix of a hex number), `"infin"` (`inf` must be followed by `inity` in
/// full if its `i` comes). It reads `"1e"`, `"nan("` and `" 7x"` as 1, NaN and 7.
pub fn sscanf_lf(s: &[u8]) -> Option<f64> {
    let s = &s[skip_space(s)..];
    let len = scanf_float_chars(s)?;
    let parsed = strtod(&s[..len]);
    (parsed.len > 0).then_some(parsed.value)
}

/// How many characters glibc's scanf collects for `%lf` at the start of `s`, or `None`
/// when it fails before converting (its `conv_error`).
fn scanf_float_chars(s: &[u8]) -> Option<usize> {
    let lower = |i: usize| s.get(i).map(u8::to_ascii_lowercase);
    let got_sign = matches!(s.first(), Some(b'-' | b'+'));
    let mut i = usize::from(got_sign);
    match lower(i)? {
        b'n' => {
            return (lower(i + 1) == Some(b'a') && lower(i + 2) == Some(b'n')).then_some(i + 3);
        }
        b'i' => {
            if lower(i + 1) != Some(b'n') || lower(i + 2) != Some(b'f') {
                return None;
            }
            i += 3;
            if lower(i) != Some(b'i') {
                return Some(i);
            }
            let rest = &s[i..];
            let full = rest.len() >= 5 && rest[..5].eq_ignore_ascii_case(b"inity");
            return full.then_some(i + 5);
        }
        _ => {}
    }
    let (mut hex, mut got_digit, mut got_dot, mut got_e) = (false, false, false, false);
    if s.get(i) == Some(&b'0') {
        i += 1;
        if lower(i) == Some(b'x') {
            hex = true;
            i += 1;
        } else {
            got_digit = true;
        }
    }
    let exp_char = if hex { b'p' } else { b'e' };
    while let Some(&c) = s.get(i) {
        if c.is_ascii_digit() || (hex && !got_e && c.is_ascii_hexdigit()) {
            got_digit = true;
        } else if got_e && lower(i - 1) == Some(exp_char) && (c == b'-' || c == b'+') {
            // the exponent's sign
        } else if got_digit && !got_e && c.to_ascii_lowercase() == exp_char {
            got_e = true;
            got_dot = true;
        } else if !got_dot && c == b'.' {
            got_dot = true;
        } else {
            break;
        }
        i += 1;
    }
    let sign_only = i == usize::from(got_sign);
    let prefix_only = hex && i == 2 + usize::from(got_sign);
    (!sign_only && !prefix_only).then_some(i)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (value, len, out_of_range) of strtol base 0, strtoul base 0 and strtol base 16
    /// and 36, as glibc 2.36 returned them.
    #[test]
    fn integers_read_and_clamp_like_glibc() {
        let l = |s: &str, base| {
            let p = strtol(s.as_bytes(), base);
            (p.value, p.len, p.out_of_range)
        };
        let ul = |s: &str| {
            let p = strtoul(s.as_bytes(), 0);
            (p.value, p.len, p.out_of_range)
        };
        assert_eq!(l("1e30", 0), (1, 1, false));
        assert_eq!(l("  -0x10", 0), (-16, 7, false));
        assert_eq!(l("\x0b-0x1p3", 0), (-1, 5, false));
        assert_eq!(l("0x", 0), (0, 1, false));
        assert_eq!(l("0X", 0), (0, 1, false));
        assert_eq!(l("0xg", 16), (0, 1, false));
        assert_eq!(l("08", 0), (0, 1, false));
        assert_eq!(l("00x1", 0), (0, 2, false));
        assert_eq!(l("ff", 0), (0, 0, false));
        assert_eq!(l("ff", 16), (255, 2, false));
        assert_eq!(l("1a2b", 16), (6699, 4, false));
        assert_eq!(l("0x", 36), (33, 2, false));
        assert_eq!(l("  +z", 36), (35, 4, false));
        assert_eq!(l("Zz", 36), (1295, 2, false));
        assert_eq!(l("", 0), (0, 0, false));
        assert_eq!(l(" ", 0), (0, 0, false));
        assert_eq!(l("+", 0), (0, 0, false));
        assert_eq!(l("- 5", 0), (0, 0, false));
        assert_eq!(l("-0", 0), (0, 2, false));
        assert_eq!(l("99999999999", 0), (99999999999, 11, false));
        assert_eq!(l("-9223372036854775808", 0), (i64::MIN, 20, false));
        assert_eq!(l("-9223372036854775809", 0), (i64::MIN, 20, true));
        assert_eq!(l("9999999999999999999999", 0), (i64::MAX, 22, true));
        assert_eq!(l("0xffffffffffffffff", 0), (i64::MAX, 18, true));
        assert_eq!(l("-0x8000000000000000", 16), (i64::MIN, 19, false));
        assert_eq!(l("-0x8000000000000000", 36), (i64::MIN, 19, true));
        assert_eq!(l("12", 1), (0, 0, false));
        assert_eq!(l("12", 37), (0, 0, false));

        assert_eq!(ul("-1"), (u64::MAX, 2, false));
        assert_eq!(ul("-18446744073709551615"), (1, 21, false));
        assert_eq!(ul("-18446744073709551616"), (u64::MAX, 21, true));
        assert_eq!(ul("18446744073709551615"), (u64::MAX, 20, false));
        assert_eq!(ul("18446744073709551616"), (u64::MAX, 20, true));
        assert_eq!(ul("-0x8000000000000000"), (1 << 63, 19, false));
        assert_eq!(ul("0xg"), (0, 1, false));
    }

    fn d(s: &str) -> (f64, usize, bool) {
        let p = strtod(s.as_bytes());
        (p.value, p.len, p.out_of_range)
    }

    /// Values as glibc 2.36's strtod returned them (printed with %a).
    #[test]
    fn strtod_reads_like_glibc() {
        assert_eq!(d("1e30"), (1e30, 4, false));
        assert_eq!(d("  1.5"), (1.5, 5, false));
        assert_eq!(d("1.5xyz"), (1.5, 3, false));
        assert_eq!(d(" \t\n\x0b\x0c\r7"), (7.0, 7, false));
        assert_eq!(d("\x0c.5e1x"), (5.0, 5, false));
        assert_eq!(d("1e"), (1.0, 1, false));
        assert_eq!(d("1e+"), (1.0, 1, false));
        assert_eq!(d("0e"), (0.0, 1, false));
        assert_eq!(d("1."), (1.0, 2, false));
        assert_eq!(d(".5"), (0.5, 2, false));
        assert_eq!(d("+.5"), (0.5, 3, false));
        assert_eq!(d("1.e5"), (1e5, 4, false));
        assert_eq!(d("1E5"), (1e5, 3, false));
        assert_eq!(d("1_000"), (1.0, 1, false));
        assert_eq!(d("08"), (8.0, 2, false));
        assert_eq!(d("00x1"), (0.0, 2, false));
        for nothing in ["", " ", ".", ".e1", "-", "+", "- 5", "in", "x"] {
            assert_eq!(d(nothing), (0.0, 0, false), "{nothing:?}");
        }
        let (zero, len, _) = d("-0");
        assert_eq!((zero, zero.is_sign_negative(), len), (0.0, true, 2));
        assert_eq!(d("99999999999"), (99999999999.0, 11, false));
        assert_eq!(d("9999999999999999999999"), (1e22, 22, false));
        assert_eq!(
            d("-9223372036854775809"),
            (-9223372036854775808.0, 20, false)
        );
        assert_eq!(d("0.1"), (0.1, 3, false));
    }

    #[test]
    fn strtod_infinities_and_nans() {
        assert_eq!(d("inf"), (f64::INFINITY, 3, false));
        assert_eq!(d("infinity"), (f64::INFINITY, 8, false));
        assert_eq!(d("INFINITYx"), (f64::INFINITY, 8, false));
        assert_eq!(d("infin"), (f64::INFINITY, 3, false));
        assert_eq!(d("-Inf"), (f64::NEG_INFINITY, 4, false));
        assert_eq!(d("1e400"), (f64::INFINITY, 5, true));
        assert_eq!(d("-1e400"), (f64::NEG_INFINITY, 6, true));
        assert_eq!(d("1e-400"), (0.0, 6, false));
        for (text, len) in [
            ("nan", 3),
            ("NaN", 3),
            ("nan(abc)", 8),
            ("nan(a_1)", 8),
            ("nan()", 5),
            ("nan(", 3),
            ("nan(a-b)", 3),
        ] {
            let p = strtod(text.as_bytes());
            assert!(p.value.is_nan() && p.len == len, "{text:?}: {p:?}");
        }
        assert!(strtod(b"-nan").value.is_sign_negative());
    }

    #[test]
    fn strtod_hex_floats_round_correctly() {
        assert_eq!(d("0x1p70"), (2f64.powi(70), 6, false));
        assert_eq!(d("0x1.8p1"), (3.0, 7, false));
        assert_eq!(d("0x1.8p1.5"), (3.0, 7, false));
        assert_eq!(d("0x.8"), (0.5, 4, false));
        assert_eq!(d("0x1p"), (1.0, 3, false));
        assert_eq!(d("0x1p+"), (1.0, 3, false));
        assert_eq!(d("0x1g"), (1.0, 3, false));
        assert_eq!(d("0x"), (0.0, 1, false));
        assert_eq!(d("0X"), (0.0, 1, false));
        assert_eq!(d("0x.p1"), (0.0, 1, false));
        assert_eq!(d("  -0x10"), (-16.0, 7, false));
        assert_eq!(d("0xffffffffffffffff"), (2f64.powi(64), 18, false));
        assert_eq!(d("0x0.00000000000000000000000001p100"), (0.0625, 34, false));
        // More hex digits than a double holds: rounded once, to nearest.
        assert_eq!(
            d("0x123456789abcdef0123p0"),
            (f64::from_bits(0x4472_3456_789a_bcdf), 23, false)
        );
        // The largest double, and the first value that rounds past it.
        assert_eq!(d("0x1.fffffffffffff7ffp1023"), (f64::MAX, 25, false));
        assert_eq!(d("0x1.fffffffffffff8p1023"), (f64::INFINITY, 23, true));
        // Subnormals: exact, rounded, and half of the smallest (a tie, to even: 0).
        let min = f64::from_bits(1);
        assert_eq!(d("0x1P-1074"), (min, 9, false));
        assert_eq!(d("0x1.0000000000001p-1075"), (min, 23, false));
        assert_eq!(d("0x1p-1075"), (0.0, 9, false));
        assert_eq!(d("0x1.8p-1074"), (2.0 * min, 11, false));
        assert_eq!(d("0x1p-1076"), (0.0, 9, false));
        assert_eq!(d("0x1p99999999999999999999"), (f64::INFINITY, 24, true));
        assert_eq!(d("0x1p-99999999999999999999"), (0.0, 25, false));
    }

    #[test]
    fn sscanf_i_reads_like_glibc() {
        for (s, v) in [
            ("0x", Some(0)),
            ("0x1g", Some(1)),
            ("08", Some(0)),
            ("010", Some(8)),
            ("-1", Some(-1)),
            ("99999999999", Some(1215752191)),
            ("9999999999999999999999", Some(-1)),
            ("-9999999999999999999999", Some(0)),
            ("-9223372036854775808", Some(0)),
            (" +5", Some(5)),
            ("  -0x10", Some(-16)),
            ("0X1F", Some(31)),
            ("0xFFFFFFFF", Some(-1)),
            ("0xffffffffffffffff", Some(-1)),
            ("2147483648", Some(-2147483648)),
            ("1e30", Some(1)),
            ("0x.8", Some(0)),
            ("- 5", None),
            ("+", None),
            ("x", None),
            ("", None),
            (" ", None),
            ("inf", None),
        ] {
            assert_eq!(sscanf_i(s.as_bytes()), v, "{s:?}");
        }
    }

    #[test]
    fn sscanf_lf_reads_like_glibc() {
        let f = |s: &str| sscanf_lf(s.as_bytes());
        for (s, v) in [
            ("1e30", 1e30),
            ("12.345", 12.345),
            ("  1.5", 1.5),
            ("1.5xyz", 1.5),
            (" 7x", 7.0),
            ("1e", 1.0),
            ("1e+", 1.0),
            ("1.5e+", 1.5),
            (".5", 0.5),
            ("1.", 1.0),
            ("08", 8.0),
            ("0e", 0.0),
            ("00x1", 0.0),
            ("0x1p70", 2f64.powi(70)),
            ("0x1p", 1.0),
            ("0x.8", 0.5),
            ("0x.p1", 0.0),
            ("-0x10", -16.0),
            ("inf", f64::INFINITY),
            ("INFINITYx", f64::INFINITY),
            ("-infinity", f64::NEG_INFINITY),
            ("1e400", f64::INFINITY),
            ("1e-400", 0.0),
        ] {
            assert_eq!(f(s), Some(v), "{s:?}");
        }
        for nan in ["nan", "nan(abc)", "nan(", "-nan", "NAN(x"] {
            assert!(f(nan).is_some_and(f64::is_nan), "{nan:?}");
        }
        // Where scanf's own scan refuses what strtod would read a prefix of.
        for refused in [
            "0x", "0X", "-0x", "infin", "infi", "in", "na", "-", "+", ".", ".e1", "- 5", "", " ",
            "abc",
        ] {
            assert_eq!(f(refused), None, "{refused:?}");
        }
    }
}
