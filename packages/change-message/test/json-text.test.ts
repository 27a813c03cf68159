import stableStringify from 'fast-json-stable-stringify'
import { describe, expect, it } from 'vitest'
import {
  compileRecordWriter,
  parseJsonLossless,
  rawJsonValue,
  stringifyCanonical,
  stringifyStable,
} from '../src/json-text.ts'

const safeValues: unknown[] = [
  null,
  true,
  0,
  -1,
  1.5,
  1e21,
  5e-324,
  'plain',
  '中文 "quoted" \\ back\nslash 😀',
  [],
  {},
  { b: 1, a: [1, 'x', { z: null, y: false }], '': 'empty key' },
  Number.MAX_SAFE_INTEGER,
  -Number.MAX_SAFE_INTEGER,
]

describe('stringifyCanonical', () => {
  it.each(safeValues.map((v) => [JSON.stringify(v), v]))('matches JSON.stringify for %s', (_, v) => {
    expect(stringifyCanonical(v)).toBe(JSON.stringify(v))
  })

  it('writes bigint as exact digits where JSON.stringify throws', () => {
    const row = { id: 18446744073709551615n, min: -9223372036854775808n }
    expect(() => JSON.stringify(row)).toThrow()
    expect(stringifyCanonical(row)).toBe('{"id":18446744073709551615,"min":-9223372036854775808}')
  })

  it('writes raw JSON values verbatim', () => {
    expect(stringifyCanonical({ d: rawJsonValue('12.50') })).toBe('{"d":12.50}')
  })

  it('renders rows that mix plain and special members like the JSON.stringify of their plain form', () => {
    const deep = { a: { b: { c: { d: { e: { f: { g: { h: { i: { j: [1, { k: 'x' }] } } } } } } } } } }
    expect(stringifyCanonical(deep)).toBe(JSON.stringify(deep))
    const when = new Date(Date.UTC(2024, 2, 4, 5, 6, 7))
    const row = { id: 1, gone: undefined, zero: -0, at: when, doc: { tags: ['a', null], n: 7n } }
    const plain = { id: 1, zero: 0, at: when.toISOString(), doc: { tags: ['a', null], n: 7 } }
    expect(stringifyCanonical(row)).toBe(JSON.stringify(plain))
    expect(stringifyCanonical({ list: [undefined, 2] })).toBe('{"list":[null,2]}')
    expect(() => stringifyCanonical({ doc: { deep: [Number.POSITIVE_INFINITY] } })).toThrow(/Infinity/)
  })

  it('writes flat rows with exact numbers (the one-string path) as the general writer would', () => {
    // the same row as JSON.stringify writes its plain form, raw and bigint members as digits
    const row = {
      id: 9007199254740993n,
      'we"ird\\key\n': 'v "q" 中文 😀\u0000',
      amount: rawJsonValue('-0.10'),
      gone: undefined,
      n: -0,
      big: 1e21,
      on: false,
      none: null,
      '0': 'integer-like key first',
    }
    const plain = { ...row, id: 0, amount: 0 }
    const expected = JSON.stringify(plain)
      .replace('"id":0', '"id":9007199254740993')
      .replace('"amount":0', '"amount":-0.10')
    expect(stringifyCanonical(row)).toBe(expected)
    expect(stringifyCanonical({ a: rawJsonValue('1'), b: {} })).toBe('{"a":1,"b":{}}') // nested: general path
    expect(stringifyCanonical({ a: 1n, when: new Date(0) })).toBe('{"a":1,"when":"1970-01-01T00:00:00.000Z"}')
    expect(() => stringifyCanonical({ a: 1n, x: Number.POSITIVE_INFINITY })).toThrow(/Infinity/)
    expect(() => stringifyCanonical({ a: 1n, s: Symbol('x') })).toThrow(
      expect.objectContaining({ code: 'CM_VALUE' }),
    )
    const withToJson = { a: 1n, toJSON: () => ({ replaced: true }) }
    expect(stringifyCanonical(withToJson)).toBe('{"replaced":true}')
  })

  it('refuses values JSON cannot carry', () => {
    expect(() => stringifyCanonical({ x: Number.NaN })).toThrow(/NaN/)
    expect(() => stringifyCanonical({ f: () => 1 })).toThrow(expect.objectContaining({ code: 'CM_VALUE' }))
    const cyclic: Record<string, unknown> = {}
    cyclic.self = cyclic
    expect(() => stringifyCanonical(cyclic)).toThrow(expect.objectContaining({ code: 'CM_VALUE' }))
  })
})

