import type { ChangeOp } from '@sync/change-message'

/** One Kafka message as the sinker keeps it until its batch is committed. */
export interface SourceMessage {
  topic: string
  partition: number
  /** Kafka offset as a decimal string. */
  offset: string
  key: Buffer | null
  value: Buffer | null
  headers: Record<string, string>
}

/** A decoded row waiting in a batch. `rowJson` is the exact text that goes into the load body. */
export interface BufferedRow {
  table: string
  op: ChangeOp
  row: Record<string, unknown>
  rowJson: string
  bytes: number
  origin: SourceMessage
}

/** Something that goes to the dead-letter topic instead of the target. */
export interface DeadLetter {
  origin: SourceMessage
  /** CM_ codes for a message that could not be read, SL_ or SQL codes for a row the target refused. */
  code: string
  message: string
  table?: string
}

export interface LoadOutcome {
  loadedRows: number
  loadedBytes: number
  /** Rows the target refused, isolated by bisection: they go to the dead-letter topic. */
  rejected: DeadLetter[]
}

/** Where batches go: StarRocks (Stream Load) or MySQL/MariaDB. */
export interface LoadTarget {
  readonly kind: 'starrocks' | 'mysql'
  /**
   * Loads `rows` (in order) into `table` under `label`. Rows the target refuses come back in
   * `rejected`; anything else that keeps the load from completing is thrown. An error with
   * `retriable: false` (and any TypeError/RangeError) stops the partition: nothing after it
   * is committed and the sinker reports it unhealthy. Any other error is retried with
   * backoff under the same label, so a load must be safe to repeat.
   */
  load(table: string, label: string, rows: readonly BufferedRow[]): Promise<LoadOutcome>
  close(): Promise<void>
}

/** The logger the sinker writes to (a service-kit JSON logger fits). */
export interface SinkLogger {
  debug(msg: string, fields?: Record<string, unknown>): void
  info(msg: string, fields?: Record<string, unknown>): void
  warn(msg: string, fields?: Record<string, unknown>): void
  error(msg: string, fields?: Record<string, unknown>): void
}
