//! A small binary encoding for exact statistics (the state a checkpoint or
//! a shard carries): little-endian integers, floats as their bits, so a
//! decoded value has the bits of the encoded one. Decoding checks every
//! length against what is left and never panics on damaged input.

/// Appends values to a byte buffer.
#[derive(Debug, Default)]
pub struct Encoder {
    pub bytes: Vec<u8>,
}

impl Encoder {
    pub fn u32(&mut self, x: u32) {
        self.bytes.extend_from_slice(&x.to_le_bytes());
    }
    pub fn u64(&mut self, x: u64) {
        self.bytes.extend_from_slice(&x.to_le_bytes());
    }
    pub fn i32(&mut self, x: i32) {
        self.bytes.extend_from_slice(&x.to_le_bytes());
    }
    pub fn i128(&mut self, x: i128) {
        self.bytes.extend_from_slice(&x.to_le_bytes());
    }
    pub fn f64(&mut self, x: f64) {
        self.u64(x.to_bits());
    }
}

/// Why bytes could not be decoded.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{0}")]
pub struct DecodeError(pub String);

/// Reads values back in the order they were encoded.
#[derive(Debug)]
pub struct Decoder<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Decoder<'a> {
    pub fn new(bytes: &'a [u8]) -> Self {
        Decoder { bytes, at: 0 }
    }

    fn take<const N: usize>(&mut self) -> Result<[u8; N], DecodeError> {
        let end = self.at.checked_add(N).filter(|&e| e <= self.bytes.len());
        match end {
            Some(end) => {
                let mut out = [0; N];
                out.copy_from_slice(&self.bytes[self.at..end]);
                self.at = end;
                Ok(out)
            }
            None => Err(DecodeError(format!(
                "ends early: {N} more bytes needed at offset {} of {}",
                self.at,
                self.bytes.len()
            ))),
        }
    }

    pub fn u32(&mut self) -> Result<u32, DecodeError> {
        self.take().map(u32::from_le_bytes)
    }
    pub fn u64(&mut self) -> Result<u64, DecodeError> {
        self.take().map(u64::from_le_bytes)
    }
    pub fn i32(&mut self) -> Result<i32, DecodeError> {
        self.take().map(i32::from_le_bytes)
    }
    pub fn i128(&mut self) -> Result<i128, DecodeError> {
        self.take().map(i128::from_le_bytes)
    }
    pub fn f64(&mut self) -> Result<f64, DecodeError> {
        self.u64().map(f64::from_bits)
    }

    /// A count of items of at least `item_bytes` each that must fit in
    /// what is left (so a damaged count cannot ask for a huge allocation).
    pub fn count(&mut self, item_bytes: usize) -> Result<usize, DecodeError> {
        let n = self.u64()?;
        let left = (self.bytes.len() - self.at) / item_bytes.max(1);
        usize::try_from(n)
            .ok()
            .filter(|&n| n <= left)
            .ok_or_else(|| {
                DecodeError(format!(
                    "a count of {n} items at offset {} does not fit in the {} bytes left",
                    self.at - 8,
                    self.bytes.len() - self.at
                ))
            })
    }

    pub fn is_empty(&self) -> bool {
        self.at == self.bytes.len()
    }

    pub fn offset(&self) -> usize {
        self.at
    }
}

/// FNV-1a, 64 bits: a checksum that tells a damaged or truncated file.
pub fn fnv1a(bytes: &[u8]) -> u64 {
    fnv1a_extend(FNV1A_START, bytes)
}

/// FNV-1a's starting state (its offset basis).
pub const FNV1A_START: u64 = 0xcbf2_9ce4_8422_2325;

/// FNV-1a of text given in pieces: `fnv1a_extend(fnv1a(x), y)` is
/// `fnv1a(x ++ y)`, so a long text need not be held whole.
pub fn fnv1a_extend(state: u64, bytes: &[u8]) -> u64 {
    bytes.iter().fold(state, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

/// [`fnv1a`] as 16 hex digits, as manifests record it.
pub fn fnv_hex(bytes: &[u8]) -> String {
    hex_digest(fnv1a(bytes))
}

/// An FNV-1a state (from [`fnv1a_extend`]) as 16 hex digits, as
/// [`fnv_hex`] writes it.
pub fn hex_digest(state: u64) -> String {
    format!("{state:016x}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_come_back_with_their_bits_and_short_input_is_an_error() {
        let mut e = Encoder::default();
        e.u32(7);
        e.i128(-(1 << 100));
        e.f64(-0.0);
        e.f64(f64::NAN);
        e.u64(2);
        let mut d = Decoder::new(&e.bytes);
        assert_eq!(d.u32().unwrap(), 7);
        assert_eq!(d.i128().unwrap(), -(1 << 100));
        assert_eq!(d.f64().unwrap().to_bits(), (-0.0f64).to_bits());
        assert!(d.f64().unwrap().is_nan());
        // A count of 2 items of 8 bytes does not fit in nothing.
        assert!(d.count(8).is_err());
        assert!(Decoder::new(&e.bytes[..3]).u32().is_err());
    }
}
