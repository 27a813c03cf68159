import { describe, expect, it } from 'vitest'
import { createTableMatcher, parseRuleSet } from '../src/index.ts'
import { richFile, seedFile } from './fixtures/rule-files.ts'

const rule = (fields: Record<string, unknown>) =>
  richFile('r.json', {
    name: 'r',
    match: { table: 'log_(?<year>\\d{4})' },
    target: { table: 'ods_log' },
    ...fields,
  })

describe.each([true, false])('TablePlan.mapRow (codegen %s)', (codegen) => {
  it('reproduces the seed shipper: mapped columns only, plus table_name when need_table', () => {
    const file = seedFile('s.json', {
      key: 'shop.t_order',
      topic: 'stream.ods_t_order',
      need_table: true,
      complete_regex: false,
      regex: 'shop\\.t_order_\\d+',
      column_mapping: { Id: 'id', OrgID: 'org_i_d' },
    })
    const plan = createTableMatcher(parseRuleSet([file]), { codegen }).match('shop', 't_order_3')!
    expect(plan.mapRow({ Id: 7, OrgID: 3, Other: 'x' })).toEqual({
      id: 7,
      org_i_d: 3,
      table_name: 't_order_3',
    })
    expect(plan.target).toEqual({ table: 'ods_t_order', topic: 'stream.ods_t_order' })
    expect(plan.keyColumns).toEqual(['id'])
  })

  it('auto-maps unmapped columns to snake_case, and keeps explicit names', () => {
    const m = createTableMatcher(
      parseRuleSet([rule({ columns: { ID: 'log_id' }, primary_key: ['log_id'] })]),
      { codegen },
    )
    const plan = m.match('db', 'log_2024')!
    expect(plan.mapRow({ ID: 1, UserID: 2, HTTPStatus: 200 })).toEqual({
      log_id: 1,
      user_id: 2,
      http_status: 200,
      year: '2024',
    })
    expect(plan.mapRow({ ID: 3, UserID: 4, HTTPStatus: 404 })).toEqual({
      log_id: 3,
      user_id: 4,
      http_status: 404,
      year: '2024',
    })
    expect(plan.columns.map((c) => c.target)).toEqual(['log_id', 'user_id', 'http_status'])
    expect(m.unmappedColumns().map((e) => [e.column, e.action, e.target])).toEqual([
      ['UserID', 'auto_mapped', 'user_id'],
      ['HTTPStatus', 'auto_mapped', 'http_status'],
    ])
  })

  it('auto-maps in legacy mode to the names old warehouses have', () => {
    const plan = createTableMatcher(parseRuleSet([rule({ snake_case: 'legacy', capture_columns: false })]), {
      codegen,
    }).match('db', 'log_2024')!
    expect(plan.mapRow({ UserID: 1 })).toEqual({ user_i_d: 1 })
  })

  it('refuses a row whose auto-mapped column collides, instead of overwriting', () => {
    const plan = createTableMatcher(parseRuleSet([rule({})]), { codegen }).match('db', 'log_2024')!
    const row = { UserID: 1, user_id: 2 }
    expect(() => plan.mapRow(row)).toThrow(
      expect.objectContaining({ code: 'TM_COLUMN_CONFLICT', column: 'user_id' }),
    )
    expect(() => plan.mapRow(row)).toThrow(expect.objectContaining({ code: 'TM_COLUMN_CONFLICT' }))
  })

  it('throws TM_UNMAPPED_COLUMN under policy "error", and removes excluded columns', () => {
    const plan = createTableMatcher(
      parseRuleSet([
        rule({
          unmapped: 'error',
          columns: { Id: 'id' },
          exclude_columns: ['Secret'],
          capture_columns: false,
        }),
      ]),
      { codegen },
    ).match('db', 'log_2024')!
    expect(plan.mapRow({ Id: 1, Secret: 's' })).toEqual({ id: 1 })
    expect(() => plan.mapRow({ Id: 1, Extra: 2 })).toThrow(
      expect.objectContaining({ code: 'TM_UNMAPPED_COLUMN', column: 'Extra' }),
    )
  })

  it('adds db, table and capture columns and builds the composed key', () => {
    const file = richFile('o.json', {
      name: 'org_month',
      match: { table: 'order_org(?<org_id>\\d+)_(?<period>\\d{6})' },
      target: { table: 'ods_order', topic: '{db}.{target}.{org_id}', batch_topic: 'all.{target}' },
      columns: { Id: 'id', Amount: 'amount' },
      primary_key: { columns: ['id'], compose: 'db_table' },
      binary: 'hex',
    })
    const plan = createTableMatcher(parseRuleSet([file]), { codegen }).match('shop', 'order_org12_202401')!
    const mapped = plan.mapRow({ Id: 5, Amount: '12.50' })
    expect(mapped).toEqual({
      id: 5,
      amount: '12.50',
      db_name: 'shop',
      table_name: 'order_org12_202401',
      org_id: '12',
      period: '202401',
    })
    expect(plan.keyOf(mapped)).toEqual({ db_name: 'shop', table_name: 'order_org12_202401', id: 5 })
    expect(plan.target).toEqual({
      table: 'ods_order',
      topic: 'shop.ods_order.12',
      batchTopic: 'all.ods_order',
    })
    expect(plan.binaryEncoding).toBe('hex')
  })

  it('derives the key from the table primary key when asked', () => {
    const file = richFile('t.json', {
      name: 't',
      match: { table: 't_(?<n>\\d+)' },
      target: { table: 'ods_t' },
      columns: { OrderID: 'order_id' },
      primary_key: { compose: 'table' },
      capture_columns: false,
    })
    const plan = createTableMatcher(parseRuleSet([file]), { codegen }).match('db', 't_1')!
    expect(plan.keyColumns).toEqual(['table_name'])
    const keyed = plan.withSourceKey(['OrderID', 'LineNo'])
    expect(keyed.keyColumns).toEqual(['table_name', 'order_id', 'line_no'])
    expect(keyed.keyOf(keyed.mapRow({ OrderID: 1, LineNo: 2, Note: 'n' }))).toEqual({
      table_name: 't_1',
      order_id: 1,
      line_no: 2,
    })
  })
})
