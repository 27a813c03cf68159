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
