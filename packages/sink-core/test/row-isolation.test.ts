import { describe, expect, it } from 'vitest'
import { loadIsolating } from '../src/row-isolation.ts'

// a target that refuses any load containing a negative number, and records what it applied
function fakeTarget() {
  const applied = new Map<string, number[]>()
  return {
    applied,
    attempt: async (rows: readonly number[], label: string) => {
      if (rows.some((r) => r < 0)) throw Object.assign(new Error('filtered'), { filtered: true })
      applied.set(label, [...rows])
      return rows.length
    },
    refusal: (err: unknown) =>
      (err as { filtered?: boolean }).filtered ? { code: 'BAD', message: 'negative' } : undefined,
  }
}

describe('isolating refused rows', () => {
  it('loads everything else, in order, and returns exactly the refused rows', async () => {
    const t = fakeTarget()
    const rows = [1, 2, -3, 4, 5, 6, -7, 8, 9]
    const r = await loadIsolating(rows, 'L', t.attempt, t.refusal)
    expect(r.rejected.map((x) => x.row)).toEqual([-3, -7])
    expect(r.loaded).toBe(7)
    expect([...t.applied.values()].flat()).toEqual([1, 2, 4, 5, 6, 8, 9])
  })

  it('derives the same labels on a replay, so already applied halves are recognised', async () => {
    const a = fakeTarget()
    const b = fakeTarget()
    const rows = [1, -2, 3, 4, 5]
    await loadIsolating(rows, 'L', a.attempt, a.refusal)
    await loadIsolating(rows, 'L', b.attempt, b.refusal)
    expect([...b.applied.keys()]).toEqual([...a.applied.keys()])
    expect(new Set(a.applied.keys()).size).toBe(a.applied.size)
  })

  it('rethrows errors that do not blame rows', async () => {
    const boom = new Error('connection reset')
    await expect(
      loadIsolating(
        [1],
        'L',
        async () => Promise.reject(boom),
        () => undefined,
      ),
    ).rejects.toBe(boom)
  })
})
