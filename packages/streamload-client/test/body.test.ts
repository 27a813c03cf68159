import { describe, expect, it } from 'vitest'
import { bodyShape, rawJson, serializeRows } from '../src/index.ts'

describe('serializeRows', () => {
  it('matches JSON.stringify for plain rows', () => {
    const rows = [{ id: 1, name: '中文', amount: '12.50', doc: { a: [1, null] } }]
    expect(serializeRows(rows)).toBe(JSON.stringify(rows))
  })

  it('writes bigint and rawJson values as exact digits, never through a float', () => {
    const text = serializeRows([
      { u: 18446744073709551615n, d: rawJson('12345678901234567890.0123456789'), s: 'x' },
    ])
    expect(text).toBe('[{"u":18446744073709551615,"d":12345678901234567890.0123456789,"s":"x"}]')
    expect(Number('18446744073709551615').toString()).not.toBe('18446744073709551615') // why it matters
  })

  it('leaves user strings that look like placeholders alone', () => {
    const text = serializeRows([{ a: 1n, b: '\uE000abc:0' }])
    expect(text).toBe('[{"a":1,"b":"\uE000abc:0"}]')
  })
})

describe('bodyShape', () => {
  it('tells a JSON array from NDJSON by the first non-blank byte', () => {
    expect(bodyShape('  \n[{"a":1}]')).toBe('array')
    expect(bodyShape('{"a":1}\n{"a":2}')).toBe('objects')
    expect(bodyShape(Buffer.from('\t[ ]'))).toBe('array')
    expect(() => bodyShape('a=1')).toThrow(TypeError)
  })
})
