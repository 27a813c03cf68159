// gen's sinker settings are a fragment of the sinker's own configuration: merged as the README
// says into a sinker config, the sinker's config parser accepts it and yields the columns of
// the table the generated DDL creates, and every topic of the table mapped to it.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startStarRocksEmulator } from '@sync/starrocks-emulator'
import { createTestDatabase, mysqlOptions, registerCleanup } from '@sync/test-kit'
import { buildConfig } from 'sinker/src/config.ts'
import { describe, expect, it } from 'vitest'
import { genTable, runGen } from '../helpers/gen.ts'

interface Fragment {
  kafka: { topics: string[] }
  topicToTable: Record<string, string>
  tables: Record<string, { columns: string[] }>
}

// a sinker already loading another table
const sinkerConfig = {
  kafka: { brokers: ['kafka1:9093'], groupId: 'sinker-ods', topics: ['sync_stream.ods_users'] },
  key: '000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f',
  topicToTable: { 'sync_stream.ods_users': 'ods_users' },
  target: { endpoints: ['fe1:8030'], database: 'ods', user: 'loader' },
  tables: { ods_users: { columns: ['id', 'name'] } },
  deadLetterTopic: 'ods.sinker.dlq',
}

/** The README's merge: kafka.topics appended (no duplicates), topicToTable and tables entries added. */
function merge(config: typeof sinkerConfig, f: Fragment) {
  return {
    ...config,
    kafka: { ...config.kafka, topics: [...new Set([...config.kafka.topics, ...f.kafka.topics])] },
    topicToTable: { ...config.topicToTable, ...f.topicToTable },
    tables: { ...config.tables, ...f.tables },
  }
}

async function targetColumns(ddl: string): Promise<string[]> {
  const emulator = await startStarRocksEmulator({ mysql: mysqlOptions('admin') })
  registerCleanup(() => emulator.stop())
  const target = await createTestDatabase('sr')
  const schema = await emulator.createTableFromDdl(ddl, target.name)
  return schema.columns.map((c) => c.name)
}

describe("gen's sinker settings", () => {
  it('for one table: the stream and snapshot batch topics and the DDL table columns, accepted by the sinker', async () => {
    const r = await genTable({
      database: 'gsink',
      ddl: 'CREATE TABLE orderLines (OrderId BIGINT NOT NULL, LineNo INT NOT NULL, skuCode VARCHAR(32), Qty INT, PRIMARY KEY (OrderId, LineNo))',
      table: 'orderLines',
      args: ['--snake', 'modern', '--only', 'ddl,sinker'],
    })
    const { out } = r
    // the default names: ods_<table>, stream topic sync_stream.<target>, snapshot batch topic <stream>_batch
    expect(r.stdout).toBe(
      `${join(out, 'ods_orderLines_create_table.sql')}\n${join(out, 'ods_orderLines.sinker.json')}\n`,
    )
    const fragment = JSON.parse(readFileSync(join(out, 'ods_orderLines.sinker.json'), 'utf8')) as Fragment
    expect(fragment).toEqual({
      kafka: { topics: ['sync_stream.ods_orderLines', 'sync_stream.ods_orderLines_batch'] },
      topicToTable: {
        'sync_stream.ods_orderLines': 'ods_orderLines',
        'sync_stream.ods_orderLines_batch': 'ods_orderLines',
      },
      tables: { ods_orderLines: { columns: ['order_id', 'line_no', 'sku_code', 'qty'] } },
    })

    const parsed = buildConfig(merge(sinkerConfig, fragment), {})
    if (!parsed.ok) expect.fail(parsed.errors.join('\n'))
    const { config } = parsed
    expect(config.kafka.topics).toEqual([
      'sync_stream.ods_users',
      'sync_stream.ods_orderLines',
      'sync_stream.ods_orderLines_batch',
    ])
    expect(config.topicToTable).toEqual({
      'sync_stream.ods_users': 'ods_users',
      'sync_stream.ods_orderLines': 'ods_orderLines',
      'sync_stream.ods_orderLines_batch': 'ods_orderLines',
    })
    expect(config.tables).toEqual({
      ods_users: { columns: ['id', 'name'] },
      ods_orderLines: { columns: ['order_id', 'line_no', 'sku_code', 'qty'] },
    })
    // the columns the sinker will load are the columns of the table the generated DDL creates
    const ddl = readFileSync(join(out, 'ods_orderLines_create_table.sql'), 'utf8')
    expect([...(await targetColumns(ddl))].sort()).toEqual([...config.tables.ods_orderLines!.columns!].sort())
  })

  it("for a sharded rule: table_name among the columns, the rule's batch topic, and a fragment per target", async () => {
    const src = await createTestDatabase('gshard')
    await src.query('CREATE TABLE pay_2023 (Id INT NOT NULL PRIMARY KEY, Amount DECIMAL(10,2))')
    await src.query('CREATE TABLE pay_2024 (Id INT NOT NULL PRIMARY KEY, Amount DECIMAL(10,2), Memo TEXT)')
    const rules = mkdtempSync(join(tmpdir(), 'ops-sink-rules-'))
    writeFileSync(
      join(rules, 'pay.json'),
      JSON.stringify({
        version: 2,
        name: 'pay',
        match: { database: src.name, table: 'pay_\\d{4}' },
        target: { table: 'ods_pay', topic: 'sync_stream.ods_pay', batch_topic: 'sync_snapshot.ods_pay' },
        primary_key: { compose: 'table' },
      }),
    )
    const r = await runGen(['--rules', rules, '--database', src.name, '--only', 'sinker', '--json'])
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    const files = r.json<{ files: Array<{ file: string; kind: string; content: string }> }>().files
    expect(files.map((f) => [f.kind, f.file])).toEqual([['sinker', 'ods_pay.sinker.json']])
    const fragment = JSON.parse(files[0]!.content) as Fragment
    expect(fragment).toEqual({
      kafka: { topics: ['sync_stream.ods_pay', 'sync_snapshot.ods_pay'] },
      topicToTable: { 'sync_stream.ods_pay': 'ods_pay', 'sync_snapshot.ods_pay': 'ods_pay' },
      tables: { ods_pay: { columns: ['table_name', 'id', 'amount', 'memo'] } },
    })
    const parsed = buildConfig(merge(sinkerConfig, fragment), {})
    expect(parsed.ok && parsed.config.tables.ods_pay).toEqual({
      columns: ['table_name', 'id', 'amount', 'memo'],
    })
    expect(parsed.ok && parsed.config.topicToTable['sync_snapshot.ods_pay']).toBe('ods_pay')
  })

  it('names a snapshot batch topic with --batch-topic-suffix, as snapshot does', async () => {
    const r = await genTable({
      database: 'gsuffix',
      ddl: 'CREATE TABLE t (id INT NOT NULL PRIMARY KEY)',
      table: 't',
      args: [
        '--target',
        'ods_t',
        '--stream-topic',
        'cdc.ods_t',
        '--batch-topic-suffix',
        '.snap',
        '--only',
        'sinker',
        '--json',
      ],
      out: false,
    })
    const fragment = JSON.parse(r.json<{ files: Array<{ content: string }> }>().files[0]!.content) as Fragment
    expect(fragment.kafka.topics).toEqual(['cdc.ods_t', 'cdc.ods_t.snap'])
  })
})
