// Reading a target table's columns and primary key over the MySQL protocol (MariaDB here,
// the FE query port in production), and the SINK_SCHEMA errors callers branch on.
import { createSchemaReader, isSinkError } from '@sync/sink-core'
import { createTestDatabase, mysqlOptions, registerCleanup } from '@sync/test-kit'
import mysql from 'mysql2/promise'
import { describe, expect, it } from 'vitest'

describe('the schema reader', () => {
  it('reads columns in table order and the primary key; configured columns replace the list', async () => {
    const db = await createTestDatabase('sinkcore')
    await db.query('CREATE TABLE t (a INT NOT NULL, id BIGINT NOT NULL, c TEXT, PRIMARY KEY (id, a))')
    const pool = mysql.createPool({ ...mysqlOptions('admin'), connectionLimit: 1 })
    registerCleanup(() => pool.end())

    const read = createSchemaReader(pool, db.name, { t2: { columns: ['id', 'c'] } })
    expect(await read.schema('t')).toEqual({ columns: ['a', 'id', 'c'], keys: ['a', 'id'] })

    await db.query('CREATE TABLE t2 (id BIGINT PRIMARY KEY, c TEXT, d TEXT)')
    expect(await read.schema('t2')).toEqual({ columns: ['id', 'c'], keys: ['id'] })

    const missing = await read.schema('nope').catch((e: unknown) => e)
    expect(isSinkError(missing) && [missing.code, missing.retriable, missing.table]).toEqual([
      'SINK_SCHEMA',
      true,
      'nope',
    ])
    // a failed read is not cached: the table created afterwards is found
    await db.query('CREATE TABLE nope (id INT PRIMARY KEY)')
    expect(await read.schema('nope')).toEqual({ columns: ['id'], keys: ['id'] })
  })
})
