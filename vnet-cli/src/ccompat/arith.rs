//! C's arithmetic conversions, as the C tools compute them on x86-64.

/// C's `(long) x` for a `double`, as x86-64 computes it (`cvttsd2si`): toward zero,
/// and `LONG_MIN` for NaN and for values outside the `long` range (C leaves those
/// undefined; this is what the drop-ins' originals do on x86-64).
pub fn double_to_long(x: f64) -> i64 {
    // [-2^63, 2^63): the doubles whose truncation fits a long.
    const RANGE: std::ops::Range<f64> = -9.223_372_036_854_776e18..9.223_372_036_854_776e18;
    if RANGE.contains(&x) {
        x.trunc() as i64
    } else {
        i64::MIN
    }
}

/// A time in seconds to hundredths, as brctl computes it: its `strtotimeval()` (a
/// `struct timeval` from a `double`, with C's truncations) and then libbridge's
/// `__tv_to_jiffies()` (1.7.1's: microseconds in `unsigned long long` arithmetic that
/// wraps around, divided by 10000). So `2.3` gives 229 (2.3 - 2 is a little under
/// 0.3), and 1e30, infinities and NaN (whose seconds and microseconds are both
/// `LONG_MIN`, so 10^6 * 2^63 + 2^63 wraps to 2^63) give 2^63 / 10000, exactly as brctl.
/// The result may exceed 32 bits: brctl writes it to sysfs as an `unsigned long`.
pub fn tv_to_jiffies(secs: f64) -> u64 {
    let tv_sec = double_to_long(secs);
    let tv_usec = double_to_long(1_000_000.0 * (secs - tv_sec as f64));
    let jif = 1_000_000u64
        .wrapping_mul(tv_sec as u64)
        .wrapping_add(tv_usec as u64);
    jif / 10_000
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn double_to_long_truncates_and_gives_long_min_outside() {
        assert_eq!(double_to_long(2.9), 2);
        assert_eq!(double_to_long(-2.9), -2);
        assert_eq!(double_to_long(-0.5), 0);
        assert_eq!(double_to_long(-9.223_372_036_854_776e18), i64::MIN);
        assert_eq!(
            double_to_long(9.223_372_036_854_775e18),
            9_223_372_036_854_774_784
        );
        assert_eq!(double_to_long(9.223_372_036_854_776e18), i64::MIN);
        assert_eq!(double_to_long(f64::INFINITY), i64::MIN);
        assert_eq!(double_to_long(f64::NEG_INFINITY), i64::MIN);
        assert_eq!(double_to_long(f64::NAN), i64::MIN);
    }

    /// Values brctl 1.7.1 stored, read back with `ip -d -j link show` as ageing_time
    /// (HZ 100 here, where the kernel keeps hundredths exactly).
    #[test]
    fn times_convert_like_brctl() {
        assert_eq!(tv_to_jiffies(2.3), 229);
        assert_eq!(tv_to_jiffies(12.345), 1234);
        assert_eq!(tv_to_jiffies(15.0), 1500);
        assert_eq!(tv_to_jiffies(1e3), 100_000);
        assert_eq!(tv_to_jiffies(0.0), 0);
        // tv_sec and tv_usec are LONG_MIN: 10^6 * 2^63 + 2^63 wraps to 2^63.
        for x in [
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
            1e30,
            2f64.powi(70),
        ] {
            assert_eq!(tv_to_jiffies(x), 922_337_203_685_477, "{x}");
        }
        assert_eq!(tv_to_jiffies(184_468_000_000.0), 18_446_800_000_000);
        // Negative times wrap: 2^64 - 10^6 microseconds.
        assert_eq!(tv_to_jiffies(-1.0), 1_844_674_407_370_855);
    }
}
