// How a source runner tells its caller what happened: a logger for the lines an operator
// reads, and callbacks for what the caller counts (the runner writes no metrics itself).

import type { BinlogPosition, DdlEvent, StartPosition } from '@sync/binlog-reader'
import type { DeliveredBatch } from './delivery-loop.ts'

/** The logger the runner writes to (service-kit's, or any with these four methods). */
export interface SourceLogger {
  debug(msg: string, fields?: Record<string, unknown>): void
  info(msg: string, fields?: Record<string, unknown>): void
  warn(msg: string, fields?: Record<string, unknown>): void
  error(msg: string, fields?: Record<string, unknown>): void
}

/**
 * starting → running ⇄ blocked → (stopped | failed); running → starting again when the
 * reader is restarted.
 */
export type SourceState = 'starting' | 'running' | 'blocked' | 'stopped' | 'failed'

export interface SourceRunnerReport {
  /** Every state change, with the detail health shows. */
  state?(state: SourceState, detail: string): void
  /** Rows of a captured table read from the binlog, per rule. */
  rowsRead?(rule: string, rows: number): void
  /** Rows of a table no rule captures (read, not shipped). */
  rowsSkipped?(rows: number): void
  /** Once per batch Kafka acknowledged, in order. */
  delivered?(batch: DeliveredBatch<BinlogPosition>): void
  /** A batch Kafka did not acknowledge; it is sent again after `delayMs`. */
  sendFailed?(error: unknown, attempt: number, delayMs: number): void
  checkpointSaved?(position: BinlogPosition, savedAt: number): void
  /**
   * Every error the source met, by code: a failed send or checkpoint write, a start or a
   * catalog read retried, a reconnect, a row that blocks the source, the error that ends it.
   */
  error?(code: string, error: unknown): void
  /** The reader was stopped and started again (a rule reload), from `from`. */
  readerRestarted?(reason: string, from: StartPosition): void
  ddl?(event: DdlEvent): void
}
