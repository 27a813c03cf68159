import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { combineChecksums, createRowChecksum } from '../src/index.ts'

describe('row checksum', () => {
  it('does not depend on row order and matches the documented formula', () => {
    const rows = ['{"id":1}', '{"id":2,"v":"x"}', '{"id":3}']
    const a = createRowChecksum()
    const b = createRowChecksum()
    for (const r of rows) a.add(r)
    for (const r of [...rows].reverse()) b.add(r)
    expect(a.value()).toBe(b.value())
    let sum = 0n
    for (const r of rows) sum += createHash('sha1').update(r).digest().readBigUInt64BE(0)
    expect(a.value()).toBe((sum % 2n ** 64n).toString(16).padStart(16, '0'))
  })

  it('combines per-table checksums into the checksum of all rows, and continues from a saved value', () => {
    const t1 = createRowChecksum()
    const t2 = createRowChecksum()
    const both = createRowChecksum()
    t1.add('{"a":1}')
    t2.add('{"b":2}')
    both.add('{"a":1}')
    both.add('{"b":2}')
    expect(combineChecksums([t1.value(), t2.value()])).toBe(both.value())
    const resumed = createRowChecksum(t1.value())
    resumed.add('{"b":2}')
    expect(resumed.value()).toBe(both.value())
    expect(t1.value()).not.toBe(both.value())
  })
})
