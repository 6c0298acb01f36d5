//! Bytes from the fuzzer as the files `airace merge` and `--resume` read
//! back from disk: an aggregate state (`aggregate.bin`), a shard manifest
//! (`shard.json`) and a checkpoint (`checkpoint.json`). A damaged file must
//! come back as an error, never a panic; a state that decodes must encode
//! to the same bytes.

#![no_main]

use airace::engine::Aggregate;
use airace::output::checkpoint::Checkpoint;
use airace::shard::ShardManifest;
use airace::stats::codec::fnv1a;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // The dimensions come from the first bytes, as a scenario would give
    // them. The rest is decoded as it is (which the checksum mostly turns
    // away) and as the body of a file with the magic and a right checksum
    // (which reaches the decoder proper).
    if let [labs, steps, rest @ ..] = data {
        let (labs, steps) = (usize::from(*labs % 12), u32::from(*steps));
        let mut sealed = b"AIRACE-AGGREGATE".to_vec();
        sealed.extend_from_slice(rest);
        sealed.extend_from_slice(&fnv1a(&sealed).to_le_bytes());
        for bytes in [rest, &sealed[..]] {
            if let Ok(a) = Aggregate::from_bytes(bytes, labs, steps) {
                assert_eq!(a.to_bytes(), bytes, "a decoded state encodes to its bytes");
            }
        }
    }
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = serde_json::from_str::<ShardManifest>(text);
        let _ = serde_json::from_str::<Checkpoint>(text);
    }
});
