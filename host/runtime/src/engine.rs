//! The one wasmtime [`Engine`], its configuration, and the stable key of that configuration used to
//! name precompiled artifacts.

use crate::RuntimeConfig;
use sha2::{Digest, Sha256};
use std::hash::{Hash, Hasher};
use wasmtime::{Config, Engine, InstanceAllocationStrategy, PoolingAllocationConfig};

/// Memories per instance slot: a Rust component has one; componentize-py and componentize-js
/// components bring a few (adapter, libc, interpreter).
const MEMORIES_PER_COMPONENT: u32 = 8;

/// Core instances per component: the interpreters' components link a dozen or so core modules.
const CORE_INSTANCES_PER_COMPONENT: u32 = 64;

/// Table slots per table: interpreters built to wasm have function tables of tens of thousands
/// of entries; the reservation is virtual until used.
const TABLE_ELEMENTS: usize = 100_000;

/// How the engine allocates instances.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Allocation {
    /// Pre-reserved slots: the serving configuration.
    Pooling,
    /// Plain allocation: for the compile-only child, whose address space is capped.
    OnDemand,
}

/// Builds the wasmtime configuration for `config`.
pub(crate) fn wasmtime_config(config: &RuntimeConfig, allocation: Allocation) -> Config {
    let mut c = Config::new();
    c.epoch_interruption(true);
    c.consume_fuel(config.limits.fuel.is_some());
    c.max_wasm_stack(config.max_wasm_stack);
    c.wasm_component_model(true);
    if allocation == Allocation::Pooling {
        let mut pool = PoolingAllocationConfig::new();
        let instances = config.pool_instances.max(1);
        pool.total_component_instances(instances);
        pool.total_core_instances(instances * CORE_INSTANCES_PER_COMPONENT);
        pool.total_memories(instances * MEMORIES_PER_COMPONENT);
        pool.total_tables(instances * MEMORIES_PER_COMPONENT);
        pool.total_stacks(instances);
        pool.max_memories_per_component(MEMORIES_PER_COMPONENT);
        pool.max_core_instances_per_component(CORE_INSTANCES_PER_COMPONENT);
        pool.max_component_instance_size(4 << 20);
        pool.max_core_instance_size(4 << 20);
        pool.table_elements(TABLE_ELEMENTS);
        pool.max_tables_per_component(MEMORIES_PER_COMPONENT);
        pool.max_memory_size(config.limits.memory_bytes);
        c.allocation_strategy(InstanceAllocationStrategy::Pooling(pool));
    }
    c
}

/// Creates the engine.
pub(crate) fn build(config: &RuntimeConfig, allocation: Allocation) -> wasmtime::Result<Engine> {
    Engine::new(&wasmtime_config(config, allocation))
}

/// Feeds `Hash` output into SHA-256, so the digest is stable across Rust versions (unlike
/// `DefaultHasher`).
struct Sha256Hasher(Sha256);

impl Hasher for Sha256Hasher {
    fn finish(&self) -> u64 {
        // Never used: the digest is read with `finalize`.
        0
    }
    fn write(&mut self, bytes: &[u8]) {
        self.0.update(bytes);
    }
}

/// A stable hex key of everything that makes a precompiled artifact compatible with `engine`.
pub(crate) fn engine_key(engine: &Engine) -> String {
    let mut h = Sha256Hasher(Sha256::new());
    engine.precompile_compatibility_hash().hash(&mut h);
    h.write(env!("CARGO_PKG_VERSION").as_bytes());
    hex::encode(&h.0.finalize()[..8])
}

/// SHA-256 of a component's bytes, hex.
pub fn content_hash(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}
