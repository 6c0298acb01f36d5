//! Fuzzy evaluations: what a lab measures of its own capability and
//! believes of its own hazard, when the science of evaluations is a
//! gradient rather than a bright line.

/// `Ctilde_i = C_i + evaluation_bias + evaluation_noise * z`, `z` standard
/// normal (`evaluation_bias < 0`: the lab underrates its models).
#[inline]
pub fn measured_capability(capability: f64, bias: f64, noise: f64, z: f64) -> f64 {
    capability + bias + noise * z
}

/// The hazard rate the lab believes it runs: `lambda_i * exp(risk_noise z -
/// risk_noise^2 / 2)`, a lognormal factor of mean 1.
#[inline]
pub fn believed_hazard(hazard_rate: f64, risk_noise: f64, z: f64) -> f64 {
    believed_hazard_of(hazard_rate, risk_exponent(risk_noise, z))
}

/// The exponent of the believed hazard's lognormal factor,
/// `risk_noise z - risk_noise^2 / 2`.
#[inline]
pub fn risk_exponent(risk_noise: f64, z: f64) -> f64 {
    risk_noise * z - 0.5 * risk_noise * risk_noise
}

/// [`believed_hazard`] from its exponent: `lambda_i exp(exponent)`. (The
/// system's `exp`, as when the mechanic was written: its bits are the
/// ones the shipped scenarios' outputs were made with.)
#[inline]
pub fn believed_hazard_of(hazard_rate: f64, exponent: f64) -> f64 {
    hazard_rate * exponent.exp()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_measurement_is_biased_and_noisy_as_stated() {
        assert_eq!(measured_capability(4.0, -1.0, 0.5, 2.0), 4.0);
        assert_eq!(measured_capability(4.0, 0.0, 0.0, 2.0), 4.0);
    }

    #[test]
    fn the_believed_hazard_has_mean_one_factor() {
        // E[exp(s z - s^2/2)] = 1: by quadrature over z (Simpson, step 0.01).
        let s = 0.7;
        let (mut sum, h) = (0.0, 0.01);
        for k in 0..=1600 {
            let z = -8.0 + k as f64 * h;
            let w = if k == 0 || k == 1600 {
                1.0
            } else if k % 2 == 1 {
                4.0
            } else {
                2.0
            };
            let density = (-0.5 * z * z).exp() / (2.0 * std::f64::consts::PI).sqrt();
            sum += w * believed_hazard(1.0, s, z) * density;
        }
        assert!((sum * h / 3.0 - 1.0).abs() < 1e-9);
        assert_eq!(believed_hazard(0.3, 0.0, 5.0), 0.3);
    }
}
