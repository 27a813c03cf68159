// The global memory budget: what the sinker buffers (open, queued and held batches), and
// which open batches to cut when it passes flush.memoryBudgetBytes.
import type { Worker } from './partition-worker.ts'

type Buffers = Pick<Worker, 'batcher' | 'queuedBytes' | 'heldBytes' | 'stopped'>

export function bufferedBytes(workers: Iterable<Buffers>): number {
  let n = 0
  for (const w of workers) n += w.batcher.bytes + w.queuedBytes + w.heldBytes
  return n
}

/**
 * Whether the buffers are over `budget`, and the open batches to cut, biggest first, until
 * what is cut covers the excess. Held messages cannot be flushed (they wait for other
 * partitions, which are paused instead) and a stopped partition's buffers stay until a
 * restart: neither counts. Batches already cut are on their way out and count against the
 * excess, or a slow load would make every pass cut yet another buffer until none is left.
 */
export function budgetCuts<W extends Buffers>(
  workers: readonly W[],
  budget: number,
): { over: boolean; cut: W[] } {
  let stuck = 0
  let queued = 0
  for (const w of workers) {
    stuck += w.stopped ? w.batcher.bytes + w.queuedBytes + w.heldBytes : w.heldBytes
    if (!w.stopped) queued += w.queuedBytes
  }
  const over = bufferedBytes(workers) - stuck - budget
  if (over <= 0) return { over: false, cut: [] }
  let toCut = over - queued
  const cut: W[] = []
  for (const w of workers
    .filter((x) => x.batcher.hasOpen && !x.stopped)
    .sort((a, b) => b.batcher.bytes - a.batcher.bytes)) {
    if (toCut <= 0) break
    toCut -= w.batcher.bytes
    cut.push(w)
  }
  return { over: true, cut }
}
