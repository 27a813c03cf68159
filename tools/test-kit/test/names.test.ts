import { describe, expect, it } from 'vitest'
import { uniqueName } from '../src/names.ts'

describe('uniqueName', () => {
  it('never repeats, even for the same prefix in a tight loop', () => {
    const names = Array.from({ length: 5_000 }, () => uniqueName('t'))
    expect(new Set(names).size).toBe(names.length)
  })

  it('is a safe MySQL identifier, Kafka topic and group id of at most 48 characters', () => {
    for (const prefix of ['Orders-2024.v1', 'a b/c\\d`e', 'x'.repeat(100), '', 'ÜNICODE']) {
      const name = uniqueName(prefix)
      expect(name).toMatch(/^[a-z0-9_]+$/)
      expect(name.length).toBeLessThanOrEqual(48)
    }
  })

  it('keeps a cleaned prefix so a leftover is traceable to its test', () => {
    expect(uniqueName('Orders-2024')).toMatch(/^orders_2024_[a-z0-9]+_[0-9a-f]{6}$/)
  })
})
