// The sinker's own metrics, on the app's Prometheus registry: the names and help text of the
// handles @sync/sink-core writes to.
import type { MetricsRegistry } from '@sync/service-kit'
import type { SinkMetrics } from '@sync/sink-core'

export function createSinkerMetrics(registry: MetricsRegistry): SinkMetrics {
  return {
    rowsLoaded: registry.counter('sinker_rows_loaded_total', 'Rows loaded into the target, per table'),
    bytesLoaded: registry.counter(
      'sinker_bytes_loaded_total',
      'Body bytes loaded into the target, per table',
    ),
    loads: registry.counter('sinker_loads_total', 'Loads per table'),
    loadSeconds: registry.histogram('sinker_load_seconds', 'Load latency per table (one batch of one table)'),
    retries: registry.counter(
      'sinker_batch_retries_total',
      'Batch flushes retried after a failure, per partition topic',
    ),
    stopped: registry.counter(
      'sinker_partitions_stopped_total',
      'Partitions stopped by a non-retriable load error (paused, nothing committed past it), per code and table',
    ),
    splits: registry.counter(
      'sinker_load_splits_total',
      'Loads split in halves to isolate refused rows, per table',
    ),
    deadLetters: registry.counter(
      'sinker_dead_letters_total',
      'Messages and rows sent to the dead-letter topic, per code',
    ),
    lag: registry.gauge(
      'sinker_consumer_lag',
      'High watermark minus committed offset, per topic and partition',
    ),
    buffered: registry.gauge('sinker_buffered_bytes', 'Bytes held in memory (open, queued and held batches)'),
    budgetCuts: registry.counter(
      'sinker_memory_budget_cuts_total',
      'Open batches cut early because buffered bytes passed flush.memoryBudgetBytes, per table topic',
    ),
    held: registry.gauge('sinker_snapshot_held_messages', 'Stream messages held behind an open snapshot'),
    commits: registry.counter('sinker_offset_commits_total', 'Offset commits (plans and completions)'),
    abandoned: registry.counter(
      'sinker_batches_abandoned_total',
      'Batches abandoned on a rebalance or a stop',
    ),
  }
}
