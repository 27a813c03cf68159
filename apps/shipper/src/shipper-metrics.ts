// The logger and metrics shapes the app's parts accept (service-kit's, narrowed), and the
// help text of every metric the shipper writes (exposed as sync_<name>[_total]).

export interface Log {
  debug(msg: string, fields?: Record<string, unknown>): void
  info(msg: string, fields?: Record<string, unknown>): void
  warn(msg: string, fields?: Record<string, unknown>): void
  error(msg: string, fields?: Record<string, unknown>): void
}

export interface Metrics {
  increment(name: string, by?: number, labels?: Record<string, string>): void
  gauge(name: string, value: number, labels?: Record<string, string>): void
}

export const metricHelp: Record<string, string> = {
  shipper_rows_read: 'Rows read from the binlog for captured tables, per source and rule',
  shipper_rows_sent: 'Rows whose messages Kafka acknowledged, per source and rule',
  shipper_rows_skipped: 'Rows read but not shipped (no rule captures the table), per source and rule',
  shipper_messages_sent: 'Kafka messages acknowledged, per source',
  shipper_bytes_sent: 'Bytes of acknowledged Kafka messages (key + value + headers), per source',
  shipper_seconds_behind_source: 'Source time of the last acknowledged transaction behind now (0 when idle)',
  shipper_checkpoint_pos: 'Binlog position of the last written checkpoint',
  shipper_checkpoint_file_seq: 'Binlog file sequence number of the last written checkpoint',
  shipper_checkpoint_saved_seconds: 'Unix time the last checkpoint was written',
  shipper_errors: 'Errors, per source and code',
  shipper_kafka_send_failures: 'Batches Kafka did not acknowledge (retried), per source',
  shipper_source_up: '1 while a source streams, 0 when stopped or failed',
  shipper_source_blocked: '1 while a source waits for a rule fix',
  shipper_reader_restarts: 'Binlog reader restarts after a rule reload, per source',
  shipper_ddl_events: 'DDL statements seen on captured tables, per source and kind',
  shipper_rule_reloads: 'Rule directory reloads, per result',
  // written by the packages under these names (a name without _total gets one)
  table_matcher_unmapped_columns_total:
    'Columns seen without an explicit mapping, per rule and action (first sighting per table)',
  table_matcher_rule_reloads_total: 'Rule sets swapped into a matcher',
  table_matcher_rule_reloads_rejected_total:
    'Rule sets refused because a table already seen would match two rules',
  table_matcher_plans_compiled_total: 'Table plans compiled',
  table_matcher_match_errors_total: 'Tables whose rule could not be decided, per code',
  binlog_paused:
    "1 while a source's binlog socket is paused because the shipper is not pulling (Kafka slower than the binlog), per source",
  binlog_errors_total: 'Binlog reader errors, per source and code',
  binlog_reconnects_total:
    'Binlog connections re-established, per source and code of the error that broke them',
  binlog_invalid_dates_total: 'Zero or invalid dates rendered as null, per source, table and column',
}

/**
 * The metrics sink one source's binlog reader writes to. The reader does not know which
 * source it reads, so its series (binlog_paused, binlog_errors_total, …) get the `source`
 * label here; without it a gauge such as binlog_paused of several sources in one process
 * was one series that each reader overwrote.
 */
export function readerMetrics(sourceId: string, metrics: Metrics): Metrics {
  return {
    increment: (name, by, labels) => metrics.increment(name, by, { ...labels, source: sourceId }),
    gauge: (name, value, labels) => metrics.gauge(name, value, { ...labels, source: sourceId }),
  }
}
