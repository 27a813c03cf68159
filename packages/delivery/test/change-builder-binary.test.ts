// A rule's binary encoding on the stream path: the reader renders every binary value as
// base64, so a rule asking for hex or utf8 has its binary columns re-encoded before mapping,
// exactly as the snapshot renders them. Which columns are binary comes from a lookup.

import type { RowEvent } from '@sync/binlog-reader'
import { createChangeEncoder } from '@sync/change-message'
import { createEnvelopeCipher, generateKey } from '@sync/crypto-envelope'
import { createTableMatcher, parseRuleSet } from '@sync/table-matcher'
import { describe, expect, it } from 'vitest'
import type { BinaryColumnLookup } from '../src/binary-columns.ts'
import { createChangeBuilder } from '../src/change-builder.ts'

const cipher = createEnvelopeCipher({ key: generateKey(256) })
const encoder = createChangeEncoder({ cipher, format: 'seed' })
const open = (value: string) => JSON.parse(cipher.openToString(value)) as Record<string, unknown>

const rule = (binary?: string) => ({
  version: 2,
  name: 'blobs',
  match: { tables: 'shop.blobs' },
  target: { table: 'blobs' },
  columns: { id: 'id', Raw: 'raw', Note: 'note', Pk: 'pk' },
  primary_key: ['id', 'pk'],
  ...(binary === undefined ? {} : { binary }),
})
const matcherFor = (binary?: string) =>
  createTableMatcher(parseRuleSet([{ file: 'blobs.json', text: JSON.stringify(rule(binary)) }]))

/** A lookup that loads on demand and counts its loads. */
function lookup(columns: Record<string, string[]>) {
  const loaded = new Map<string, ReadonlySet<string>>()
  const loads: string[] = []
  const l: BinaryColumnLookup = {
    get: (db, table) => loaded.get(`${db}.${table}`),
    async load(db, table) {
      loads.push(`${db}.${table}`)
      const set = new Set(columns[`${db}.${table}`] ?? [])
      loaded.set(`${db}.${table}`, set)
      return set
    },
  }
  return { lookup: l, loads }
}

const bytes = Buffer.from([0x00, 0xff, 0x10, 0x80, 0x41])
const pkBytes = Buffer.from([0xde, 0xad])
// what binlog-reader hands over for a row: binary columns already base64
const event = (): RowEvent => ({
  kind: 'insert',
  database: 'shop',
  table: 'blobs',
  timestamp: 1_700_000_000_000,
  position: { file: 'mysql-bin.000001', pos: 4 },
  eventEnd: { file: 'mysql-bin.000001', pos: 500 },
  primaryKey: ['id', 'Pk'],
  columns: ['id', 'Raw', 'Note', 'Pk'],
  rows: [
    { id: 1, Raw: bytes.toString('base64'), Note: 'aGVsbG8=', Pk: pkBytes.toString('base64') },
    { id: 2, Raw: null, Note: 'x', Pk: pkBytes.toString('base64') },
  ],
})

describe('change builder: per-rule binary encoding', () => {
  it('re-encodes the binary columns of a hex rule, key included, and leaves text alone', async () => {
    const { lookup: binaryColumns, loads } = lookup({ 'shop.blobs': ['Raw', 'Pk'] })
    const builder = createChangeBuilder(matcherFor('hex'), encoder, { binaryColumns })
    const ready = builder.prepare(event())
    expect(ready).toBeInstanceOf(Promise)
    await ready
    expect(builder.prepare(event())).toBeUndefined()
    const built = builder.build(event())
    expect(built.messages.map((m) => open(m.value))).toEqual([
      { id: 1, raw: '00ff108041', note: 'aGVsbG8=', pk: 'dead', __op: 0 },
      { id: 2, raw: null, note: 'x', pk: 'dead', __op: 0 },
    ])
    expect(JSON.parse(built.messages[0]!.key)).toEqual({ id: 1, pk: 'dead' })
    expect(loads).toEqual(['shop.blobs'])
  })

  it('re-encodes a utf8 rule as Buffer#toString("utf8") does (the renderer\'s utf8)', async () => {
    const { lookup: binaryColumns } = lookup({ 'shop.blobs': ['Raw'] })
    const builder = createChangeBuilder(matcherFor('utf8'), encoder, { binaryColumns })
    await builder.prepare(event())
    const row = open(builder.build(event()).messages[0]!.value)
    expect(row.raw).toBe(bytes.toString('utf8'))
    expect(row.raw).toBe('\u0000\ufffd\u0010\ufffdA')
  })

  it('leaves a value the reader cannot have written for bytes (the column was text then) as it is', async () => {
    const { lookup: binaryColumns } = lookup({ 'shop.blobs': ['Raw', 'Note'] })
    const builder = createChangeBuilder(matcherFor('hex'), encoder, { binaryColumns })
    const e = event() as RowEvent & { kind: 'insert' }
    e.rows[0]!.Note = 'é, not base64'
    await builder.prepare(e)
    const row = open(builder.build(e).messages[0]!.value)
    expect(row).toMatchObject({ raw: '00ff108041', note: 'é, not base64' })
  })

  it('keeps base64 as read and asks nothing for a base64 rule', () => {
    const { lookup: binaryColumns, loads } = lookup({ 'shop.blobs': ['Raw', 'Pk'] })
    const builder = createChangeBuilder(matcherFor(), encoder, { binaryColumns })
    expect(builder.prepare(event())).toBeUndefined()
    expect(open(builder.build(event()).messages[0]!.value).raw).toBe('AP8QgEE=')
    expect(loads).toEqual([])
  })

  it("refuses to build a hex rule's rows before their columns are loaded, or without a lookup", () => {
    const { lookup: binaryColumns } = lookup({})
    expect(() => createChangeBuilder(matcherFor('hex'), encoder, { binaryColumns }).build(event())).toThrow(
      expect.objectContaining({
        code: 'DELIVERY_SCHEMA',
        table: 'blobs',
        message: expect.stringContaining('await prepare(event)'),
      }),
    )
    expect(() => createChangeBuilder(matcherFor('hex'), encoder).build(event())).toThrow(
      expect.objectContaining({
        code: 'DELIVERY_SCHEMA',
        message: expect.stringContaining('needs options.binaryColumns'),
      }),
    )
  })

  it("leaves the table's rows to build() when its rule cannot be decided", () => {
    const overlapping = parseRuleSet(
      ['a', 'b'].map((name) => ({
        file: `${name}.json`,
        text: JSON.stringify({
          version: 2,
          name,
          match: { regex: 'shop\\.blob.*' },
          target: { table: name },
          binary: 'hex',
        }),
      })),
    )
    const { lookup: binaryColumns, loads } = lookup({})
    const builder = createChangeBuilder(createTableMatcher(overlapping), encoder, { binaryColumns })
    expect(builder.prepare(event())).toBeUndefined()
    expect(() => builder.build(event())).toThrow(expect.objectContaining({ code: 'TM_AMBIGUOUS' }))
    expect(loads).toEqual([])
  })

  it('names a bad option', () => {
    expect(() => createChangeBuilder(matcherFor(), encoder, { binaryColumn: {} } as never)).toThrow(
      expect.objectContaining({
        code: 'DELIVERY_OPTIONS',
        message: expect.stringContaining('"binaryColumn"'),
      }),
    )
    expect(() =>
      createChangeBuilder(matcherFor(), encoder, { readerBinaryEncoding: 'base32' as never }),
    ).toThrow('options.readerBinaryEncoding must be "base64", "hex" or "utf8", received "base32"')
  })
})
