import { describe, expect, it } from 'vitest'
import { createWorkerChannel } from '../src/worker-channel.ts'
import { workerEntry } from '../src/worker-entry.ts'

const caller = new URL('./fixtures/caller.ts', import.meta.url).href
const channel = () =>
  createWorkerChannel({ entry: workerEntry(caller, 'echo-worker'), workerData: 'data', what: 'echo' })

describe('createWorkerChannel', () => {
  it('answers each call by its id, with the value or the error (name, message, retriable)', async () => {
    const c = channel()
    try {
      const [a, b] = await Promise.all([
        c.call((id) => ({ type: 'echo', id, value: 1 })),
        c.call((id) => ({ type: 'echo', id, value: { two: 2 } })),
      ])
      expect(a).toEqual(['data', 1])
      expect(b).toEqual(['data', { two: 2 }])
      const failed = await c.call((id) => ({ type: 'fail', id })).catch((e: unknown) => e)
      expect(failed).toBeInstanceOf(Error)
      expect(failed).toMatchObject({ name: 'RangeError', message: 'refused on purpose', retriable: false })
    } finally {
      await c.close()
    }
  })

  it('fails the calls in flight when the thread dies, and starts a new thread at the next call', async () => {
    const c = channel()
    try {
      const hanging = c.call((id) => ({ type: 'hang', id }))
      await expect(c.call((id) => ({ type: 'die', id }))).rejects.toThrow(
        'the echo worker thread exited (code 3)',
      )
      await expect(hanging).rejects.toThrow(/exited \(code 3\)/)
      await expect(c.call((id) => ({ type: 'echo', id, value: 'again' }))).resolves.toEqual(['data', 'again'])
    } finally {
      await c.close()
    }
  })

  it('on close, lets the worker close what it owns, then ends the thread and fails what is still waiting', async () => {
    const c = channel()
    const hanging = c.call((id) => ({ type: 'hang', id }))
    const started = Date.now()
    await c.close()
    expect(Date.now() - started).toBeLessThan(4000) // the worker said 'closed': no 5 s timeout
    await expect(hanging).rejects.toThrow(/^the echo (worker thread exited|is closed)/)
    await c.close() // a second close has nothing to do
  })
})
