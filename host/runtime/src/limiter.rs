//! The per-invocation memory cap, as a wasmtime resource limiter that remembers why it refused.

use wasmtime::ResourceLimiter;

/// Caps linear memory and tables of one store, and records when the cap was hit so the failure
/// can be reported as a memory-limit error rather than an anonymous trap.
#[derive(Debug)]
pub(crate) struct MemoryLimiter {
    max_memory: usize,
    pub(crate) exceeded: bool,
}

/// Table growth is bounded like memory, counted at a pointer per element.
const TABLE_ELEMENT_BYTES: usize = size_of::<usize>();

impl MemoryLimiter {
    pub(crate) fn new(max_memory: usize) -> Self {
        MemoryLimiter {
            max_memory,
            exceeded: false,
        }
    }
}

/// The error a refused growth raises; trapping (rather than returning -1 from `memory.grow`)
/// gives a clear failure instead of a guest abort via `unreachable`.
#[derive(Debug, thiserror::Error)]
#[error("memory limit of {limit} bytes reached (asked for {desired})")]
pub(crate) struct MemoryLimitHit {
    pub(crate) limit: usize,
    pub(crate) desired: usize,
}

impl ResourceLimiter for MemoryLimiter {
    fn memory_growing(
        &mut self,
        _current: usize,
        desired: usize,
        _maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        if desired > self.max_memory {
            self.exceeded = true;
            return Err(wasmtime::Error::new(MemoryLimitHit {
                limit: self.max_memory,
                desired,
            }));
        }
        Ok(true)
    }

    fn table_growing(
        &mut self,
        _current: usize,
        desired: usize,
        _maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        if desired.saturating_mul(TABLE_ELEMENT_BYTES) > self.max_memory {
            self.exceeded = true;
            return Err(wasmtime::Error::new(MemoryLimitHit {
                limit: self.max_memory,
                desired: desired.saturating_mul(TABLE_ELEMENT_BYTES),
            }));
        }
        Ok(true)
    }
}
