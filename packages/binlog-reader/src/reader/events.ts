import type { BinlogError } from '../errors.ts'
import type { RenderedRow } from '../render/raw-json.ts'
import type { DdlKind, TableRef } from './ddl.ts'

/**
 * A place in the binlog to resume from. `gtid` is the GTID set (MySQL 'uuid:1-5') or
 * GTID position (MariaDB '0-1-42') of everything before this point, when known.
 */
export interface BinlogPosition {
  file: string
  pos: number
  gtid?: string
}

export type StartPosition = { file: string; pos: number } | { gtid: string } | 'now'

interface EventBase {
  /** Event time from the binlog header, ms since the epoch (the statement's start). */
  timestamp: number
  /** The last commit before this event: where a resume would replay this transaction from. */
  position: BinlogPosition
  /** The GTID of the transaction this event belongs to, when the server sent one. */
  gtid?: string
}

export interface RowEventBase extends EventBase {
  database: string
  table: string
  /** Primary-key column names, in key order (empty for a table without one). */
  primaryKey: string[]
  /** Column names in table order, as of this event's TableMap. */
  columns: string[]
  /**
   * Where this row event itself ends in the binlog. Unlike `position` (the last commit
   * before the transaction), it is after the transaction's start, so comparing it with a
   * snapshot's consistent-read position says exactly whether the snapshot saw this change,
   * even when a rotate or checkpoint event sits between the two.
   */
  eventEnd: { file: string; pos: number }
}

export interface InsertEvent extends RowEventBase {
  kind: 'insert'
  rows: RenderedRow[]
}
export interface DeleteEvent extends RowEventBase {
  kind: 'delete'
  rows: RenderedRow[]
}
export interface UpdateEvent extends RowEventBase {
  kind: 'update'
  rows: Array<{ before: RenderedRow; after: RenderedRow }>
}
export interface BeginEvent extends EventBase {
  kind: 'begin'
}
/** A transaction ended; `checkpoint` is the position to persist once everything before it is safe. */
export interface CommitEvent extends EventBase {
  kind: 'commit'
  checkpoint: BinlogPosition
}
export interface DdlEvent extends EventBase {
  kind: 'ddl'
  ddl: DdlKind
  /** What the statement acts on: 'table', 'database', 'index', 'view', … */
  object: string
  statement: string
  /** The session's default database when the statement ran. */
  database: string
  /** Tables the statement names (both sides of a RENAME). */
  tables: TableRef[]
  /** For CREATE/DROP/ALTER DATABASE. */
  targetDatabase?: string
}
/**
 * The connection was lost and re-established from `position` (the last commit). Any
 * transaction begun but not committed before this event is replayed in full after it:
 * a consumer that buffers transactions drops its partial one here.
 */
export interface ReconnectEvent {
  kind: 'reconnect'
  position: BinlogPosition
  error: BinlogError
  attempt: number
  timestamp: number
}

export type RowEvent = InsertEvent | UpdateEvent | DeleteEvent
export type ReaderEvent = RowEvent | BeginEvent | CommitEvent | DdlEvent | ReconnectEvent
