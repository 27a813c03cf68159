import {
  createChangeDecoder,
  createChangeEncoder,
  encodeKey,
  rawJsonValue,
  seedPlaintext,
} from '@sync/change-message'
import { createEnvelopeCipher, generateKey } from '@sync/crypto-envelope'
import { describe, expect, it } from 'vitest'
import { createRowEncoder } from '../src/row-encoder.ts'

const cipher = createEnvelopeCipher({ key: generateKey(256) })
const source = {
  database: 'shop',
  table: 'orders_2024',
  kind: 'snapshot' as const,
  timestamp: 1_733_000_000_000,
  binlogFile: 'mysql-bin.000042',
  binlogPos: 19_834_211,
  gtid: '0-1-5178',
  target: 'ods_orders',
}
const row = { id: 7, amount: '12.50', note: null, table_name: 'orders_2024' }
const key = { id: 7, table_name: 'orders_2024' }

describe('createRowEncoder', () => {
  it("a chunk's headers: the contract's, the snapshot id and chunk, none that no consumer reads", () => {
    const headers = createRowEncoder(cipher, 'seed').chunkHeaders(source, 'snap-1', 3)
    expect(headers).toEqual({
      'sync-version': '1',
      'sync-kind': 'snapshot',
      'sync-db': 'shop',
      'sync-table': 'orders_2024',
      'sync-target': 'ods_orders',
      'sync-binlog-file': 'mysql-bin.000042',
      'sync-binlog-pos': '19834211',
      'sync-gtid': '0-1-5178',
      'sync-event-time': '1733000000000',
      'sync-snapshot-id': 'snap-1',
      'sync-snapshot-pos': 'mysql-bin.000042:19834211',
      'sync-snapshot-chunk': '3',
    })
    expect(Object.isFrozen(headers)).toBe(true)
  })

  it("seals the stream encoder's plaintext and keys the row as the stream does", () => {
    const m = createRowEncoder(cipher, 'seed').encode(row, key, source)
    const stream = createChangeEncoder({ cipher }).encode({ op: 'upsert', row, key, source })
    expect(m.key).toBe(stream.key)
    expect(m.key).toBe(encodeKey(key))
    expect(cipher.openToString(m.value)).toBe(cipher.openToString(stream.value))
    expect(cipher.openToString(m.value)).toBe(seedPlaintext({ op: 'upsert', row, key, source }))
    expect(cipher.openToString(m.value)).toBe(
      '{"id":7,"amount":"12.50","note":null,"table_name":"orders_2024","__op":0}',
    )
  })

  it('debezium: a read (op r) that a decoder takes for an upsert with the source from the headers', () => {
    const enc = createRowEncoder(cipher, 'debezium')
    const m = enc.encode(row, key, source)
    const plain = JSON.parse(cipher.openToString(m.value)) as Record<string, unknown>
    expect(plain.op).toBe('r')
    expect(plain.after).toEqual(row)
    expect((plain.source as { snapshot: boolean }).snapshot).toBe(true)
    const decoded = createChangeDecoder({ cipher }).decode({
      value: m.value,
      headers: { ...enc.chunkHeaders(source, 's', 1) },
    })
    expect([decoded.format, decoded.op, decoded.source.binlogPos, decoded.source.target]).toEqual([
      'debezium',
      'upsert',
      19_834_211,
      'ods_orders',
    ])
  })

  it("a chunk's writers give encode's key and plaintext for every row of the shape, seed and debezium", () => {
    const rows = [
      row,
      { id: 18446744073709551615n, amount: rawJsonValue('-0.10'), note: 'q"\\ 中文 😀\n', table_name: 'o' },
      { id: null, amount: null, note: undefined, table_name: 'orders_2024' },
    ]
    const keyColumns = ['table_name', 'id']
    for (const format of ['seed', 'debezium'] as const) {
      const enc = createRowEncoder(cipher, format)
      const writer = enc.writerFor(row, keyColumns, source)
      for (const r of rows) {
        const k = { table_name: r.table_name, id: r.id }
        const m = enc.encode(r, k, source)
        expect(writer.key(r)).toBe(m.key)
        expect(writer.plaintext(r)).toBe(cipher.openToString(m.value))
        expect(cipher.openToString(writer.value(r))).toBe(cipher.openToString(m.value))
      }
    }
  })

  it('a column named rawJson is written as a column (it was once taken for a raw JSON value)', () => {
    const odd = { id: 1, rawJson: '{"x":1}' }
    const writer = createRowEncoder(cipher, 'seed').writerFor(odd, ['id'], source)
    expect(writer.plaintext(odd)).toBe(seedPlaintext({ op: 'upsert', row: odd, key: { id: 1 }, source }))
    expect(JSON.parse(writer.plaintext(odd))).toEqual({ id: 1, rawJson: '{"x":1}', __op: 0 })
  })
})
