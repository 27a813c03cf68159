/** A change of one target row, after table matching and column mapping. */
export interface Change {
  op: ChangeOp
  /** Target column → rendered value. For a delete: the row as it was (at least the key). */
  row: Record<string, unknown>
  /** Target primary-key column → value; decides the Kafka key and so the partition. */
  key: Record<string, unknown>
  /** The row before an update, for the debezium format (optional). */
  before?: Record<string, unknown> | undefined
  source: ChangeSource
}

export const changeOps = { upsert: 'upsert', delete: 'delete' } as const
export type ChangeOp = keyof typeof changeOps

/** What the change came from; travels in Kafka headers (and in the debezium `source`). */
export interface ChangeSource {
  database: string
  table: string
  /** 'insert' | 'update' | 'delete' as read from the binlog, or 'snapshot'. */
  kind: 'insert' | 'update' | 'delete' | 'snapshot'
  /** Source event time, ms since the epoch. */
  timestamp?: number | undefined
  binlogFile?: string | undefined
  binlogPos?: number | undefined
  gtid?: string | undefined
  /** The logical target the rule maps this table to. */
  target?: string | undefined
}

export const outputFormats = { seed: 'seed', debezium: 'debezium' } as const
export type OutputFormat = keyof typeof outputFormats

/** The version of this message contract, sent as a header. */
export const messageVersion = '1'
