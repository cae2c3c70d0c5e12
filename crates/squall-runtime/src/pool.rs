//! Recycled batch buffers. A producer fills a batch and hands it to another executor, which drains
//! it; without recycling, every batch is allocated on one thread and freed on another, and the
//! system allocator then dominates a cross-thread hand-off (measured: glibc malloc halves
//! throughput of the unchained const-null topology against a pooled or mimalloc run). Drained
//! batches go back to a process-wide lock-free pool that producers take from.

use crossbeam_queue::ArrayQueue;

use crate::message::Batch;

/// A bounded pool of empty batch buffers.
pub(crate) struct BatchPool {
    free: ArrayQueue<Batch>,
    batch_size: usize,
}

impl BatchPool {
    /// A pool holding at most `buffers` buffers of `batch_size` messages.
    pub(crate) fn new(buffers: usize, batch_size: usize) -> Self {
        Self { free: ArrayQueue::new(buffers.max(1)), batch_size: batch_size.max(1) }
    }

    /// An empty buffer with room for a batch.
    #[inline]
    pub(crate) fn take(&self) -> Batch {
        self.free.pop().unwrap_or_else(|| Vec::with_capacity(self.batch_size))
    }

    /// Returns a drained buffer (buffers of another size, or beyond the pool's bound, are freed).
    #[inline]
    pub(crate) fn give(&self, batch: Batch) {
        if batch.is_empty() && batch.capacity() >= self.batch_size && batch.capacity() <= 2 * self.batch_size
        {
            let _ = self.free.push(batch);
        }
    }
}
