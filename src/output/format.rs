//! Numbers as written to files: the shortest decimal that reads back to the
//! same `f64`, so a CSV or JSON value is exactly the number airace computed,
//! files diff cleanly, and they are the same bytes on every platform.
//!
//! Magnitudes from 1e-5 up to 1e16 are written in plain decimal (`0.25`,
//! `1234.5`, `3`); smaller and larger ones in exponent notation (`1e-12`,
//! `2.5e-7`, `1e300`), which Python's `float()`, pandas, R's `read.csv` and
//! Rust's `str::parse` all read. A fixed count of decimals would turn a
//! frequency of 1e-11 into 0. Negative zero is written as `0`; NaN as `NaN`;
//! infinities as `inf` and `-inf`.

use std::fmt::Write as _;

/// Below this magnitude (and above zero) a number is written with an exponent.
const PLAIN_FROM: f64 = 1e-5;
/// At or above this magnitude a number is written with an exponent.
const PLAIN_BELOW: f64 = 1e16;

/// A probability (or hazard): the shortest round-trip decimal, see [`number`].
pub fn prob(out: &mut String, x: f64) {
    number(out, x);
}

/// Any other quantity: the shortest round-trip decimal, see [`number`].
pub fn value(out: &mut String, x: f64) {
    number(out, x);
}

/// Writes `x` as the shortest decimal that parses back to the same `f64`:
/// plain for `1e-5 <= |x| < 1e16`, with an exponent otherwise.
pub fn number(out: &mut String, x: f64) {
    let x = clean(x);
    let magnitude = x.abs();
    if x == 0.0 || !x.is_finite() || (PLAIN_FROM..PLAIN_BELOW).contains(&magnitude) {
        let _ = write!(out, "{x}");
    } else {
        let _ = write!(out, "{x:e}");
    }
}

/// [`number`] into a new string.
pub fn to_text(x: f64) -> String {
    let mut s = String::new();
    number(&mut s, x);
    s
}

/// An optional count or step: empty when absent.
pub fn opt<T: std::fmt::Display>(out: &mut String, x: Option<T>) {
    if let Some(x) = x {
        let _ = write!(out, "{x}");
    }
}

/// Negative zero prints as `-0`; make it plain zero.
fn clean(x: f64) -> f64 {
    if x == 0.0 { 0.0 } else { x }
}

/// Prepares a JSON value for writing: negative zeros become `0.0`. Floats are
/// otherwise left as computed; serde_json writes them as the shortest decimal
/// that reads back to the same `f64` (`0.30000000000000004` for 0.1 + 0.2,
/// `1e-12`), so JSON numbers read back exactly.
pub fn clean_json(v: &mut serde_json::Value) {
    match v {
        serde_json::Value::Number(n) if n.as_f64() == Some(0.0) && n.is_f64() => {
            *v = serde_json::Value::from(0.0);
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(clean_json),
        serde_json::Value::Object(map) => map.values_mut().for_each(clean_json),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn written(x: f64) -> String {
        let mut s = String::new();
        prob(&mut s, x);
        s
    }

    #[test]
    fn shortest_round_trip_and_no_negative_zero() {
        let mut s = String::new();
        prob(&mut s, 0.25);
        s.push(',');
        value(&mut s, -0.0);
        s.push(',');
        opt(&mut s, None::<u32>);
        s.push(',');
        opt(&mut s, Some(3));
        s.push(',');
        value(&mut s, 3.0);
        assert_eq!(s, "0.25,0,,3,3");
        assert_eq!(written(1e-12), "1e-12");
        assert_eq!(written(0.1 + 0.2), "0.30000000000000004");
        assert_eq!(written(-2.5e-7), "-2.5e-7");
        assert_eq!(written(1e300), "1e300");
        assert_eq!(written(1e-5), "0.00001");
        assert_eq!(written(123456.75), "123456.75");
        assert_eq!(written(f64::NAN), "NaN");
        assert_eq!(written(f64::INFINITY), "inf");
    }

    #[test]
    fn every_written_number_reads_back_to_the_same_f64() {
        let cases = [
            1e-12,
            0.1 + 0.2,
            1e-11 * 3.7,
            f64::MIN_POSITIVE,
            5e-324,
            f64::MAX,
            -f64::MAX,
            1.0 / 3.0,
            2.0 / 3.0,
            9_999_999_999_999_998.0,
            1e16,
            0.000_009_999_999,
            -123.456e-9,
        ];
        for x in cases {
            let text = written(x);
            assert_eq!(
                text.parse::<f64>().unwrap().to_bits(),
                x.to_bits(),
                "{x} as {text}"
            );
        }
        // A sweep over many magnitudes and mantissas.
        let mut x = 1.234_567_890_123_46e-310;
        while x < 1e308 {
            let text = written(x);
            assert_eq!(text.parse::<f64>().unwrap(), x, "{x} as {text}");
            x *= 7.389_056_098_930_65;
        }
    }

    #[test]
    fn json_floats_read_back_exactly() {
        let mut v = serde_json::json!({"a": 0.1 + 0.2, "b": [1.0e-12, 2, -0.0], "c": "x"});
        clean_json(&mut v);
        let text = v.to_string();
        assert_eq!(
            text,
            r#"{"a":0.30000000000000004,"b":[1e-12,2,0.0],"c":"x"}"#
        );
        let back: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(back["a"].as_f64(), Some(0.1 + 0.2));
        assert_eq!(back["b"][0].as_f64(), Some(1e-12));
    }
}
