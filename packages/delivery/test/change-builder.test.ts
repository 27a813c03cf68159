import type { RowEvent } from '@sync/binlog-reader'
import { buildHeaders, createChangeEncoder } from '@sync/change-message'
import { createEnvelopeCipher, generateKey } from '@sync/crypto-envelope'
import { createTableMatcher, parseRuleSet } from '@sync/table-matcher'
import { describe, expect, it } from 'vitest'
import { createChangeBuilder } from '../src/change-builder.ts'
import type { OutMessage } from '../src/delivery-loop.ts'

const key = generateKey(256)
const cipher = createEnvelopeCipher({ key })

function builderFor(rules: Record<string, unknown>) {
  const set = parseRuleSet(
    Object.entries(rules).map(([file, rule]) => ({ file, text: JSON.stringify(rule) })),
  )
  return createChangeBuilder(createTableMatcher(set), createChangeEncoder({ cipher, format: 'seed' }))
}

const base = {
  timestamp: 1_700_000_000_000,
  position: { file: 'mysql-bin.000003', pos: 400 },
  eventEnd: { file: 'mysql-bin.000003', pos: 900 },
  primaryKey: ['id'],
}

const open = (value: string) => JSON.parse(cipher.openToString(value)) as Record<string, unknown>

describe('change builder', () => {
  it('maps, keys and seals the rows of a captured table, with capture-group columns', () => {
    const builder = builderFor({
      'orders.json': {
        version: 2,
        name: 'orders',
        match: { database: 'shop', table: 'order_org(?<org_id>\\d+)_(?<period>\\d{6})' },
        target: { table: 'ods_order', topic: 'stream.{target}' },
        columns: { ID: 'id', Amount: 'amount' },
        unmapped: 'drop',
        table_name_column: true,
      },
    })
    const event: RowEvent = {
      ...base,
      kind: 'insert',
      database: 'shop',
      table: 'order_org12_202401',
      primaryKey: ['ID'],
      columns: ['ID', 'Amount', 'Note'],
      rows: [
        { ID: 1, Amount: '9.50', Note: 'x' },
        { ID: 2, Amount: '1.00', Note: 'y' },
      ],
    }
    const built = builder.build(event)
    expect(built.rule).toBe('orders')
    expect(built.rows).toBe(2)
    expect(built.messages.map((m) => m.topic)).toEqual(['stream.ods_order', 'stream.ods_order'])
    expect(built.messages.map((m) => JSON.parse(m.key))).toEqual([{ id: 1 }, { id: 2 }])
    expect(open(built.messages[0]!.value)).toEqual({
      id: 1,
      amount: '9.50',
      table_name: 'order_org12_202401',
      org_id: '12',
      period: '202401',
      __op: 0,
    })
    const m = built.messages[1]!
    expect(m.headers['sync-binlog-pos']).toBe('900')
    expect(m.bytes).toBeGreaterThan(m.key.length + m.value.length)
    expect(m.eventTime).toBe(base.timestamp)
  })

  it('sends a key-changing UPDATE as a delete of the old key, then an upsert of the new one', () => {
    const builder = builderFor({
      'items.json': {
        key: 'shop.items',
        topic: 'items',
        need_table: false,
        complete_regex: true,
        regex: '',
        column_mapping: { id: 'id', v: 'v' },
      },
    })
    const built = builder.build({
      ...base,
      kind: 'update',
      database: 'shop',
      table: 'items',
      columns: ['id', 'v'],
      rows: [
        { before: { id: 1, v: 'a' }, after: { id: 2, v: 'b' } },
        { before: { id: 3, v: 'c' }, after: { id: 3, v: 'd' } },
      ],
    })
    expect(built.messages.map((m) => [JSON.parse(m.key), open(m.value).__op])).toEqual([
      [{ id: 1 }, 1],
      [{ id: 2 }, 0],
      [{ id: 3 }, 0],
    ])
    expect(open(built.messages[2]!.value)).toMatchObject({ id: 3, v: 'd' })
    // the rows of one event share one frozen headers object per op, holding what that op's
    // own headers hold (the patched kafkajs encodes a shared object once per batch)
    const [del, up1, up2] = built.messages as [OutMessage, OutMessage, OutMessage]
    expect(up1.headers).toBe(up2.headers)
    expect(del.headers).not.toBe(up1.headers)
    expect(Object.isFrozen(up1.headers)).toBe(true)
    const source = {
      database: 'shop',
      table: 'items',
      kind: 'update' as const,
      timestamp: base.timestamp,
      binlogFile: 'mysql-bin.000003',
      binlogPos: 900,
      target: 'items',
    }
    expect(up1.headers).toEqual(buildHeaders('upsert', 'seed', source))
    expect(del.headers).toEqual(buildHeaders('delete', 'seed', source))
    expect(del.bytes - del.key.length - del.value.length).toBe(
      Object.entries(del.headers).reduce((n, [k, v]) => n + k.length + v.length, 0),
    )
  })

  it('returns no message and no rule for a table no rule captures', () => {
    const builder = builderFor({
      'items.json': {
        key: 'shop.items',
        topic: 'items',
        need_table: false,
        complete_regex: true,
        regex: '',
        column_mapping: { id: 'id' },
      },
    })
    const built = builder.build({
      ...base,
      kind: 'delete',
      database: 'shop',
      table: 'other',
      columns: ['id'],
      rows: [{ id: 1 }],
    })
    expect(built).toEqual({ messages: [], rule: undefined, rows: 1 })
  })

  it('throws the matcher error of an unmapped column under policy "error"', () => {
    const builder = builderFor({
      'strict.json': {
        version: 2,
        name: 'strict',
        match: { tables: 'shop.items' },
        target: { table: 'items' },
        columns: { id: 'id' },
        unmapped: 'error',
      },
    })
    expect(() =>
      builder.build({
        ...base,
        kind: 'insert',
        database: 'shop',
        table: 'items',
        columns: ['id', 'surprise'],
        rows: [{ id: 1, surprise: 2 }],
      }),
    ).toThrow(expect.objectContaining({ code: 'TM_UNMAPPED_COLUMN' }))
  })
})
