mod durable;
mod helpers;
mod memory;
mod policy;
mod redis;
mod sandbox;
