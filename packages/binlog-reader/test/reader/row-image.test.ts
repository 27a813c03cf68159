import { describe, expect, it } from 'vitest'
import { absentColumns, isFullRowImage, partialRowImageError } from '../../src/reader/row-image.ts'

describe('columns-present bitmaps', () => {
  it('accepts a bitmap with every column bit set, ignoring the padding bits', () => {
    expect(isFullRowImage(Uint8Array.of(0xff), 8)).toBe(true)
    expect(isFullRowImage(Uint8Array.of(0xff, 0x07), 11)).toBe(true)
    // padding bits past the last column are whatever the server left there
    expect(isFullRowImage(Uint8Array.of(0x07), 3)).toBe(true)
    expect(isFullRowImage(Uint8Array.of(0xff), 3)).toBe(true)
    // no bitmap at all (an event zongji filtered): nothing to check
    expect(isFullRowImage(undefined, 5)).toBe(true)
  })
  it('rejects a bitmap missing any column, in the whole bytes or the last partial one', () => {
    expect(isFullRowImage(Uint8Array.of(0x01), 3)).toBe(false)
    expect(isFullRowImage(Uint8Array.of(0xfe, 0x07), 11)).toBe(false)
    expect(isFullRowImage(Uint8Array.of(0xff, 0x03), 11)).toBe(false)
    expect(isFullRowImage(Uint8Array.of(0xff), 9)).toBe(false)
  })
  it('names the absent columns in table order', () => {
    const names = ['id', 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i']
    // present: id (bit 0), b (bit 2), i (bit 9)
    expect(absentColumns(Uint8Array.of(0b0000_0101, 0b10), names)).toEqual([
      'a',
      'c',
      'd',
      'e',
      'f',
      'g',
      'h',
    ])
  })
})

it('refuses a partial image with a typed, non-retriable error naming the table, position and remedy', () => {
  const e = partialRowImageError({
    database: 'shop',
    table: 'orders',
    kind: 'update',
    image: 'before',
    missing: ['note', 'total'],
    binlogFile: 'mysql-bin.000003',
    binlogPos: 4711,
    gtid: '0-1-42',
  })
  expect(e).toMatchObject({
    code: 'BINLOG_UNSUPPORTED',
    retriable: false,
    database: 'shop',
    table: 'orders',
    binlogFile: 'mysql-bin.000003',
    binlogPos: 4711,
    gtid: '0-1-42',
  })
  expect(e.message).toContain('shop.orders at mysql-bin.000003:4711')
  expect(e.message).toContain('partial before image (absent: note, total)')
  expect(e.message).toContain('binlog_row_image=FULL')
  expect(e.message).toMatch(/new snapshot of shop\.orders/)
})
