//! Numbers as written to files: fixed precision, so files diff cleanly and
//! are the same bytes on every platform.

use std::fmt::Write as _;

/// Decimal places for probabilities and hazards.
pub const PROB_DECIMALS: usize = 10;
/// Decimal places for capability, safety, resources, utilities, steps.
pub const VALUE_DECIMALS: usize = 6;

/// A probability (or hazard) with [`PROB_DECIMALS`] decimals; NaN as `NaN`.
pub fn prob(out: &mut String, x: f64) {
    let _ = write!(out, "{:.*}", PROB_DECIMALS, clean(x));
}

/// Any other quantity with [`VALUE_DECIMALS`] decimals.
pub fn value(out: &mut String, x: f64) {
    let _ = write!(out, "{:.*}", VALUE_DECIMALS, clean(x));
}

/// An optional count or step: empty when absent.
pub fn opt<T: std::fmt::Display>(out: &mut String, x: Option<T>) {
    if let Some(x) = x {
        let _ = write!(out, "{x}");
    }
}

/// Negative zero prints as `-0.000000`; make it plain zero.
fn clean(x: f64) -> f64 {
    if x == 0.0 { 0.0 } else { x }
}

/// Rounds every float in a JSON value to `decimals` places, so JSON files
/// carry no float noise such as `0.30000000000000004`.
pub fn round_json(v: &mut serde_json::Value, decimals: i32) {
    match v {
        serde_json::Value::Number(n) if n.is_f64() => {
            let x = n.as_f64().unwrap_or(f64::NAN);
            let scale = 10f64.powi(decimals);
            let rounded = clean((x * scale).round() / scale);
            *v = serde_json::Number::from_f64(rounded)
                .map_or(serde_json::Value::Null, serde_json::Value::Number);
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(|x| round_json(x, decimals)),
        serde_json::Value::Object(map) => map.values_mut().for_each(|x| round_json(x, decimals)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixed_precision_and_no_negative_zero() {
        let mut s = String::new();
        prob(&mut s, 0.25);
        s.push(',');
        value(&mut s, -0.0);
        s.push(',');
        opt(&mut s, None::<u32>);
        s.push(',');
        opt(&mut s, Some(3));
        assert_eq!(s, "0.2500000000,0.000000,,3");
    }

    #[test]
    fn json_floats_are_rounded() {
        let mut v = serde_json::json!({"a": 0.1 + 0.2, "b": [1.0e-12, 2], "c": "x"});
        round_json(&mut v, 10);
        assert_eq!(v.to_string(), r#"{"a":0.3,"b":[0.0,2],"c":"x"}"#);
    }
}
