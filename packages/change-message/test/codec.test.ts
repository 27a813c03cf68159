import { createEnvelopeCipher, generateKey } from '@sync/crypto-envelope'
import { describe, expect, it } from 'vitest'
import type { Change } from '../src/change.ts'
import { createChangeDecoder } from '../src/decode.ts'
import {
  compileKeyEncoder,
  compileSeedPlaintext,
  createChangeEncoder,
  encodeKey,
  seedPlaintext,
} from '../src/encode.ts'
import { headerNames } from '../src/headers.ts'

const cipher = createEnvelopeCipher({ key: generateKey(256) })
const otherCipher = createEnvelopeCipher({ key: generateKey(256) })

const source = {
  database: 'shop',
  table: 'order_202401',
  kind: 'insert',
  timestamp: 1_700_000_000_000,
  binlogFile: 'mysql-bin.000003',
  binlogPos: 4711,
  gtid: '0-1-42',
  target: 'orders',
} as const

const change: Change = {
  op: 'upsert',
  row: {
    id: 18446744073709551615n,
    amount: '12.50',
    name: '中文 😀',
    created_at: '2024-01-02 03:04:05',
    tags: { a: [1, null] },
    table_name: 'order_202401',
  },
  key: { table_name: 'order_202401', id: 18446744073709551615n },
  source,
}

function asKafka(m: { key: string; value: string; headers: Record<string, string> }) {
  // what kafkajs hands a consumer: Buffers
  return {
    value: Buffer.from(m.value),
    headers: Object.fromEntries(Object.entries(m.headers).map(([k, v]) => [k, Buffer.from(v)])),
  }
}

describe('seed format', () => {
  it('seals the row with __op appended, as the Python shipper did, and reads it back exactly', () => {
    const msg = createChangeEncoder({ cipher }).encode(change)
    const envelope = JSON.parse(msg.value) as { nonce: string; ciphertext: string }
    expect(Object.keys(envelope).sort()).toEqual(['ciphertext', 'nonce'])
    const plaintext = cipher.openToString(msg.value)
    expect(plaintext).toBe(
      '{"id":18446744073709551615,"amount":"12.50","name":"中文 😀","created_at":"2024-01-02 03:04:05","tags":{"a":[1,null]},"table_name":"order_202401","__op":0}',
    )
    const decoded = createChangeDecoder({ cipher }).decode(asKafka(msg))
    expect(decoded.format).toBe('seed')
    expect(decoded.op).toBe('upsert')
    expect(decoded.row).toEqual(change.row)
    expect(decoded.rowJson).toBe(plaintext)
    expect(decoded.source).toMatchObject({
      database: 'shop',
      table: 'order_202401',
      binlogPos: 4711,
      gtid: '0-1-42',
      kind: 'insert',
    })
  })

  it('keys by the sorted primary key so a row always maps to one partition', () => {
    const msg = createChangeEncoder({ cipher }).encode(change)
    expect(msg.key).toBe('{"id":18446744073709551615,"table_name":"order_202401"}')
    expect(msg.key).toBe(encodeKey({ id: 18446744073709551615n, table_name: 'order_202401' }))
  })

  it("compiled writers give the encoder's plaintext and key for rows of one shape", () => {
    const plaintext = compileSeedPlaintext(Object.keys(change.row))
    const key = compileKeyEncoder(['table_name', 'id'])
    const stream = createChangeEncoder({ cipher }).encode(change)
    expect(plaintext(change.row)).toBe(cipher.openToString(stream.value))
    expect(key(change.row)).toBe(stream.key)
    const nulls = { ...change.row, id: null, amount: null, tags: null }
    expect(plaintext(nulls)).toBe(seedPlaintext({ ...change, row: nulls }))
    expect(key(nulls)).toBe(encodeKey({ table_name: 'order_202401', id: null }))
    const deleted = compileSeedPlaintext(Object.keys(change.row), 'delete')
    expect(deleted(change.row)).toBe(seedPlaintext({ ...change, op: 'delete' }))
    expect(compileSeedPlaintext([])({})).toBe(seedPlaintext({ ...change, row: {} }))
  })

  it('sends the headers named in the contract', () => {
    const { headers } = createChangeEncoder({ cipher }).encode({
      ...change,
      op: 'delete',
      source: { ...source, kind: 'delete' },
    })
    expect(headers).toEqual({
      [headerNames.version]: '1',
      [headerNames.format]: 'seed',
      [headerNames.op]: 'delete',
      [headerNames.kind]: 'delete',
      [headerNames.database]: 'shop',
      [headerNames.table]: 'order_202401',
      [headerNames.target]: 'orders',
      [headerNames.binlogFile]: 'mysql-bin.000003',
      [headerNames.binlogPos]: '4711',
      [headerNames.gtid]: '0-1-42',
      [headerNames.eventTime]: '1700000000000',
    })
  })

  it('reads rows written by the legacy Python shipper (json.dumps spacing, no headers) and DataX (no __op)', () => {
    const decoder = createChangeDecoder({ cipher })
    const python = cipher.sealToJson(
      '{"id": 7, "company_name": "\u516c\u53f8", "table_name": "t_1", "__op": 1}',
    )
    const d1 = decoder.decode({ value: python })
    expect(d1.op).toBe('delete')
    expect(d1.row).toEqual({ id: 7, company_name: '公司', table_name: 't_1' })
    expect(d1.rowJson).toBe('{"id":7,"company_name":"公司","table_name":"t_1","__op":1}')
    const datax = decoder.decode({ value: cipher.sealToJson('{"id":8,"name":"x"}') })
    expect(datax.op).toBe('upsert')
    expect(datax.rowJson).toBe('{"id":8,"name":"x","__op":0}')
  })
})

