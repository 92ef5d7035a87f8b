//! What the callback benchmark's two programs (`bench_callback_server` and
//! `bench_callback_load`) share. Nothing else depends on this library: the
//! other examples are self-contained programs.
#![warn(missing_docs)]

pub mod bench_callback;
