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
