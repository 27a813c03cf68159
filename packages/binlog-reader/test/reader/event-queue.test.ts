import { expect, it } from 'vitest'
import { EventQueue } from '../../src/reader/event-queue.ts'

it('asks to pause at the high-water mark, to resume at half, and fails after queued items', async () => {
  const calls: string[] = []
  const q = new EventQueue<number>({
    highWaterMark: 4,
    onHigh: () => calls.push('high'),
    onLow: () => calls.push('low'),
  })
  q.push(1, 2)
  q.push(2, 2)
  expect(calls).toEqual(['high'])
  q.fail(new Error('boom'))
  expect((await q.next()).value).toBe(1)
  expect((await q.next()).value).toBe(2)
  expect(calls).toEqual(['high', 'low'])
  await expect(q.next()).rejects.toThrow('boom')
})

it('hands queued items out synchronously with tryShift, in order with next(), and nothing past the end', async () => {
  const calls: string[] = []
  const q = new EventQueue<number>({
    highWaterMark: 4,
    onHigh: () => calls.push('high'),
    onLow: () => calls.push('low'),
  })
  expect(q.tryShift()).toBeUndefined()
  for (const n of [1, 2, 3, 4, 5]) q.push(n)
  expect(calls).toEqual(['high'])
  expect(q.tryShift()).toBe(1)
  expect((await q.next()).value).toBe(2)
  expect(q.tryShift()).toBe(3)
  expect(calls).toEqual(['high', 'low']) // 2 left of 4: at half
  expect(q.weight).toBe(2)
  q.fail(new Error('boom'))
  expect(q.tryShift()).toBe(4)
  expect(q.tryShift()).toBe(5)
  expect(q.tryShift()).toBeUndefined() // the failure is next()'s to report
  await expect(q.next()).rejects.toThrow('boom')
  // a waiter gets a pushed item directly; tryShift never takes it from under the waiter
  const r = new EventQueue<number>({ highWaterMark: 10, onHigh: () => {}, onLow: () => {} })
  const waiting = r.next()
  r.push(7)
  expect(r.tryShift()).toBeUndefined()
  expect((await waiting).value).toBe(7)
  r.push(8)
  r.end()
  expect(r.tryShift()).toBeUndefined()
  expect((await r.next()).done).toBe(true)
})