describe('stringifyStable', () => {
  it.each(safeValues.map((v) => [JSON.stringify(v), v]))(
    'matches fast-json-stable-stringify for %s',
    (_, v) => {
      expect(stringifyStable(v)).toBe(stableStringify(v))
    },
  )

  it('sorts nested keys and unsorted flat keys, and keeps bigint digits', () => {
    const v = { b: 1, a: { d: 2, c: [3, { f: 1, e: 2 }] } }
    expect(stringifyStable(v)).toBe(stableStringify(v))
    expect(stringifyStable({ id: 18446744073709551615n })).toBe('{"id":18446744073709551615}')
    expect(stringifyStable({ z: 'last', a: 'first' })).toBe('{"a":"first","z":"last"}')
  })

  it('writes flat keys out of order (the one-string path) as fast-json-stable-stringify does', () => {
    const keys = [
      { table_name: 'orders_202401', id: 7 },
      { 'z"q': 'x\ny', a: null, m: true, b: -0, '0': 1.5, é: '中' },
      { zz: undefined, a: 1 },
    ]
    for (const k of keys) expect(stringifyStable(k)).toBe(stableStringify(k))
    expect(stringifyStable({ table_name: 'o', id: rawJsonValue('12.50') })).toBe(
      '{"id":12.50,"table_name":"o"}',
    )
    expect(stringifyStable({ b: 1, a: { y: 1, x: 2 } })).toBe('{"a":{"x":2,"y":1},"b":1}') // nested: general path
  })

  it('gives the same text whatever the key order', () => {
    expect(stringifyStable({ table_name: 'o_1', id: 7n })).toBe(
      stringifyStable({ id: 7n, table_name: 'o_1' }),
    )
  })
})

