// §3.4 conversion rules; expected values follow the table there.
import { describe, expect, it } from 'vitest'
import { ConversionError, convertValue, normalizeDecimal } from '../src/convert.ts'
import { JsonNumber, parseJsonValue } from '../src/json-text.ts'
import { parseSrType } from '../src/types.ts'

const conv = (json: string, type: string) => convertValue(parseJsonValue(json), 'c', parseSrType(type))

describe('convertValue', () => {
  it('truncates floats into integers and range-checks them', () => {
    expect(conv('1.9', 'INT')).toBe('1')
    expect(conv('"42"', 'BIGINT')).toBe('42')
    expect(conv('128', 'TINYINT')).toEqual(new ConversionError('Value is overflow. column=c'))
    expect(conv('9223372036854775808', 'BIGINT')).toBeInstanceOf(ConversionError)
    expect(conv('true', 'INT')).toEqual(
      new ConversionError('Unsupported value type. Numeric type is required'),
    )
  })

  it('keeps LARGEINT and DECIMAL(38,10) exact', () => {
    expect(conv('18446744073709551615', 'LARGEINT')).toBe('18446744073709551615')
    expect(conv('"1234567890123456789012345678.0123456789"', 'DECIMAL(38,10)')).toBe(
      '1234567890123456789012345678.0123456789',
    )
    expect(conv('1e-10', 'DECIMAL(38,10)')).toBe('0.0000000001')
    expect(conv('12.5', 'DECIMAL(10,2)')).toBe('12.50')
  })

  it('renders strings from numbers as raw tokens, booleans as 1/0, objects minified; checks byte length', () => {
    expect(conv('1e3', 'VARCHAR(10)')).toBe('1e3')
    expect(conv('true', 'VARCHAR(10)')).toBe('1')
    expect(conv('{"a": [1, 2]}', 'STRING')).toBe('{"a":[1,2]}')
    expect(conv('"中文"', 'VARCHAR(6)')).toBe('中文')
    expect(conv('"中文字"', 'VARCHAR(6)')).toEqual(
      new ConversionError('Value length is beyond the capacity. column=c, capacity=6'),
    )
  })

  it('keeps a JSON string as a JSON string in a JSON column, and NULL as NULL', () => {
    expect(conv('"{\\"a\\":1}"', 'JSON')).toBe('"{\\"a\\":1}"')
    expect(conv('null', 'JSON')).toBeNull()
  })

  it('parses dates and datetimes, rejecting impossible ones', () => {
    expect(conv('"2024-02-29"', 'DATE')).toBe('2024-02-29')
    expect(conv('"2024-02-29T01:02:03.5"', 'DATETIME')).toBe('2024-02-29 01:02:03.500000')
    expect(conv('"2023-02-29"', 'DATE')).toBeInstanceOf(ConversionError)
  })
})

describe('normalizeDecimal', () => {
  it('rounds half away from zero and refuses too many integer digits', () => {
    expect(normalizeDecimal('-1.005', 10, 2)).toBe('-1.01')
    expect(normalizeDecimal('99.995', 4, 2)).toBeUndefined()
    expect(normalizeDecimal('abc', 10, 2)).toBeUndefined()
    expect(new JsonNumber('1').isInteger).toBe(true)
  })
})
