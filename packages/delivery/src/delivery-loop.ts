// Accumulates encoded messages and delivers them with at most ONE batch in flight.
//
//   open batch ──(nothing in flight)──► in flight ──ack──► onDelivered(batch, boundary)
//        ▲ add()/boundary()                 │ error: same batch again after a backoff
//
// With one batch in flight per source, a retried request can never be overtaken by a later
// one, so each key's messages reach Kafka in binlog order without the idempotent producer.
// While a batch is in flight the next one accumulates; once it exceeds the limits, `full`
// turns true and the caller stops pulling events (the reader then pauses its socket), so
// memory stays bounded by about two batches. A batch's `boundary` is the last transaction
// end it holds: once that batch is acknowledged, everything before the boundary is in Kafka.

export interface OutMessage {
  topic: string
  key: string
  value: string
  headers: Record<string, string>
  /** Approximate size on the wire (key + value + headers). */
  bytes: number
  /** The rule that produced it (metrics). */
  rule: string
  /** Source event time, ms. */
  eventTime: number
}

export interface Boundary<P> {
  position: P
  /** Source time of the transaction's end, ms. */
  timestamp: number
}

export interface DeliveredBatch<P> {
  messages: readonly OutMessage[]
  bytes: number
  boundary: Boundary<P> | undefined
  attempts: number
}

export interface DeliveryLoopOptions<P> {
  /** Resolves once Kafka acknowledged every message; rejects to have the batch retried. */
  send(messages: readonly OutMessage[]): Promise<void>
  maxMessages: number
  maxBytes: number
  retry?: { initialDelayMs: number; maxDelayMs: number }
  /** Called in order, once per acknowledged batch. */
  onDelivered(batch: DeliveredBatch<P>): void
  onSendError?(error: unknown, attempt: number, delayMs: number): void
}

interface Batch<P> {
  messages: OutMessage[]
  bytes: number
  boundary: Boundary<P> | undefined
  /** Messages up to the boundary (the rest belong to an unfinished transaction). */
  committed: number
  committedBytes: number
}

export interface DeliveryLoop<P> {
  add(messages: readonly OutMessage[]): void
  /** Marks a transaction end after the messages added so far. */
  boundary(boundary: Boundary<P>): void
  /** True when the open batch exceeds a limit: stop adding until `waitForRoom()`. */
  readonly full: boolean
  waitForRoom(): Promise<void>
  /** Sends everything added so far and resolves once it is acknowledged (or the loop is closed). */
  flush(): Promise<void>
  /** Drops the open batch's messages after its last boundary (their transaction will be read again). */
  dropUncommitted(): void
  /** Stops retrying; an unacknowledged batch is abandoned (its boundary is never reported). */
  close(): void
  readonly idle: boolean
  stats(): { openMessages: number; openBytes: number; inFlightMessages: number }
}

export function createDeliveryLoop<P>(o: DeliveryLoopOptions<P>): DeliveryLoop<P> {
  const retry = o.retry ?? { initialDelayMs: 200, maxDelayMs: 10_000 }
  const fresh = (): Batch<P> => ({
    messages: [],
    bytes: 0,
    boundary: undefined,
    committed: 0,
    committedBytes: 0,
  })
  let open = fresh()
  let inFlight: Batch<P> | undefined
  let scheduled = false
  let closed = false
  let cancelSleep: (() => void) | undefined
  let waiters: Array<() => void> = []

  const isFull = () => open.messages.length >= o.maxMessages || open.bytes >= o.maxBytes
  const hasWork = (b: Batch<P>) => b.messages.length > 0 || b.boundary !== undefined
  const wake = () => {
    const list = waiters
    waiters = []
    for (const w of list) w()
  }

  const schedule = () => {
    if (scheduled || inFlight || closed || !hasWork(open)) return
    scheduled = true
    // Deferred so every event already queued by the reader joins this batch
    setImmediate(() => {
      scheduled = false
      if (inFlight || closed || !hasWork(open)) return
      const batch = open
      open = fresh()
      inFlight = batch
      wake()
      void deliver(batch).finally(() => {
        inFlight = undefined
        wake()
        schedule()
      })
    })
  }

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const t = setTimeout(done, ms)
      function done() {
        clearTimeout(t)
        cancelSleep = undefined
        resolve()
      }
      cancelSleep = done
    })

  async function deliver(batch: Batch<P>): Promise<void> {
    let attempts = 0
    for (;;) {
      if (closed) return
      attempts++
      try {
        if (batch.messages.length > 0) await o.send(batch.messages)
        break
      } catch (err) {
        if (closed) return
        const base = Math.min(retry.maxDelayMs, retry.initialDelayMs * 2 ** Math.min(attempts - 1, 20))
        const delay = Math.round(base / 2 + Math.random() * (base / 2))
        o.onSendError?.(err, attempts, delay)
        await sleep(delay)
      }
    }
    o.onDelivered({ messages: batch.messages, bytes: batch.bytes, boundary: batch.boundary, attempts })
  }

  const until = async (done: () => boolean) => {
    while (!done() && !closed) await new Promise<void>((r) => waiters.push(r))
  }

  return {
    add(messages) {
      for (const m of messages) {
        open.messages.push(m)
        open.bytes += m.bytes
      }
      schedule()
    },
    boundary(boundary) {
      open.boundary = boundary
      open.committed = open.messages.length
      open.committedBytes = open.bytes
      schedule()
    },
    get full() {
      return isFull()
    },
    waitForRoom: () => until(() => !isFull()),
    flush() {
      schedule()
      return until(() => !inFlight && !hasWork(open))
    },
    dropUncommitted() {
      open.messages.length = open.committed
      open.bytes = open.committedBytes
      wake()
    },
    close() {
      closed = true
      cancelSleep?.()
      wake()
    },
    get idle() {
      return !inFlight && !hasWork(open)
    },
    stats: () => ({
      openMessages: open.messages.length,
      openBytes: open.bytes,
      inFlightMessages: inFlight?.messages.length ?? 0,
    }),
  }
}
