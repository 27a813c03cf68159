import { createTableMatcher, parseRuleSet } from '@sync/table-matcher'
import { describe, expect, it } from 'vitest'
import { WarehouseDdlError } from '../src/errors.ts'
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

const rules = parseRuleSet([
  {
    file: 'orders.json',
    text: JSON.stringify({
      key: 'orders',
      topic: 'sync_stream.ods_orders',
      need_table: true,
      complete_regex: false,
      regex: 'shop\\.orders_\\d{4}',
      column_mapping: { Id: 'id', Note: 'note' },
    }),
  },
])
const plan = (table: string) => createTableMatcher(rules).match('shop', table)!
const id = col('Id', 'int(11)', { primaryKey: true, keyIndex: 0, nullable: false })
const options = { tinyint1: 'tinyint', binary: 'string', binaryEncoding: 'base64' } as const

describe('buildTargetSchema', () => {
  it('puts table_name before the source key when shards merge, and widens VARCHARs to the widest shard', () => {
    const schema = buildTargetSchema(
      [
        { plan: plan('orders_2023'), columns: [id, col('Note', 'varchar(10)')] },
        { plan: plan('orders_2024'), columns: [id, col('Note', 'varchar(50)')] },
      ],
      options,
    )
    expect(schema.table).toBe('ods_orders')
    expect(schema.keyColumns).toEqual(['table_name', 'id'])
    expect(schema.columns.find((c) => c.name === 'note')?.type).toBe('VARCHAR(200)')
    expect(schema.columns.find((c) => c.name === 'note')?.sources).toEqual({
      'shop.orders_2023': 'Note',
      'shop.orders_2024': 'Note',
    })
  })

  it("refuses a key the table does not have (the seed rule's default key is id), naming table and column", () => {
    const run = () =>
      buildTargetSchema([{ plan: plan('orders_2023'), columns: [col('Note', 'varchar(10)')] }], options)
    expect(run).toThrow(WarehouseDdlError)
    expect(run).toThrow(/ods_orders: key column id is not a column of the target/)
  })

  it('refuses shards that disagree on the key', () => {
    const other = col('Note', 'varchar(10)', { primaryKey: true, keyIndex: 0, nullable: false })
    let err: unknown
    try {
      buildTargetSchema(
        [
          { plan: plan('orders_2023'), columns: [id, col('Note', 'varchar(10)')] },
          { plan: plan('orders_2024'), columns: [col('Id', 'int(11)'), other] },
        ],
        options,
      )
    } catch (e) {
      err = e
    }
    expect((err as WarehouseDdlError).code).toBe('WDDL_INPUT')
    expect((err as Error).message).toMatch(/disagree on the key: id vs note \(shop\.orders_2024\)/)
  })
})
