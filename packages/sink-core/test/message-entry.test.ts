import {
  createChangeDecoder,
  createChangeEncoder,
  encodeSnapshotControl,
  readHeaders,
} from '@sync/change-message'
import { createEnvelopeCipher, generateKey } from '@sync/crypto-envelope'
import { describe, expect, it } from 'vitest'
import { entryOf } from '../src/message-entry.ts'

const cipher = createEnvelopeCipher({ key: generateKey(256) })
const ctx = { decoder: createChangeDecoder({ cipher }), openControl: (v: Buffer) => cipher.openToString(v) }
const at = (value: Buffer, headers: Record<string, string>, key: Buffer | null = null) => ({
  topic: 'ods.orders',
  partition: 3,
  offset: '17',
  key,
  value,
  headers,
})

describe('a message as a batch entry', () => {
  it('is a decoded row whose JSON is the exact load text, sized with the message', () => {
    const m = createChangeEncoder({ cipher, format: 'seed' }).encode({
      op: 'upsert',
      row: { id: 7, amount: '12.50' },
      key: { id: 7 },
      source: { database: 'shop', table: 'orders', kind: 'insert', binlogFile: 'b.000001', binlogPos: 4 },
    })
    const src = at(Buffer.from(m.value), readHeaders(m.headers), Buffer.from(m.key))
    const e = entryOf(src, 'orders', ctx)
    if (e.kind !== 'row') throw new Error(`expected a row, got ${e.kind}`)
    expect(e.row).toMatchObject({ table: 'orders', op: 'upsert', origin: src })
    expect(JSON.parse(e.row.rowJson)).toEqual({ id: 7, amount: '12.50', __op: 0 })
    expect(e.row.bytes).toBe(src.value.length + src.key!.length + e.row.rowJson.length)
  })

  it('is a snapshot control message', () => {
    const { plaintext, headers } = encodeSnapshotControl({
      type: 'chunk-done',
      snapshotId: 's1',
      target: 'orders',
      table: 'orders',
      chunk: 1,
      position: 'b.000001:4',
      rows: 1,
    })
    const e = entryOf(at(Buffer.from(cipher.sealToJson(plaintext)), headers), 'orders', ctx)
    expect(e).toMatchObject({
      kind: 'control',
      table: 'orders',
      control: { type: 'chunk-done', position: 'b.000001:4' },
    })
  })

  it('is a dead letter with the reason when it cannot be opened: never an exception, never dropped', () => {
    const src = at(Buffer.from('not an envelope'), {})
    expect(entryOf(src, 'orders', ctx)).toEqual({
      kind: 'dead',
      dead: { origin: src, code: 'CM_DECRYPT', message: expect.any(String) },
      bytes: 15,
    })
    const wrongKey = createEnvelopeCipher({ key: generateKey(256) }).sealToJson('{"id":1}')
    expect(entryOf(at(Buffer.from(wrongKey), {}), 'orders', ctx)).toMatchObject({
      kind: 'dead',
      dead: { code: 'CM_DECRYPT' },
    })
  })
})
