// Which columns of a table are binary (BINARY, VARBINARY, BLOBs, text with the binary
// charset), read from information_schema and classified by binlog-reader's own catalog
// rule, so the stream re-encodes exactly the columns the snapshot renders as binary.
//
// Row events carry rendered values but not column types, and the reader renders every
// binary value one way (base64). A rule asking for hex or utf8 needs the column list, asked
// once per table and forgotten on DDL of that table. The catalog answers for the table as
// it is now: a row read long after a later ALTER turned a column binary (or back) is
// re-encoded by the newer definition.

import { type QueryRunner, specFromCatalog } from '@sync/binlog-reader'
import { DeliveryError } from './errors.ts'
import { checkOptions } from './options.ts'

export interface BinaryColumnLookup {
  /** The binary columns of a loaded table, or undefined when not loaded yet. */
  get(database: string, table: string): ReadonlySet<string> | undefined
  /** Reads (or re-reads) the table's binary columns; an absent table has none. */
  load(database: string, table: string): Promise<ReadonlySet<string>>
}

export interface BinaryColumnCatalog extends BinaryColumnLookup {
  /** Forgets the named tables, and every table of `database` when given (DDL). */
  invalidate(tables: ReadonlyArray<{ database: string; table: string }>, database?: string): void
  readonly size: number
}

export interface BinaryColumnCatalogOptions {
  /** A mysql2/promise pool or connection to the source. */
  conn: QueryRunner
  /** The table does not exist (dropped since the row was written): its values stay as read. */
  onMissingTable?(database: string, table: string): void
}

const optionKeys = ['conn', 'onMissingTable']
const none: ReadonlySet<string> = new Set()

export function createBinaryColumnCatalog(options: BinaryColumnCatalogOptions): BinaryColumnCatalog {
  checkOptions('createBinaryColumnCatalog', options, optionKeys)
  if (typeof options.conn?.query !== 'function')
    throw new DeliveryError('DELIVERY_OPTIONS', 'options.conn must be a mysql2/promise pool or connection')
  const byTable = new Map<string, ReadonlySet<string>>()
  const loading = new Map<string, Promise<ReadonlySet<string>>>()
  const keyOf = (database: string, table: string) => `${database}\u0000${table}`

  const read = async (database: string, table: string): Promise<ReadonlySet<string>> => {
    let rows: unknown
    try {
      ;[rows] = await options.conn.query(
        `SELECT COLUMN_NAME, DATA_TYPE, COLUMN_TYPE, CHARACTER_SET_NAME FROM information_schema.COLUMNS
          WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?`,
        [database, table],
      )
    } catch (cause) {
      throw new DeliveryError(
        'DELIVERY_SCHEMA',
        `cannot read the columns of ${database}.${table}: ${(cause as Error).message}`,
        { cause, database, table },
      )
    }
    const columns = rows as Parameters<typeof specFromCatalog>[0][]
    if (columns.length === 0) {
      options.onMissingTable?.(database, table)
      return none
    }
    return new Set(
      columns.map((c) => specFromCatalog(c, false)).flatMap((s) => (s.kind === 'binary' ? [s.name] : [])),
    )
  }

  return {
    get: (database, table) => byTable.get(keyOf(database, table)),
    load(database, table) {
      const key = keyOf(database, table)
      let pending = loading.get(key)
      if (pending === undefined) {
        pending = read(database, table)
          .then((set) => {
            if (loading.get(key) === pending) byTable.set(key, set)
            return set
          })
          .finally(() => {
            if (loading.get(key) === pending) loading.delete(key)
          })
        loading.set(key, pending)
      }
      return pending
    },
    invalidate(tables, database) {
      for (const t of tables) {
        byTable.delete(keyOf(t.database, t.table))
        loading.delete(keyOf(t.database, t.table))
      }
      if (database !== undefined) {
        const prefix = `${database}\u0000`
        for (const key of [...byTable.keys()]) if (key.startsWith(prefix)) byTable.delete(key)
        for (const key of [...loading.keys()]) if (key.startsWith(prefix)) loading.delete(key)
      }
    },
    get size() {
      return byTable.size
    },
  }
}
