import { createTableMatcher, parseRuleSet } from '@sync/table-matcher'
import { describe, expect, it } from 'vitest'
import { defaultTableNames, sinkerFile, sinkerFragment } from '../src/generate.ts'
import type { SourceColumn } from '../src/starrocks-types.ts'
import { buildTargetSchema } from '../src/target-schema.ts'

const col = (name: string, columnType: string, extra: Partial<SourceColumn> = {}): SourceColumn => ({
  name,
  dataType: columnType.replace(/\(.*$/, ''),
  columnType,
  nullable: true,
  primaryKey: false,
  charMaxLength: /char/.test(columnType) ? Number(/\((\d+)\)/.exec(columnType)?.[1]) : null,
  numericPrecision: null,
  numericScale: null,
  comment: '',
  json: false,
  ...extra,
})
const id = col('Id', 'int(11)', { primaryKey: true, keyIndex: 0, nullable: false })
const options = { tinyint1: 'tinyint', binary: 'string', binaryEncoding: 'base64' } as const

const rules = parseRuleSet([
  {
    file: 'orders.json',
    text: JSON.stringify({
      key: 'orders',
      topic: 'sync_stream.ods_orders',
      need_table: true,
      complete_regex: false,
      regex: 'shop\\.orders_\\d{4}',
      column_mapping: { Id: 'id', OrderNo: 'order_no' },
    }),
  },
  {
    file: 'events.json',
    text: JSON.stringify({
      version: 2,
      name: 'events',
      match: { database: 'shop', table: 'events_(?P<org_id>\\d+)' },
      target: {
        table: 'ods_events',
        topic: 'sync_stream.ods_events',
        batch_topic: 'sync_snap.events_{org_id}',
      },
      primary_key: { compose: 'captures' },
    }),
  },
])
const plan = (table: string) => createTableMatcher(rules).match('shop', table)!

describe('sinkerFragment', () => {
  it('gives the stream and snapshot batch topics, both mapped to the table, and the load columns', () => {
    const schema = buildTargetSchema(
      [
        { plan: plan('orders_2023'), columns: [id, col('OrderNo', 'varchar(20)')] },
        { plan: plan('orders_2024'), columns: [id, col('OrderNo', 'varchar(20)')] },
      ],
      options,
    )
    expect(sinkerFragment(schema)).toEqual({
      kafka: { topics: ['sync_stream.ods_orders', 'sync_stream.ods_orders_batch'] },
      topicToTable: {
        'sync_stream.ods_orders': 'ods_orders',
        'sync_stream.ods_orders_batch': 'ods_orders',
      },
      tables: { ods_orders: { columns: ['table_name', 'id', 'order_no'] } },
    })
  })

  it("takes a rule's own batch topic per shard, and the caller's suffix for rules without one", () => {
    const events = buildTargetSchema(
      [
        { plan: plan('events_7'), columns: [id] },
        { plan: plan('events_12'), columns: [id] },
      ],
      { ...options, merged: true },
    )
    expect(sinkerFragment(events)).toEqual({
      kafka: { topics: ['sync_stream.ods_events', 'sync_snap.events_7', 'sync_snap.events_12'] },
      topicToTable: {
        'sync_stream.ods_events': 'ods_events',
        'sync_snap.events_7': 'ods_events',
        'sync_snap.events_12': 'ods_events',
      },
      tables: { ods_events: { columns: ['org_id', 'id'] } },
    })
    const orders = buildTargetSchema([{ plan: plan('orders_2023'), columns: [id] }], {
      ...options,
      batchTopicSuffix: '.snapshot',
    })
    expect(sinkerFragment(orders).kafka.topics).toEqual([
      'sync_stream.ods_orders',
      'sync_stream.ods_orders.snapshot',
    ])
  })

  it('is written as <table>.sinker.json, indented JSON with a final newline', () => {
    const schema = buildTargetSchema([{ plan: plan('orders_2023'), columns: [id] }], options)
    expect(sinkerFile(schema)).toEqual({
      file: 'ods_orders.sinker.json',
      kind: 'sinker',
      content: `{
  "kafka": {
    "topics": [
      "sync_stream.ods_orders",
      "sync_stream.ods_orders_batch"
    ]
  },
  "topicToTable": {
    "sync_stream.ods_orders": "ods_orders",
    "sync_stream.ods_orders_batch": "ods_orders"
  },
  "tables": {
    "ods_orders": {
      "columns": [
        "table_name",
        "id"
      ]
    }
  }
}
`,
    })
  })
})

describe('defaultTableNames', () => {
  it("is the seed generator's naming: ods_<table>, sync_stream.<target>, sync_batch.<table>", () => {
    expect(defaultTableNames.target('orders')).toBe('ods_orders')
    expect(defaultTableNames.streamTopic('ods_orders')).toBe('sync_stream.ods_orders')
    expect(defaultTableNames.batchTopic('orders')).toBe('sync_batch.orders')
  })
})
