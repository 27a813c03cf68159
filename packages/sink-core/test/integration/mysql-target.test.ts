// The MySQL target against the stack's MariaDB: runs of upserts and deletes applied in order
// in one transaction, a row MariaDB refuses isolated to a dead letter, a replay idempotent.
import { createMysqlTarget, createSchemaReader } from '@sync/sink-core'
import { createTestDatabase, mysqlOptions } from '@sync/test-kit'
import mysql from 'mysql2/promise'
import { describe, expect, it } from 'vitest'
import { bufferedRows, remove, upsert } from '../fixtures/rows.ts'

describe('MySQL target', () => {
  it('applies upserts and deletes in order and dead-letters only the row MariaDB refuses', async () => {
    const db = await createTestDatabase('sinkcore')
    await db.query(
      'CREATE TABLE t1 (id BIGINT PRIMARY KEY, b VARCHAR(4) NOT NULL, amount DECIMAL(30,10) NULL)',
    )
    const pool = mysql.createPool({ ...mysqlOptions('admin'), database: db.name, connectionLimit: 2 })
    // the target closes its pool
    const target = createMysqlTarget({ pool, schemas: createSchemaReader(pool, db.name, {}) })
    const batch = bufferedRows('t1', [
      upsert({ id: 1, b: 'x', amount: '12345678901234567890.0123456789' }),
      upsert({ id: 2, b: 'y', amount: null }),
      upsert({ id: 3, b: 'longer than four', amount: '1' }),
      remove({ id: 2, b: 'y', amount: null }),
      upsert({ id: 1, b: 'z', amount: '2.5' }),
      upsert({ id: 4, b: 'w', amount: '-1' }),
    ])
    try {
      const outcome = await target.load('t1', 'unused-label', batch)
      expect(outcome.loadedRows).toBe(5)
      expect(outcome.rejected.map((r) => [r.origin.offset, r.code, r.table])).toEqual([
        ['2', 'ER_DATA_TOO_LONG', 't1'],
      ])
      const final = [
        { id: '1', b: 'z', amount: '2.5000000000' },
        { id: '4', b: 'w', amount: '-1.0000000000' },
      ]
      const read = () =>
        db
          .query<Array<Record<string, unknown>>>('SELECT id, b, amount FROM t1 ORDER BY id')
          .then((rows) => rows.map((r) => ({ id: String(r.id), b: r.b, amount: String(r.amount) })))
      expect(await read()).toEqual(final)

      // a replay of the whole batch in order ends in the same state
      await target.load('t1', 'unused-label', batch)
      expect(await read()).toEqual(final)
    } finally {
      await target.close()
    }
  })
})
