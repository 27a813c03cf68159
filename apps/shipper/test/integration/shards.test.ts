// Sharded tables (organisations × months) land in one topic per logical table, with
// table_name; a shard created while running is captured; a key-changing UPDATE is sent as
// delete-old + upsert-new; an ADD COLUMN mid-run is reported per the rule's policy. The
// expected state is the source table itself, read back over SQL.

import { createJsonLogger } from '@sync/service-kit'
import { createTestDatabase, createTestTopic, readStackEnv, registerCleanup, waitFor } from '@sync/test-kit'
import { describe, expect, it } from 'vitest'
import { startShipper } from '../../src/compose.ts'
import { parseConfig } from '../../src/config.ts'
import { metricValue, newKey, readTopics, stackConfig, tempDir, writeRule } from './helpers.ts'

async function setUp(format: 'seed' | 'debezium') {
  const db = await createTestDatabase('ship_shards')
  const topic = await createTestTopic('orders', 4)
  const rulesDir = await tempDir('rules')
  const checkpointDir = await tempDir('cp')
  const key = newKey()
  await writeRule(rulesDir, 'orders.json', {
    key: 'orders',
    topic,
    need_table: true,
    complete_regex: false,
    regex: `${db.name}\\.order_org\\d+_\\d{6}`,
    column_mapping: { id: 'id', orgId: 'org_id', amount: 'amount', createdAt: 'created_at' },
  })
  const parsed = parseConfig(stackConfig({ rulesDir, checkpointDir, key, format }), {}, '/')
  if (!parsed.ok) throw new Error(parsed.errors.join('\n'))
  const lines: string[] = []
  const log = createJsonLogger({
    level: 'info',
    write: (l) => void lines.push(l),
    secrets: parsed.config.secrets,
  })
  const shipper = await startShipper(parsed.config, { log })
  registerCleanup(() => shipper.stop(5000).then(() => undefined))
  await waitFor(() => shipper.health().checks['source:src1']?.ok, {
    what: 'source running',
    timeoutMs: 20_000,
  })
  return { db, topic, key, shipper, lines }
}

interface DebeziumValue {
  op: string
  before: Record<string, unknown> | null
  after: Record<string, unknown> | null
  source: Record<string, unknown>
}

const shardDdl = (name: string) =>
  `CREATE TABLE ${name} (id INT PRIMARY KEY, orgId INT NOT NULL, amount DECIMAL(10,2), createdAt DATETIME, secret VARCHAR(10))`

