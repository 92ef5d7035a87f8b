mod conformance;
mod durable;
mod memory;
mod policy;
mod redis;
mod redis_topologies;
mod sandbox;