describe('compileRecordWriter', () => {
  // every kind of member a rendered, mapped row holds, and the names JSON must escape
  const members: Record<string, unknown> = {
    id: 7,
    '0': 'integer-like name',
    'we"ird\\key\n': 'v "q" 中文 😀\u0000\u001f\u2028 lone \ud800',
    amount: rawJsonValue('-0.10'),
    doc: rawJsonValue('{"b":[1,{"z":2,"a":null}],"a":"x"}'),
    big: 18446744073709551615n,
    small: -9223372036854775808n,
    safe: Number.MAX_SAFE_INTEGER,
    neg0: -0,
    huge: 1e21,
    tiny: 5e-324,
    float: 0.1 + 0.2,
    on: true,
    off: false,
    none: null,
    gone: undefined,
    empty: '',
    nested: { y: [1, 'x', { d: 1n, c: rawJsonValue('2.50') }], x: undefined },
    list: [undefined, 2, null],
    when: new Date(Date.UTC(2024, 2, 4, 5, 6, 7)),
    é: 'ü',
  }
  const names = Object.keys(members)
  // rows of one shape: each member's value in turn in every position, the others NULL or absent
  const rows: Array<Record<string, unknown>> = [members]
  for (const name of names) {
    rows.push(Object.fromEntries(names.map((k) => [k, k === name ? members[k] : null])))
    rows.push(Object.fromEntries(names.map((k) => [k, k === name ? undefined : members[k]])))
    rows.push(Object.fromEntries(names.map((k) => [k, k === name ? members[k] : undefined])))
  }
  rows.push(Object.fromEntries(names.map((k) => [k, undefined])))

  it('writes every row of the shape as stringifyCanonical does', () => {
    const write = compileRecordWriter(Object.keys(members))
    for (const row of rows) expect(write(row)).toBe(stringifyCanonical(row))
    expect(write(members)).toContain('"0":"integer-like name","id":7,')
  })

  it('with sortKeys, as stringifyStable does', () => {
    const write = compileRecordWriter(Object.keys(members), { sortKeys: true })
    for (const row of rows) expect(write(row)).toBe(stringifyStable(row))
    const key = compileRecordWriter(['table_name', 'id', 'id'], { sortKeys: true })
    expect(key({ table_name: 'o_1', id: 7n, other: 1 })).toBe('{"id":7,"table_name":"o_1"}')
  })

  it('appends the trailer as the last member, also to an empty record', () => {
    const write = compileRecordWriter(['a', 'b'], { trailer: '"__op":0' })
    expect(write({ a: 1, b: 'x' })).toBe('{"a":1,"b":"x","__op":0}')
    expect(write({ a: undefined, b: undefined })).toBe('{"__op":0}')
    expect(compileRecordWriter([], { trailer: '"__op":1' })({})).toBe('{"__op":1}')
    expect(compileRecordWriter([])({})).toBe('{}')
  })

  it('refuses what stringifyCanonical refuses, with the same code', () => {
    const write = compileRecordWriter(['a', 'b'])
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, () => 1, Symbol('x'), { deep: [Number.NaN] }]) {
      expect(() => write({ a: 1, b: bad })).toThrow(expect.objectContaining({ code: 'CM_VALUE' }))
      expect(() => stringifyCanonical({ a: 1, b: bad })).toThrow(
        expect.objectContaining({ code: 'CM_VALUE' }),
      )
    }
  })

  it('a column named rawJson is a column: the row is written whole, by the writer as by stringifyCanonical', () => {
    const row = { id: 1, rawJson: '{"x":1}' }
    expect(stringifyCanonical(row)).toBe('{"id":1,"rawJson":"{\\"x\\":1}"}')
    expect(stringifyStable({ rawJson: 'x', a: 1 })).toBe('{"a":1,"rawJson":"x"}')
    expect(compileRecordWriter(['id', 'rawJson'])(row)).toBe(stringifyCanonical(row))
    expect(compileRecordWriter(['id', 'rawJson'], { trailer: '"__op":0' })(row)).toBe(
      '{"id":1,"rawJson":"{\\"x\\":1}","__op":0}',
    )
    // and a raw value is recognised by its brand, not by the name of its member
    expect(stringifyCanonical({ d: { rawJson: '12.50' } })).toBe('{"d":{"rawJson":"12.50"}}')
    expect(stringifyCanonical({ d: rawJsonValue('12.50') })).toBe('{"d":12.50}')
  })

  it('a member named toJSON takes the general path', () => {
    const withToJson = { id: 1, toJSON: () => ({ replaced: true }) }
    expect(compileRecordWriter(['id', 'toJSON'], { sortKeys: true })(withToJson)).toBe(
      stringifyStable(withToJson),
    )
  })
})

describe('parseJsonLossless', () => {
  it.each(safeValues.map((v) => [JSON.stringify(v), v]))('matches JSON.parse for %s', (text) => {
    expect(parseJsonLossless(text)).toEqual(JSON.parse(text))
  })

  it('keeps 64-bit integers exact, also inside the slow path with strings and floats around', () => {
    const text =
      ' { "u": 18446744073709551615 , "s": "x\\"y\\u00e9", "f": 1.25e3, "n": [ -9223372036854775808, 12345678901234567, 1 ], "t": true, "z": null } '
    expect(parseJsonLossless(text)).toEqual({
      u: 18446744073709551615n,
      s: 'x"yé',
      f: 1250,
      n: [-9223372036854775808n, 12345678901234567n, 1],
      t: true,
      z: null,
    })
  })

  it('round-trips through stringifyCanonical byte for byte', () => {
    const text = '{"id":18446744073709551615,"name":"中文","amount":"12.50","n":[1,2.5,-3]}'
    expect(stringifyCanonical(parseJsonLossless(text))).toBe(text)
  })

  it.each(['{"a":1', '{"a":01234567890123456}', '[1,]', '{"a":1}x', '"\\x"'])(
    'rejects malformed %s',
    (text) => {
      expect(() =>
        parseJsonLossless(text.length < 20 ? `${text}                         1234567890123456` : text),
      ).toThrow(SyntaxError)
    },
  )
})
