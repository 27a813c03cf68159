// gen and verify over sharded rules: a seed rule merging year shards with need_table, and a
// rich rule whose capture group becomes a key column. The merged DDL is created in the
// emulator, rows are put there, and verify compares every shard.
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { createTestDatabase } from '@sync/test-kit'
import { describe, expect, it } from 'vitest'
import { seedRuleDir } from '../helpers/rules.ts'
import { runOps } from '../helpers/run.ts'
import { sourceEnv } from '../helpers/stack.ts'
import { startStarRocksTarget } from '../helpers/starrocks.ts'

async function setup() {
  const src = await createTestDatabase('shard')
  await src.query(
    `CREATE TABLE orders_2023 (Id INT NOT NULL PRIMARY KEY, Amount DECIMAL(10,2), Note VARCHAR(10)) COMMENT 'orders'`,
  )
  await src.query(
    `CREATE TABLE orders_2024 (Id INT NOT NULL PRIMARY KEY, Amount DECIMAL(10,2), Note VARCHAR(50))`,
  )
  await src.query(`CREATE TABLE events_7 (id BIGINT NOT NULL PRIMARY KEY, kind VARCHAR(8))`)
  await src.query(`CREATE TABLE events_12 (id BIGINT NOT NULL PRIMARY KEY, kind VARCHAR(8))`)
  await src.query('INSERT INTO orders_2023 VALUES (1, 1.50, "a"), (2, 2.50, "b")')
  await src.query('INSERT INTO orders_2024 VALUES (1, 9.99, "c")')
  await src.query('INSERT INTO events_7 VALUES (1, "x"), (2, "y"), (3, "z")')
  await src.query('INSERT INTO events_12 VALUES (1, "x")')
  const rules = seedRuleDir({
    key: 'orders',
    topic: 'sync_stream.ods_orders',
    needTable: true,
    regex: `${src.name}\\.orders_\\d{4}`,
    columns: { Id: 'id', Amount: 'amount', Note: 'note' },
  })
  writeFileSync(
    join(rules, 'events.json'),
    JSON.stringify({
      version: 2,
      name: 'events',
      match: { database: src.name, table: 'events_(?P<org_id>\\d+)' },
      target: { table: 'ods_events', topic: 'sync_stream.ods_events' },
      primary_key: { compose: 'captures' },
    }),
  )
  return { src, rules }
}

describe('gen and verify over sharded rules', () => {
  it('merges shards with table_name / capture columns in the key, and verify finds every row', async () => {
    const { src, rules } = await setup()
    const gen = await runOps(['gen', '--rules', rules, '--database', src.name, '--only', 'ddl', '--json'], {
      env: sourceEnv(),
    })
    expect(gen.stderr).toBe('')
    expect(gen.code).toBe(0)
    const files = gen.json<{ files: Array<{ file: string; content: string }> }>().files
    const orders = files.find((f) => f.file === 'ods_orders_create_table.sql')!.content
    const events = files.find((f) => f.file === 'ods_events_create_table.sql')!.content
    expect(orders).toMatch(/PRIMARY KEY \(`table_name`, `id`\)/)
    expect(orders).toMatch(/`note` VARCHAR\(200\) NULL/) // widest shard: VARCHAR(50) × 4
    expect(events).toMatch(/PRIMARY KEY \(`org_id`, `id`\)/)

    const sr = await startStarRocksTarget()
    const target = await sr.createDatabase('sr')
    const o = await sr.createTableFromDdl(orders, target.name)
    const e = await sr.createTableFromDdl(events, target.name)
    expect(o.keys).toEqual(['table_name', 'id'])
    expect(e.keys).toEqual(['org_id', 'id'])
    await target.query(
      `INSERT INTO ods_orders (table_name, id, amount, note) VALUES ('orders_2023', 1, 1.5, 'a'), ('orders_2023', 2, 2.5, 'b'), ('orders_2024', 1, 9.99, 'c')`,
    )
    await target.query(
      `INSERT INTO ods_events (org_id, id, kind) VALUES ('7', 1, 'x'), ('7', 2, 'y'), ('7', 3, 'z'), ('12', 1, 'x')`,
    )

    const env = { ...sourceEnv(), ...sr.env(target.name) }
    const ok = await runOps(['verify', '--rules', rules, '--database', src.name, '--checksum', '--json'], {
      env,
    })
    expect(ok.code).toBe(0)
    const shards = ok.json<{
      ok: boolean
      shards: Array<{ shard: string; sourceRows: number; targetRows: number }>
    }>()
    expect(shards.ok).toBe(true)
    expect(shards.shards.map((s) => [s.shard, s.sourceRows, s.targetRows]).sort()).toEqual(
      [
        [`${src.name}.events_12`, 1, 1],
        [`${src.name}.events_7`, 3, 3],
        [`${src.name}.orders_2023`, 2, 2],
        [`${src.name}.orders_2024`, 1, 1],
      ].sort(),
    )

    // one row missing and one extra in the same shard: counts balance, the checksum does not
    await target.query(`DELETE FROM ods_events WHERE org_id = '7' AND id = 3`)
    await target.query(`INSERT INTO ods_events (org_id, id, kind) VALUES ('7', 99, 'q')`)
    const counted = await runOps(['verify', '--rules', rules, '--database', src.name], { env })
    expect(counted.code).toBe(0)
    const summed = await runOps(
      ['verify', '--rules', rules, '--database', src.name, '--checksum', '--rule', 'events'],
      { env },
    )
    expect(summed.code).toBe(3)
    expect(summed.stdout).toMatch(/events_7 .*MISMATCH/)
    expect(summed.stdout).toMatch(/1 of 2 shard\(s\) differ/)

    await target.query(`DELETE FROM ods_orders WHERE table_name = 'orders_2024'`)
    const missing = await runOps(
      ['verify', '--rules', rules, '--database', src.name, '--rule', 'orders', '--json'],
      { env },
    )
    expect(missing.code).toBe(3)
    const bad = missing
      .json<{ shards: Array<{ shard: string; ok: boolean; targetRows: number }> }>()
      .shards.filter((s) => !s.ok)
    expect(bad).toEqual([expect.objectContaining({ shard: `${src.name}.orders_2024`, targetRows: 0 })])
  })

  it('names an unknown rule in one line', async () => {
    const { src, rules } = await setup()
    const r = await runOps(['gen', '--rules', rules, '--database', src.name, '--rule', 'nope'], {
      env: sourceEnv(),
    })
    expect(r.code).toBe(1)
    expect(r.stderr.trim().split('\n')).toEqual([expect.stringContaining('no rule named "nope"')])
  })
})
