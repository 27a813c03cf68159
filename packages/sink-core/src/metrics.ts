// The metrics the sinker writes, as handles the caller hands in (a Prometheus registry's
// counters, gauges and histogram fit as they are). The package names no metric and owns no
// registry: the app decides names, help text and buckets.

export type SinkLabels = Record<string, string | number>

export interface SinkCounter {
  inc(labels?: SinkLabels, by?: number): void
}

export interface SinkGauge {
  set(labels: SinkLabels | undefined, value: number): void
}

export interface SinkHistogram {
  observe(labels: SinkLabels | undefined, value: number): void
}

export interface SinkMetrics {
  /** Rows loaded into the target, labels {table}. */
  rowsLoaded: SinkCounter
  /** Body bytes loaded into the target, labels {table}. */
  bytesLoaded: SinkCounter
  /** Loads (one batch of one table), labels {table}. */
  loads: SinkCounter
  /** Load latency in seconds, labels {table}. */
  loadSeconds: SinkHistogram
  /** Batch flushes retried after a failure, labels {topic}. */
  retries: SinkCounter
  /** Partitions stopped by a non-retriable error (nothing committed past it), labels {code, table}. */
  stopped: SinkCounter
  /** Loads split in halves to isolate refused rows, labels {table}. */
  splits: SinkCounter
  /** Messages and rows sent to the dead-letter topic, labels {code}. */
  deadLetters: SinkCounter
  /** High watermark minus committed offset, labels {topic, partition}. */
  lag: SinkGauge
  /** Bytes held in memory (open, queued and held batches). */
  buffered: SinkGauge
  /** Open batches cut early over the memory budget, labels {topic}. */
  budgetCuts: SinkCounter
  /** Stream messages held behind an open snapshot or a catch-up. */
  held: SinkGauge
  /** Offset commits (plans and completions), labels {topic}. */
  commits: SinkCounter
  /** Batches abandoned on a rebalance or a stop, labels {reason}. */
  abandoned: SinkCounter
}

const noCounter: SinkCounter = { inc() {} }
const noGauge: SinkGauge = { set() {} }

/** Metrics that go nowhere (tests, tools that count nothing). */
export const noopSinkMetrics: SinkMetrics = {
  rowsLoaded: noCounter,
  bytesLoaded: noCounter,
  loads: noCounter,
  loadSeconds: { observe() {} },
  retries: noCounter,
  stopped: noCounter,
  splits: noCounter,
  deadLetters: noCounter,
  lag: noGauge,
  buffered: noGauge,
  budgetCuts: noCounter,
  held: noGauge,
  commits: noCounter,
  abandoned: noCounter,
}
