import { describe, expect, it } from 'vitest'
import { canonicalJsonText } from '../../src/render/json-text.ts'

describe('canonicalJsonText', () => {
  it('drops insignificant whitespace and keeps member order', () => {
    expect(canonicalJsonText(' { "b" : [ 1 , 2 ] ,\n "a" : { } } ')).toBe('{"b":[1,2],"a":{}}')
  })
  it('keeps integers digit for digit, beyond the range of a double', () => {
    expect(canonicalJsonText('[12345678901234567890, -9223372036854775809, -0]')).toBe(
      '[12345678901234567890,-9223372036854775809,0]',
    )
  })
  it('writes other numbers in their shortest round-trip form', () => {
    expect(canonicalJsonText('[1.50, 1E2, 2.5e-3, 0.1]')).toBe('[1.5,100,0.0025,0.1]')
  })
  it('re-escapes strings the way JSON.stringify does', () => {
    expect(canonicalJsonText('"\\u00e9\\/\\n😀"')).toBe(JSON.stringify('é/\n😀'))
    expect(canonicalJsonText('"plain ü"')).toBe('"plain ü"')
  })
  it('rejects invalid text with BINLOG_RENDER', () => {
    expect(() => canonicalJsonText('{"a":}')).toThrow(expect.objectContaining({ code: 'BINLOG_RENDER' }))
    expect(() => canonicalJsonText('[1] x')).toThrow(/trailing/)
  })
})
