// The emulated StarRocks catalog lives in MariaDB itself: a StarRocks database `db` is the
// MariaDB database `<prefix><db>`, and each column's StarRocks type sits in its COMMENT, so
// the schema survives emulator restarts and tests can create tables with plain SQL too.
import type { Pool, RowDataPacket } from 'mysql2/promise'
import { parseCreateTable, quoteIdent, type TableModel, toMariaDdl } from './ddl.ts'
import { EmulatorError } from './errors.ts'
import { parseSrType, type SrType } from './types.ts'

export interface ColumnSchema {
  name: string
  type: SrType
  nullable: boolean
  hasDefault: boolean
  autoIncrement: boolean
}

export interface TableSchema {
  database: string
  mariaDatabase: string
  name: string
  model: TableModel
  keys: string[]
  columns: ColumnSchema[]
}

export interface Catalog {
  mariaDatabase(db: string): string
  databaseExists(db: string): Promise<boolean>
  /** undefined when the table does not exist. */
  table(db: string, table: string): Promise<TableSchema | undefined>
  createTableFromDdl(sql: string, database?: string): Promise<TableSchema>
}

function fromMariaType(columnType: string): SrType {
  const t = columnType.toLowerCase()
  const m = /^(\w+)(?:\((\d+)(?:,(\d+))?\))?/.exec(t)
  const base = m?.[1] ?? t
  const unsigned = t.includes('unsigned')
  const map: Record<string, string> = {
    tinyint: t.startsWith('tinyint(1)') ? 'BOOLEAN' : unsigned ? 'SMALLINT' : 'TINYINT',
    smallint: unsigned ? 'INT' : 'SMALLINT',
    mediumint: 'INT',
    int: unsigned ? 'BIGINT' : 'INT',
    bigint: unsigned ? 'LARGEINT' : 'BIGINT',
    float: 'FLOAT',
    double: 'DOUBLE',
    decimal: `DECIMAL(${m?.[2] ?? 10},${m?.[3] ?? 0})`,
    char: `CHAR(${(Number(m?.[2]) || 1) * 4})`,
    varchar: `VARCHAR(${(Number(m?.[2]) || 1) * 4})`,
    date: 'DATE',
    datetime: 'DATETIME',
    timestamp: 'DATETIME',
  }
  return parseSrType(
    map[base] ?? (/text|json/.test(base) ? 'STRING' : /blob|binary/.test(base) ? 'VARBINARY' : 'STRING'),
  )
}

export function createCatalog(pool: Pool, prefix: string): Catalog {
  const mariaDatabase = (db: string) => prefix + db

  async function table(db: string, name: string): Promise<TableSchema | undefined> {
    const mdb = mariaDatabase(db)
    const [tables] = await pool.query<RowDataPacket[]>(
      'SELECT TABLE_COMMENT AS c FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?',
      [mdb, name],
    )
    if (tables.length === 0) return undefined
    const [cols] = await pool.query<RowDataPacket[]>(
      `SELECT COLUMN_NAME AS name, COLUMN_COMMENT AS comment, IS_NULLABLE AS nullable, COLUMN_DEFAULT AS def,
              EXTRA AS extra, COLUMN_TYPE AS type, COLUMN_KEY AS k
         FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION`,
      [mdb, name],
    )
    const tableComment = String(tables[0]!.c ?? '')
    const srTable = /^sr:(PRIMARY|DUPLICATE|UNIQUE):(.*)$/.exec(tableComment)
    const columns: ColumnSchema[] = cols.map((c) => {
      const comment = String(c.comment ?? '')
      const def = c.def as string | null
      return {
        name: String(c.name),
        type: comment.startsWith('sr:') ? parseSrType(comment.slice(3)) : fromMariaType(String(c.type)),
        nullable: c.nullable === 'YES',
        hasDefault: def !== null && def !== 'NULL',
        autoIncrement: /auto_increment/i.test(String(c.extra)),
      }
    })
    const pk = cols.filter((c) => c.k === 'PRI').map((c) => String(c.name))
    const model: TableModel = srTable ? (srTable[1] as TableModel) : pk.length > 0 ? 'PRIMARY' : 'DUPLICATE'
    const keys = srTable ? srTable[2]!.split(',').filter(Boolean) : pk
    return { database: db, mariaDatabase: mdb, name, model, keys, columns }
  }

  return {
    mariaDatabase,
    async databaseExists(db) {
      const [rows] = await pool.query<RowDataPacket[]>(
        'SELECT 1 FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?',
        [mariaDatabase(db)],
      )
      return rows.length > 0
    },
    table,
    async createTableFromDdl(sql, database) {
      const def = parseCreateTable(sql)
      const db = def.database ?? database
      if (!db) throw new EmulatorError('EMU_BAD_DDL', 'the DDL names no database and none was given')
      const mdb = mariaDatabase(db)
      await pool.query(`CREATE DATABASE IF NOT EXISTS ${quoteIdent(mdb)} CHARACTER SET utf8mb4`)
      const ifNotExists = /^\s*CREATE\s+TABLE\s+IF\s+NOT\s+EXISTS/i.test(sql)
      const ddl = toMariaDdl(def, mdb)
      await pool.query(ifNotExists ? ddl.replace(/^CREATE TABLE/, 'CREATE TABLE IF NOT EXISTS') : ddl)
      const schema = await table(db, def.name)
      if (!schema) throw new EmulatorError('EMU_UNKNOWN_TABLE', `table ${db}.${def.name} was not created`)
      return schema
    },
  }
}
