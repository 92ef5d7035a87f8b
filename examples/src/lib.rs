//! Examples live beside this crate in `examples/`.
