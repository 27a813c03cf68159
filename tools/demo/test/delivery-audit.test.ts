import { describe, expect, it } from 'vitest'
import { auditLoads, countInRange, parseLoadLabel } from '../src/delivery-audit.ts'

// a topic-partition holding row messages at offsets 0..9 except 4 (a snapshot control message)
const offsets = [0, 1, 2, 3, 5, 6, 7, 8, 9]
const recorder = {
  rowOffsets: (topic: string, partition: number) => (topic === 't.a' && partition === 0 ? offsets : []),
  partitions: (topic: string) => (topic === 't.a' ? [0] : []),
  gaps: () => [] as string[],
}
const audit = (loads: Array<{ label: string; rows: number }>, r = recorder) =>
  auditLoads({
    loads: loads.map((l) => ({ table: 'a', ...l })),
    labelPrefix: 'p',
    topics: ['t.a'],
    topicOf: (table, part) => (table === 'a' && part === 't_a_abcdef' ? 't.a' : undefined),
    recorder: r,
  })

describe('parseLoadLabel', () => {
  it('reads topic part, partition and range, and strips bisection suffixes', () => {
    expect(parseLoadLabel('p-t_a_abcdef-3-10-19_0_1', 'p')).toEqual({
      topicPart: 't_a_abcdef',
      partition: 3,
      first: 10,
      last: 19,
      base: 'p-t_a_abcdef-3-10-19',
    })
  })
  it('refuses labels of another prefix or an inverted range', () => {
    expect(parseLoadLabel('q-t_a_abcdef-3-10-19', 'p')).toBeUndefined()
    expect(parseLoadLabel('p-t_a_abcdef-3-19-10', 'p')).toBeUndefined()
  })
})

describe('countInRange', () => {
  it('counts the offsets inside the closed range', () => {
    expect(countInRange(offsets, 3, 6)).toBe(3)
    expect(countInRange(offsets, 4, 4)).toBe(0)
    expect(countInRange(offsets, 0, 100)).toBe(9)
  })
})

describe('auditLoads', () => {
  it('accepts ranges that tile the partition, halves of a bisected load summed', () => {
    const r = audit([
      { label: 'p-t_a_abcdef-0-0-4', rows: 4 },
      { label: 'p-t_a_abcdef-0-5-9_0', rows: 2 },
      { label: 'p-t_a_abcdef-0-5-9_1', rows: 3 },
    ])
    expect(r).toEqual({ problems: [], loads: 3, rowsApplied: 9, rowsProduced: 9 })
  })

  it('finds a batch re-formed with other bounds (distinct labels, overlapping offsets)', () => {
    const r = audit([
      { label: 'p-t_a_abcdef-0-0-1', rows: 2 },
      { label: 'p-t_a_abcdef-0-0-9', rows: 9 },
      { label: 'p-t_a_abcdef-0-2-9', rows: 7 },
    ])
    expect(r.problems.filter((x) => x.includes('overlap'))).toHaveLength(2)
    expect(r.problems).toContain('t.a-0: 9 row messages produced, 18 rows applied')
  })

  it('reports rows missing from the warehouse and a load that applied less than its range', () => {
    const r = audit([{ label: 'p-t_a_abcdef-0-0-4', rows: 3 }])
    expect(r.problems).toEqual([
      't.a-0: load p-t_a_abcdef-0-0-4 applied 3 rows, its range 0..4 holds 4 row messages',
      't.a-0: 9 row messages produced, 3 rows applied',
    ])
  })

  it('reports the same label applied twice, unknown labels and messages lost to retention', () => {
    const r = audit(
      [
        { label: 'p-t_a_abcdef-0-0-9', rows: 9 },
        { label: 'p-t_a_abcdef-0-0-9', rows: 9 },
        { label: 'p-elsewhere_abcdef-0-0-0', rows: 1 },
      ],
      { ...recorder, gaps: () => ['t.a-0 offsets 10..19'] },
    )
    expect(r.problems[0]).toMatch(/^t\.a-0 offsets 10\.\.19 were deleted before they were read/)
    expect(r.problems).toContain('label p-t_a_abcdef-0-0-9 was applied more than once')
    expect(r.problems.some((x) => x.startsWith('label p-elsewhere_abcdef-0-0-0 (table a) names no'))).toBe(
      true,
    )
  })
})
