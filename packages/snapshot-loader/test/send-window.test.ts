import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { describe, expect, it } from 'vitest'
import { isSnapshotError, type SinkMessage, SnapshotError, type SnapshotSink } from '../src/index.ts'
import { createSendWindow } from '../src/send-window.ts'

/** A sink whose acknowledgements the test hands out one send at a time. */
function heldSink() {
  const held: Array<{ rows: number; resolve(): void; reject(err: Error): void }> = []
  let calls = 0
  const sink: SnapshotSink = {
    send(_topic, messages) {
      calls++
      return new Promise<void>((resolve, reject) => held.push({ rows: messages.length, resolve, reject }))
    },
    partitionCount: async () => 1,
  }
  return {
    sink,
    held,
    calls: () => calls,
    /** Settles the send at index i of those still held. */
    settle(i: number, err?: Error) {
      const [h] = held.splice(i, 1)
      if (!h) throw new Error(`no held send at ${i}`)
      if (err) h.reject(err)
      else h.resolve()
    },
  }
}

const rows = (n: number): SinkMessage[] =>
  Array.from({ length: n }, (_, i) => ({ key: `k${i}`, value: 'v', headers: {} }))
const tick = () => new Promise((r) => setImmediate(r))
/** Whether `p` has settled after the pending callbacks ran. */
async function isSettled(p: Promise<unknown>): Promise<boolean> {
  let done = false
  p.then(
    () => {
      done = true
    },
    () => {
      done = true
    },
  )
  await tick()
  return done
}

describe('createSendWindow', () => {
  it('waits for room once maxSends sends are unacknowledged, and reports the rows in flight', async () => {
    const s = heldSink()
    const inFlight: number[] = []
    const w = createSendWindow(s.sink, {
      maxSends: 2,
      maxBytes: 1 << 30,
      onRowsInFlight: (n) => inFlight.push(n),
    })
    await w.push('t', rows(3), 30)
    const second = w.push('t', rows(5), 50)
    expect(await isSettled(second)).toBe(false)
    expect(s.calls()).toBe(2)
    s.settle(1) // the later send first: room again, but not yet every send acknowledged
    expect(await isSettled(second)).toBe(true)
    expect(inFlight).toEqual([3, 8, 3])
  })

  it('waits while the bytes in flight leave no room for another batch of the per-send share', async () => {
    const s = heldSink()
    const w = createSendWindow(s.sink, { maxSends: 4, maxBytes: 1000 })
    expect(w.batchBytesLimit).toBe(250)
    await w.push('t', rows(1), 400) // 400 + 250 <= 1000: room for another batch
    const second = w.push('t', rows(1), 400) // 800 + 250 > 1000
    expect(await isSettled(second)).toBe(false)
    s.settle(0)
    expect(await isSettled(second)).toBe(true)
    expect(s.calls()).toBe(2)
  })

  it('barrier resolves only when every earlier send is acknowledged, in any order', async () => {
    const s = heldSink()
    const w = createSendWindow(s.sink, { maxSends: 8, maxBytes: 1 << 30 })
    await w.push('t', rows(1), 1)
    await w.push('t', rows(1), 1)
    const first = w.barrier()
    await w.push('t', rows(1), 1)
    s.settle(1)
    expect(await isSettled(first)).toBe(false)
    s.settle(0)
    expect(await isSettled(first)).toBe(true)
    // the third send is still held: a barrier taken now waits for it
    const second = w.barrier()
    expect(await isSettled(second)).toBe(false)
    s.settle(0)
    await expect(second).resolves.toBeUndefined()
  })

  it('after a failed send, waiting pushes and barriers reject and nothing more is sent', async () => {
    const s = heldSink()
    const w = createSendWindow(s.sink, { maxSends: 1, maxBytes: 1 << 30 })
    const waiting = w.push('orders_batch', rows(2), 2)
    const barrier = w.barrier()
    s.settle(0, Object.assign(new Error('broker down'), { retriable: false }))
    const err = await waiting.catch((e: unknown) => e)
    expect(isSnapshotError(err) && [err.code, err.topic, err.retriable]).toEqual([
      'SNAP_SINK',
      'orders_batch',
      false,
    ])
    await expect(barrier).rejects.toBe(err)
    await expect(w.push('orders_batch', rows(1), 1)).rejects.toBe(err)
    await expect(w.send('orders_batch', rows(1), 1)).rejects.toBe(err)
    expect(s.calls()).toBe(1)
    expect(w.failure).toBe(err)
  })

  it('a failure reported with fail() wakes a waiting push and is kept as the first', async () => {
    const s = heldSink()
    const w = createSendWindow(s.sink, { maxSends: 1, maxBytes: 1 << 30 })
    const waiting = w.push('t', rows(1), 1)
    const stateErr = new SnapshotError('SNAP_STATE', 'disk full')
    w.fail(stateErr)
    await expect(waiting).rejects.toBe(stateErr)
    s.settle(0, new Error('late'))
    await w.idle()
    expect(w.failure).toBe(stateErr)
  })

  it('send resolves with its own acknowledgement without waiting for room', async () => {
    const s = heldSink()
    const w = createSendWindow(s.sink, { maxSends: 1, maxBytes: 1 << 30 })
    const rowsSent = w.push('t', rows(4), 4)
    const control = w.send('t', rows(2), 2)
    expect(s.calls()).toBe(2)
    s.settle(1)
    await expect(control).resolves.toBeUndefined()
    expect(await isSettled(rowsSent)).toBe(false)
    s.settle(0)
    await expect(rowsSent).resolves.toBeUndefined()
  })

  it('a sink that throws instead of rejecting fails the window the same way', async () => {
    const w = createSendWindow(
      {
        send: () => {
          throw new TypeError('not connected')
        },
        partitionCount: async () => 1,
      },
      { maxSends: 2, maxBytes: 1 << 30 },
    )
    await w.push('t', rows(1), 1).catch(() => {})
    await tick()
    expect(w.failure?.code).toBe('SNAP_SINK')
    expect(w.failure?.message).toBe('sending to t failed: not connected')
  })
})

describe('batches in flight', () => {
  // Root cause: the window's acknowledgement callback and the blocked push each kept the
  // batch alive until the sink acknowledged it. A worker sink copies the batch to its
  // thread at once, so those copies were promoted to the old generation while in flight
  // and cost the loader's thread about a tenth of its CPU in garbage collection.
  it('are not kept by the window once the sink has them, even while the window is full', async () => {
    setFlagsFromString('--expose-gc')
    const gc = runInNewContext('gc') as () => void
    const held: Array<() => void> = []
    // a sink that copies what it needs (as the worker sink does) and keeps no reference
    const sink: SnapshotSink = {
      send: () => new Promise<void>((resolve) => held.push(resolve)),
      partitionCount: async () => 1,
    }
    const window = createSendWindow(sink, { maxSends: 1, maxBytes: 1 << 20 })
    let batch: SinkMessage[] | undefined = rows(100)
    const ref = new WeakRef(batch)
    const waiting = window.push('t', batch, 100)
    batch = undefined
    await tick()
    gc()
    await tick()
    gc()
    expect(ref.deref()).toBeUndefined()
    // the window is still full: the push waits for the acknowledgement
    expect(await isSettled(waiting)).toBe(false)
    held[0]?.()
    await waiting
  })
})
