// A source runner's reports turned into the shipper's metrics (sync_shipper_*): the runner
// says what happened, the app decides what it counts.

import type { BinlogPosition } from '@sync/binlog-reader'
import type { DeliveredBatch, SourceRunnerReport } from '@sync/delivery'
import type { Metrics } from './shipper-metrics.ts'

export function sourceMetrics(
  sourceId: string,
  metrics: Metrics,
  onDelivered?: (batch: DeliveredBatch<BinlogPosition>) => void,
): SourceRunnerReport {
  const labels = { source: sourceId }
  return {
    state(state) {
      metrics.gauge('shipper_source_up', state === 'running' || state === 'blocked' ? 1 : 0, labels)
      metrics.gauge('shipper_source_blocked', state === 'blocked' ? 1 : 0, labels)
    },
    rowsRead: (rule, rows) => metrics.increment('shipper_rows_read', rows, { ...labels, rule }),
    rowsSkipped: (rows) =>
      metrics.increment('shipper_rows_skipped', rows, { ...labels, rule: '', reason: 'no_rule' }),
    delivered(batch) {
      const perRule = new Map<string, number>()
      for (const m of batch.messages) perRule.set(m.rule, (perRule.get(m.rule) ?? 0) + 1)
      for (const [rule, n] of perRule) metrics.increment('shipper_rows_sent', n, { ...labels, rule })
      metrics.increment('shipper_messages_sent', batch.messages.length, labels)
      metrics.increment('shipper_bytes_sent', batch.bytes, labels)
      onDelivered?.(batch)
    },
    sendFailed: () => metrics.increment('shipper_kafka_send_failures', 1, labels),
    checkpointSaved(position, savedAt) {
      metrics.gauge('shipper_checkpoint_pos', position.pos, labels)
      const seq = Number(/\.(\d+)$/.exec(position.file)?.[1] ?? Number.NaN)
      if (Number.isFinite(seq)) metrics.gauge('shipper_checkpoint_file_seq', seq, labels)
      metrics.gauge('shipper_checkpoint_saved_seconds', Math.floor(savedAt / 1000), labels)
    },
    error: (code) => metrics.increment('shipper_errors', 1, { ...labels, code }),
    readerRestarted: () => metrics.increment('shipper_reader_restarts', 1, labels),
    ddl: (event) => metrics.increment('shipper_ddl_events', 1, { ...labels, kind: event.ddl }),
  }
}
