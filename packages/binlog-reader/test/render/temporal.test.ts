import { describe, expect, it } from 'vitest'
import {
  createZoneConverter,
  renderDate,
  renderDateTime,
  renderTimestamp,
} from '../../src/render/temporal.ts'

describe('temporal rendering', () => {
  it('turns zero and invalid dates into null and keeps valid ones as written', () => {
    expect(renderDate('0000-00-00')).toBeNull()
    expect(renderDate('2023-02-29')).toBeNull()
    expect(renderDate('2024-02-29')).toBe('2024-02-29')
    expect(renderDateTime('2024-00-10 00:00:00')).toBeNull()
    expect(renderDateTime('0050-01-01 00:00:00.5')).toBe('0050-01-01 00:00:00.5')
  })
  it('accepts exactly what the date patterns accept, by character codes', () => {
    // the reference: the patterns and the calendar check the renderers used to run
    const days = (y: number, m: number) =>
      m === 2
        ? (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0
          ? 29
          : 28
        : [4, 6, 9, 11].includes(m)
          ? 30
          : 31
    const valid = (y: string, m: string, d: string) =>
      Number(m) >= 1 && Number(m) <= 12 && Number(d) >= 1 && Number(d) <= days(Number(y), Number(m))
    const refDate = (t: string) => {
      const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(t)
      return m && valid(m[1]!, m[2]!, m[3]!) ? t : null
    }
    const refDateTime = (t: string) => {
      const m = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})(\.\d{1,6})?$/.exec(t)
      return m && valid(m[1]!, m[2]!, m[3]!) ? t : null
    }
    const seeds = [
      '2024-02-29 23:59:59.123456',
      '2023-02-28 00:00:00',
      '1900-02-28 12:00:00.5',
      '2000-02-29 01:02:03.12',
      '0000-00-00 00:00:00',
      '9999-12-31 23:59:59.999999',
      '2024-04-30 10:10:10',
    ]
    // every seed, each of its prefixes and extensions, and each character replaced by
    // a neighbour, a separator, a space, a non-ASCII digit or a NUL
    const texts = new Set<string>([
      '',
      '2024-01-01\n',
      '2024-01-01 00:00:00\n',
      '2024-01-01 00:00:00.1234567',
    ])
    for (const seed of seeds) {
      for (let n = 0; n <= seed.length + 2; n++) texts.add((seed + '.12').slice(0, n))
      for (let i = 0; i < seed.length; i++) {
        for (const c of ['0', '1', '2', '3', '9', '/', ':', '-', ' ', '.', '٣', '\u0000', 'a']) {
          texts.add(seed.slice(0, i) + c + seed.slice(i + 1))
        }
        texts.add(seed.slice(0, 10))
        texts.add(seed.slice(0, i) + seed.slice(i + 1))
      }
    }
    let accepted = 0
    for (const t of texts) {
      expect([t, renderDateTime(t)]).toEqual([t, refDateTime(t)])
      expect([t, renderDate(t)]).toEqual([t, refDate(t)])
      if (renderDateTime(t) !== null) accepted++
    }
    // the check covers both outcomes
    expect(accepted).toBeGreaterThan(50)
    expect(texts.size - accepted).toBeGreaterThan(500)
  })
  it('shows UTC TIMESTAMPs on the wall clock of the zone, across both DST changes', () => {
    const ny = createZoneConverter('America/New_York')
    expect(renderTimestamp('2024-03-10 06:59:59', ny)).toBe('2024-03-10 01:59:59')
    expect(renderTimestamp('2024-03-10 07:00:00.25', ny)).toBe('2024-03-10 03:00:00.25')
    expect(renderTimestamp('2024-11-03 05:30:00', ny)).toBe('2024-11-03 01:30:00')
    expect(renderTimestamp('2024-11-03 06:30:00', ny)).toBe('2024-11-03 01:30:00')
    expect(renderTimestamp('2024-01-01 00:00:00', createZoneConverter('+08:00'))).toBe('2024-01-01 08:00:00')
    expect(renderTimestamp('0000-00-00 00:00:00', ny)).toBeNull()
  })
  it('rejects unknown zones', () => {
    expect(() => createZoneConverter('Mars/Base')).toThrow(RangeError)
  })
})
