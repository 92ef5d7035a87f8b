//! Compile-fail cases for the spec macro live in `cases/`.
