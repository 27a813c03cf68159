import { describe, expect, it } from 'vitest'
import {
  type JsonNumber,
  type JsonObject,
  parseArrayRecords,
  parseDocumentStream,
  parseJsonValue,
  stringifyJson,
} from '../src/json-text.ts'

describe('json-text', () => {
  it('keeps number literals as written', () => {
    const v = parseJsonValue('{"u":18446744073709551615,"d":-0.0000000001,"e":1e3}') as JsonObject
    expect((v.get('u') as JsonNumber).text).toBe('18446744073709551615')
    expect((v.get('d') as JsonNumber).text).toBe('-0.0000000001')
    expect(stringifyJson(v)).toBe('{"u":18446744073709551615,"d":-0.0000000001,"e":1e3}')
  })

  it('keeps duplicate keys and answers the first one', () => {
    const v = parseJsonValue('{"a":1,"a":2}') as JsonObject
    expect(v.entries).toHaveLength(2)
    expect((v.get('a') as JsonNumber).text).toBe('1')
  })

  it('returns each array element and document with its raw text', () => {
    expect(parseArrayRecords('[ {"a": 1} , {"b":"中"} ]', 0).records.map((r) => r.raw)).toEqual([
      '{"a": 1}',
      '{"b":"中"}',
    ])
    expect(parseDocumentStream('{"a":1}\n{"a":2}{"a":3}').map((r) => r.raw)).toEqual([
      '{"a":1}',
      '{"a":2}',
      '{"a":3}',
    ])
  })

  it('decodes escapes and rejects malformed text', () => {
    expect(parseJsonValue('"a\\n\\u4e2d"')).toBe('a\n中')
    expect(() => parseJsonValue('{"a":"open}')).toThrow(/A string is opened, but never closed/)
    expect(() => parseJsonValue('{"a":01}')).toThrow()
    expect(() => parseJsonValue('[1,]')).toThrow()
  })
})
