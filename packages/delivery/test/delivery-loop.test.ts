import { describe, expect, it } from 'vitest'
import { createDeliveryLoop, type DeliveredBatch, type OutMessage } from '../src/delivery-loop.ts'

const msg = (n: number, bytes = 10): OutMessage => ({
  topic: 't',
  key: String(n),
  value: `v${n}`,
  headers: {},
  bytes,
  rule: 'r',
  eventTime: 0,
})

function deferred() {
  let resolve!: () => void
  let reject!: (e: unknown) => void
  const promise = new Promise<void>((res, rej) => {
    resolve = res
    reject = rej
  })
  return { promise, resolve, reject }
}

const tick = () => new Promise((r) => setImmediate(r))

describe('delivery loop', () => {
  it('keeps one batch in flight and accumulates the next meanwhile', async () => {
    const sends: Array<{ keys: string[]; d: ReturnType<typeof deferred> }> = []
    const delivered: Array<DeliveredBatch<number>> = []
    const loop = createDeliveryLoop<number>({
      send(messages) {
        const d = deferred()
        sends.push({ keys: messages.map((m) => m.key), d })
        return d.promise
      },
      maxMessages: 100,
      maxBytes: 1e9,
      onDelivered: (b) => void delivered.push(b),
    })
    loop.add([msg(1), msg(2)])
    loop.boundary({ position: 1, timestamp: 0 })
    await tick()
    expect(sends.map((s) => s.keys)).toEqual([['1', '2']])
    loop.add([msg(3)])
    loop.boundary({ position: 2, timestamp: 0 })
    loop.add([msg(4)])
    await tick()
    expect(sends).toHaveLength(1) // the second waits for the first
    sends[0]!.d.resolve()
    await tick()
    await tick()
    expect(sends.map((s) => s.keys)).toEqual([
      ['1', '2'],
      ['3', '4'],
    ])
    expect(delivered.map((b) => b.boundary?.position)).toEqual([1])
    sends[1]!.d.resolve()
    await loop.flush()
    // the second batch holds an unfinished transaction after boundary 2: its boundary is 2
    expect(delivered.map((b) => b.boundary?.position)).toEqual([1, 2])
  })

  it('retries a failed batch as a whole before any later one, and reports its boundary once', async () => {
    let calls = 0
    const order: string[] = []
    const delivered: number[] = []
    const errors: number[] = []
    const loop = createDeliveryLoop<number>({
      async send(messages) {
        calls++
        if (calls <= 2) throw new Error('broker down')
        order.push(...messages.map((m) => m.key))
      },
      maxMessages: 100,
      maxBytes: 1e9,
      retry: { initialDelayMs: 1, maxDelayMs: 2 },
      onDelivered: (b) => b.boundary && delivered.push(b.boundary.position),
      onSendError: (_e, attempt) => void errors.push(attempt),
    })
    loop.add([msg(1)])
    loop.boundary({ position: 7, timestamp: 0 })
    await tick()
    loop.add([msg(2)])
    loop.boundary({ position: 8, timestamp: 0 })
    await loop.flush()
    expect(order).toEqual(['1', '2'])
    expect(errors).toEqual([1, 2])
    expect(delivered).toEqual([7, 8])
  })

  it('reports full when the open batch passes a limit, and has room again once it is sent', async () => {
    const gate = deferred()
    let sent = 0
    const loop = createDeliveryLoop<number>({
      send: async (m) => {
        sent += m.length
        await gate.promise
      },
      maxMessages: 3,
      maxBytes: 25,
      onDelivered: () => {},
    })
    loop.add([msg(1)])
    await tick() // batch 1 in flight, blocked on the gate
    loop.add([msg(2), msg(3)])
    expect(loop.full).toBe(false) // 20 bytes, 2 messages
    loop.add([msg(4)])
    expect(loop.full).toBe(true) // 30 bytes
    let room = false
    const waiting = loop.waitForRoom().then(() => {
      room = true
    })
    await tick()
    expect(room).toBe(false)
    gate.resolve()
    await waiting
    expect(room).toBe(true)
    await loop.flush()
    expect(sent).toBe(4)
  })

  it('drops only the unfinished transaction of the open batch', async () => {
    const gate = deferred()
    const seen: string[] = []
    const loop = createDeliveryLoop<number>({
      send: async (m) => {
        seen.push(...m.map((x) => x.key))
        await gate.promise
      },
      maxMessages: 100,
      maxBytes: 1e9,
      onDelivered: () => {},
    })
    loop.add([msg(0)])
    await tick()
    loop.add([msg(1)])
    loop.boundary({ position: 1, timestamp: 0 })
    loop.add([msg(2), msg(3)])
    loop.dropUncommitted()
    expect(loop.stats().openMessages).toBe(1)
    gate.resolve()
    await loop.flush()
    expect(seen).toEqual(['0', '1'])
  })

  it('gives up a batch on close, so shutdown is not held by an outage', async () => {
    const delivered: number[] = []
    const loop = createDeliveryLoop<number>({
      send: async () => {
        throw new Error('down')
      },
      maxMessages: 10,
      maxBytes: 1e9,
      retry: { initialDelayMs: 10_000, maxDelayMs: 10_000 },
      onDelivered: (b) => b.boundary && delivered.push(b.boundary.position),
    })
    loop.add([msg(1)])
    loop.boundary({ position: 1, timestamp: 0 })
    const flushed = loop.flush()
    await new Promise((r) => setTimeout(r, 20))
    loop.close()
    await flushed
    expect(delivered).toEqual([])
  })
})