describe('sharded tables to one topic', () => {
  it('merges shards across months and organisations, captures a new shard and survives ADD COLUMN', async () => {
    const { db, topic, key, shipper, lines } = await setUp('seed')
    const shards = ['order_org1_202401', 'order_org1_202402', 'order_org2_202401']
    for (const s of shards) await db.query(shardDdl(s))
    await db.query('CREATE TABLE other_table (id INT PRIMARY KEY, v INT)')
    let id = 0
    for (const s of shards) {
      for (let i = 0; i < 5; i++) {
        id++
        await db.query(`INSERT INTO ${s} VALUES (?, ?, ?, '2024-01-02 03:04:05', 'x')`, [
          id,
          id % 3,
          `${id}.50`,
        ])
      }
    }
    await db.query('INSERT INTO other_table VALUES (1, 1)')
    // a new organisation's shard appears while the shipper runs
    await db.query(shardDdl('order_org3_202403'))
    await db.query(
      `INSERT INTO order_org3_202403 VALUES (100, 3, '1.00', NULL, 'y'), (101, 3, '2.00', NULL, 'y')`,
    )
    // key change: delete of id 1, upsert of id 50; a plain update; a delete
    await db.query('UPDATE order_org1_202401 SET id = 50 WHERE id = 1')
    await db.query(`UPDATE order_org1_202402 SET amount = '99.99' WHERE id = 6`)
    await db.query('DELETE FROM order_org2_202401 WHERE id = 11')
    // a column the rule does not map (seed rules drop it, and it is reported)
    await db.query('ALTER TABLE order_org1_202401 ADD COLUMN note VARCHAR(20)')
    await db.query(`INSERT INTO order_org1_202401 VALUES (200, 1, '5.00', NULL, 'z', 'hello')`)

    const expectedMessages = 15 + 2 + 2 + 1 + 1 + 1
    const messages = await readTopics([topic], key, (m) => m.length >= expectedMessages)
    expect(messages.length).toBe(expectedMessages)
    expect(new Set(messages.map((m) => m.topic))).toEqual(new Set([topic]))

    // replay per partition (Kafka's order) into a keyed table, as the sink does
    const state = new Map<string, Record<string, unknown>>()
    for (const m of [...messages].sort(
      (a, b) => a.partition - b.partition || Number(a.offset) - Number(b.offset),
    )) {
      const k = `${m.change.row.table_name}/${m.change.row.id}`
      if (m.change.op === 'delete') state.delete(k)
      else state.set(k, m.change.row)
      // values open with the envelope alone, and carry __op last as the seed's sink reads it
      const plain = JSON.parse(m.plaintext) as Record<string, unknown>
      expect(Object.keys(plain).at(-1)).toBe('__op')
      expect(plain.__op).toBe(m.change.op === 'delete' ? 1 : 0)
      expect(m.change.source.table).toBe(m.change.row.table_name)
    }
    const expected = new Map<string, Record<string, unknown>>()
    for (const s of [...shards, 'order_org3_202403']) {
      const rows = await db.query<Array<Record<string, unknown>>>(
        `SELECT id, orgId AS org_id, amount, createdAt AS created_at FROM ${s}`,
      )
      for (const r of rows) expected.set(`${s}/${r.id}`, { ...r, table_name: s })
    }
    expect(new Map([...state].map(([k, v]) => [k, { ...v }]))).toEqual(expected)
    // no unmapped column leaked (secret, note), and the uncaptured table sent nothing
    for (const m of messages) {
      expect(Object.keys(m.change.row).sort()).toEqual(['amount', 'created_at', 'id', 'org_id', 'table_name'])
    }

    const res = await fetch(`http://127.0.0.1:${shipper.opsPort}/metrics`)
    const text = await res.text()
    // unmapped columns, once per table and column: secret in each of the 4 shards, note in one
    const unmapped = text.split('\n').filter((l) => l.startsWith('sync_table_matcher_unmapped_columns_total'))
    expect(unmapped).toEqual(['sync_table_matcher_unmapped_columns_total{action="dropped",rule="orders"} 5'])
    expect(text).toContain(
      '# HELP sync_table_matcher_unmapped_columns_total Columns seen without an explicit mapping',
    )
    const dropped = lines
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .filter((l) => l.action === 'dropped')
    expect(dropped.map((l) => `${l.table}.${l.column}`).sort()).toEqual([
      'order_org1_202401.note',
      'order_org1_202401.secret',
      'order_org1_202402.secret',
      'order_org2_202401.secret',
      'order_org3_202403.secret',
    ])
    expect(dropped.find((l) => l.column === 'note')).toMatchObject({
      level: 'warn',
      msg: `column note of ${db.name}.order_org1_202401 has no explicit mapping: dropped`,
      rule: 'orders',
      database: db.name,
      rulesDir: expect.any(String),
    })
    expect(metricValue(text, 'sync_shipper_rows_sent_total', { rule: 'orders' })).toBe(expectedMessages)
    expect(metricValue(text, 'sync_shipper_rows_read_total', { rule: 'orders' })).toBe(21) // 17 inserted, 3 updated or deleted, 1 after ADD COLUMN
    const healthz = await fetch(`http://127.0.0.1:${shipper.opsPort}/healthz`)
    expect(healthz.status).toBe(200)
    // DDL is logged; the password never appears in logs
    expect(lines.some((l) => l.includes('ADD COLUMN note'))).toBe(true)
    const { mysqlRepl } = readStackEnv()
    expect(lines.join('\n')).not.toContain(mysqlRepl.password)
    expect(lines.join('\n')).not.toContain(key)
  })

  it('writes the debezium format when configured', async () => {
    const { db, topic, key } = await setUp('debezium')
    await db.query(shardDdl('order_org9_202412'))
    await db.query(`INSERT INTO order_org9_202412 VALUES (1, 9, '1.10', '2024-12-01 00:00:00', 's')`)
    await db.query(`UPDATE order_org9_202412 SET amount = '2.20' WHERE id = 1`)
    await db.query('DELETE FROM order_org9_202412 WHERE id = 1')
    const messages = await readTopics([topic], key, (m) => m.length >= 3)
    const plain = messages.map((m) => JSON.parse(m.plaintext) as DebeziumValue)
    const first = plain[0]!
    const second = plain[1]!
    const third = plain[2]!
    expect(plain.map((p) => p.op)).toEqual(['c', 'u', 'd'])
    expect(first.after).toMatchObject({ id: 1, amount: '1.10', table_name: 'order_org9_202412' })
    expect(second.before).toMatchObject({ amount: '1.10' })
    expect(second.after).toMatchObject({ amount: '2.20' })
    expect(third.before).toMatchObject({ id: 1 })
    expect(third.after).toBeNull()
    expect(first.source).toMatchObject({ db: db.name, table: 'order_org9_202412', snapshot: false })
    expect(messages.map((m) => m.change.format)).toEqual(['debezium', 'debezium', 'debezium'])
    expect(messages.map((m) => m.change.op)).toEqual(['upsert', 'upsert', 'delete'])
  })
})
