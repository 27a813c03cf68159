import { describe, expect, it } from 'vitest'
import { ageSeconds, parseFreshnessList, verdict } from '../src/freshness.ts'

describe('freshness helpers', () => {
  it('computes ages from server texts, fractions and dates included', () => {
    expect(ageSeconds('2024-03-01 10:00:00', '2024-03-01 10:05:30')).toBe(330)
    expect(ageSeconds('2024-03-01 10:00:00.500000', '2024-03-01 10:00:01')).toBe(0.5)
    expect(ageSeconds('2024-02-28', '2024-03-01 00:00:00')).toBe(2 * 86_400)
  })

  it("reads the seed's table list with optional thresholds", () => {
    const list = parseFreshnessList(
      '[{"TABLE_NAME":"a","COLUMN_NAME":"t"},{"table_name":"b","column_name":"u","critical_after":"2h"}]',
      'f.json',
    )
    expect(list).toEqual([
      { table: 'a', column: 't' },
      { table: 'b', column: 'u', criticalAfter: 7200 },
    ])
    expect(() => parseFreshnessList('[{"TABLE_NAME":"a"}]', 'f.json')).toThrow(
      'f.json[0] needs TABLE_NAME and COLUMN_NAME',
    )
  })

  it('grades ages; no rows is critical', () => {
    expect(verdict(10, 60, 600)).toBe('ok')
    expect(verdict(60, 60, 600)).toBe('warning')
    expect(verdict(601, 60, 600)).toBe('critical')
    expect(verdict(undefined, 60, 600)).toBe('critical')
  })
})
