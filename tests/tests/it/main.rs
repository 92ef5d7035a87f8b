//! The integration tests, one binary, one module per area.

mod redis_topologies;
mod token_store_conformance;