describe('encodeBody and headers', () => {
  it.each(['seed', 'debezium'] as const)('are encode() in two parts (%s)', (format) => {
    const encoder = createChangeEncoder({ cipher, format })
    for (const c of [change, { ...change, op: 'delete' as const }]) {
      const whole = encoder.encode(c)
      const body = encoder.encodeBody(c)
      expect(body.key).toBe(whole.key)
      expect(cipher.openToString(body.value)).toBe(cipher.openToString(whole.value))
      expect(encoder.headers(c.op, c.source)).toEqual(whole.headers)
    }
  })
})

describe('debezium format', () => {
  it('writes before/after/source/op and reads deletes from before', () => {
    const encoder = createChangeEncoder({ cipher, format: 'debezium' })
    const upd = encoder.encode({
      ...change,
      before: { ...change.row, amount: '1.00' },
      source: { ...source, kind: 'update' },
    })
    const body = JSON.parse(cipher.openToString(upd.value).replace(/18446744073709551615/g, '"big"'))
    expect(body.op).toBe('u')
    expect(body.before.amount).toBe('1.00')
    expect(body.after.amount).toBe('12.50')
    expect(body.source).toMatchObject({
      db: 'shop',
      table: 'order_202401',
      file: 'mysql-bin.000003',
      pos: 4711,
      gtid: '0-1-42',
      snapshot: false,
    })

    const del = encoder.encode({ ...change, op: 'delete', source: { ...source, kind: 'delete' } })
    const decoded = createChangeDecoder({ cipher }).decode(asKafka(del))
    expect(decoded.format).toBe('debezium')
    expect(decoded.op).toBe('delete')
    expect(decoded.row).toEqual(change.row)
    expect(decoded.rowJson.endsWith(',"__op":1}')).toBe(true)

    const snap = JSON.parse(
      cipher
        .openToString(encoder.encode({ ...change, source: { ...source, kind: 'snapshot' } }).value)
        .replace(/18446744073709551615/g, '0'),
    )
    expect(snap.op).toBe('r')
    expect(snap.source.snapshot).toBe(true)
  })
})

describe('bad messages', () => {
  const decoder = createChangeDecoder({ cipher })
  it.each([
    ['a tombstone', { value: null }, 'CM_SHAPE'],
    ['the wrong key', { value: otherCipher.sealToJson('{"id":1}') }, 'CM_DECRYPT'],
    ['not an envelope', { value: 'hello' }, 'CM_DECRYPT'],
    ['plaintext that is not JSON', { value: cipher.sealToJson('{"id":') }, 'CM_PARSE'],
    ['a JSON array', { value: cipher.sealToJson('[1,2]') }, 'CM_SHAPE'],
    ['a bad __op', { value: cipher.sealToJson('{"id":1,"__op":"x"}') }, 'CM_SHAPE'],
    ['a debezium create without after', { value: cipher.sealToJson('{"op":"c","before":null}') }, 'CM_SHAPE'],
  ])('%s is a typed, non-retriable error naming the message', (_, message, code) => {
    let caught: unknown
    try {
      decoder.decode(message, 'orders-2@99')
    } catch (err) {
      caught = err
    }
    expect(caught).toMatchObject({ code, retriable: false, origin: 'orders-2@99' })
    expect((caught as Error).message).toContain('orders-2@99')
  })
})
