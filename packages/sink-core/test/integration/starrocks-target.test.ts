// The StarRocks target against the Stream Load emulator (an HTTP FE/BE over the stack's
// MariaDB): columns read from the table, exact DECIMALs, deletes by `__op`, refused rows
// isolated, and a replay under the same labels applied once.
import { createSchemaReader, createStarRocksTarget } from '@sync/sink-core'
import { startStarRocksEmulator } from '@sync/starrocks-emulator'
import { createStreamLoadClient } from '@sync/streamload-client'
import { createTestDatabase, mysqlOptions, registerCleanup } from '@sync/test-kit'
import mysql from 'mysql2/promise'
import { describe, expect, it } from 'vitest'
import { bufferedRows, remove, upsert } from '../fixtures/rows.ts'

async function setup() {
  const emu = await startStarRocksEmulator({ mysql: mysqlOptions('admin'), users: { loader: 'pw-7c1e' } })
  registerCleanup(() => emu.stop())
  const db = await createTestDatabase('sinkcore')
  await emu.createTableFromDdl(
    `CREATE TABLE orders (
      id BIGINT NOT NULL,
      name VARCHAR(8) NOT NULL,
      amount DECIMAL(38, 10) NULL
    ) PRIMARY KEY (id) DISTRIBUTED BY HASH (id) BUCKETS 1`,
    db.name,
  )
  const pool = mysql.createPool({ ...mysqlOptions('admin'), connectionLimit: 2 })
  registerCleanup(() => pool.end())
  const client = createStreamLoadClient({
    endpoints: [emu.feUrl],
    user: 'loader',
    password: 'pw-7c1e',
    database: db.name,
    retry: { maxAttempts: 2 },
  })
  const splits: string[] = []
  const target = createStarRocksTarget({
    client,
    schemas: createSchemaReader(pool, db.name, {}),
    onSplit: (_table, label) => splits.push(label),
  })
  registerCleanup(() => target.close())
  const rows = async () =>
    (
      await emu.query<Array<Record<string, unknown>>>(
        `SELECT id, name, amount FROM \`${db.name}\`.orders ORDER BY id`,
      )
    ).map((r) => ({ id: String(r.id), name: r.name, amount: r.amount === null ? null : String(r.amount) }))
  return { emu, db, target, splits, rows }
}

describe('StarRocks target', () => {
  it('loads exact values, deletes by __op, and dead-letters only the row the BE filters', async () => {
    const { emu, db, target, splits, rows } = await setup()
    const batch = bufferedRows('orders', [
      upsert({ id: 1, name: 'a', amount: '12345678901234567890.0123456789' }),
      upsert({ id: 2, name: 'b', amount: null }),
      upsert({ id: 3, name: 'name too long for VARCHAR(8)', amount: '1' }),
      upsert({ id: 4, name: 'd', amount: '-0.5000000000' }),
      remove({ id: 2, name: 'b', amount: null }),
    ])

    const outcome = await target.load('orders', 'sc-1', batch)

    expect(outcome.loadedRows).toBe(4)
    expect(outcome.rejected.map((r) => [r.origin.offset, r.code, r.table])).toEqual([
      ['2', 'SL_FILTERED_ROWS', 'orders'],
    ])
    expect(splits).toEqual(['sc-1', 'sc-1_0'])
    expect(await rows()).toEqual([
      { id: '1', name: 'a', amount: '12345678901234567890.0123456789' },
      { id: '4', name: 'd', amount: '-0.5000000000' },
    ])

    // the same batch again (a replay after a crash): every half that was applied is
    // recognised by its label and counted as loaded, nothing is applied twice
    const again = await target.load('orders', 'sc-1', batch)
    expect(again.loadedRows).toBe(4)
    expect(again.rejected).toHaveLength(1)
    for (const label of ['sc-1_0_0', 'sc-1_1']) expect(emu.loads.applied(label, db.name)).toBe(1)
    expect(emu.loads.list.filter((l) => l.database === db.name)).toHaveLength(2)
  })
})
