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
  const labels = Object.freeze({ source: sourceId })
  // one frozen label set per rule, reused for every row event (the registry caches the
  // series key of a frozen label set)
  const perRule = new Map<string, Readonly<Record<string, string>>>()
  const ruleLabels = (rule: string) => {
    let l = perRule.get(rule)
    if (!l) {
      l = Object.freeze({ ...labels, rule })
      perRule.set(rule, l)
    }
    return l
  }
  return {
    state(state) {
      metrics.gauge('shipper_source_up', state === 'running' || state === 'blocked' ? 1 : 0, labels)
      metrics.gauge('shipper_source_blocked', state === 'blocked' ? 1 : 0, labels)
    },
    rowsRead: (rule, rows) => metrics.increment('shipper_rows_read', rows, ruleLabels(rule)),
    rowsSkipped: (rows) =>
      metrics.increment('shipper_rows_skipped', rows, { ...labels, rule: '', reason: 'no_rule' }),
    delivered(batch) {
      const sent = new Map<string, number>()
      for (const m of batch.messages) sent.set(m.rule, (sent.get(m.rule) ?? 0) + 1)
      for (const [rule, n] of sent) metrics.increment('shipper_rows_sent', n, ruleLabels(rule))
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
