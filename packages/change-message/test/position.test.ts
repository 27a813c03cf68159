import { describe, expect, it } from 'vitest'
import { comparePositions, formatPosition, parsePosition } from '../src/position.ts'
import { encodeSnapshotControl, parseSnapshotControl } from '../src/snapshot-control.ts'

describe('binlog positions', () => {
  it('orders by file number, then offset', () => {
    const p = (s: string) => parsePosition(s)!
    expect(comparePositions(p('mysql-bin.000009:900'), p('mysql-bin.000010:4'))).toBeLessThan(0)
    expect(comparePositions(p('mysql-bin.000010:4'), p('mysql-bin.000010:4'))).toBe(0)
    expect(comparePositions(p('mysql-bin.000010:500'), p('mysql-bin.000010:40'))).toBeGreaterThan(0)
    expect(comparePositions(p('mysql-bin.999999:4'), p('mysql-bin.1000000:4'))).toBeLessThan(0)
    expect(() => comparePositions(p('a-bin.1:4'), p('b-bin.1:4'))).toThrow(/different logs/)
  })

  it('round-trips its text form and rejects garbage', () => {
    expect(formatPosition(parsePosition('mysql-bin.000003:4711')!)).toBe('mysql-bin.000003:4711')
    expect(parsePosition('nope')).toBeUndefined()
    expect(parsePosition('f:-1')).toBeUndefined()
  })
})

describe('snapshot control messages', () => {
  it('round-trip, and reject other JSON', () => {
    const c = {
      type: 'chunk-done',
      snapshotId: 's1',
      target: 'orders',
      table: 'order_202401',
      chunk: 3,
      position: 'mysql-bin.000001:99',
      rows: 1000,
    } as const
    const { plaintext, headers } = encodeSnapshotControl(c)
    expect(headers).toEqual({ 'sync-control': 'chunk-done', 'sync-snapshot-id': 's1' })
    expect(parseSnapshotControl(plaintext)).toEqual(c)
    expect(() => parseSnapshotControl('{"id":1}', 'b-0@1')).toThrow(
      expect.objectContaining({ code: 'CM_SHAPE' }),
    )
  })
})
