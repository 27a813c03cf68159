// The parts of zongji 0.9.0 (and the mysql2 connection inside it) this package touches,
// including internals the notes show must be used or guarded (pause state, the schema
// filter hook, the INFORMATION_SCHEMA fetch hook, the table map).

export interface ZongjiColumnEntry {
  name: string
  type: number
  charset: string | null
  metadata?: { length_size?: number } & Record<string, unknown>
}

export interface ZongjiTableMapEntry {
  columns?: ZongjiColumnEntry[]
  columnSchemas: Array<{ COLUMN_TYPE: string; COLUMN_NAME: string }>
  parentSchema: string
  tableName: string
}

export interface ZongjiEvent {
  getEventName(): string
  timestamp: number
  nextPosition: number
  [field: string]: unknown
}

export interface Mysql2ConnectionLike {
  threadId: number
  _paused?: boolean
  stream?: { on(event: 'data', fn: () => void): void }
  pause(): void
  resume(): void
  query(sql: string, cb: (err: unknown) => void): void
}

export interface ZongjiLike {
  connection: Mysql2ConnectionLike | null
  tableMap: Record<number, ZongjiTableMapEntry>
  options: { filename?: string; position?: number }
  on(event: string, fn: (...args: never[]) => void): void
  once(event: string, fn: () => void): void
  removeAllListeners(event: string): void
  start(options: Record<string, unknown>): void
  stop(): void
  _fetchTableInfo: (event: { schemaName: string; tableName: string }, next: () => void) => void
  _skipSchema: (database: string, table: string) => boolean
}
