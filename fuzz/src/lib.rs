//! The fuzz targets' bodies, shared with the stable replay
//! (`tests/fuzz_replay.rs` includes `targets.rs` by path).

pub mod targets;
