// The sends of one table, across all its chunks: at most `maxSends` sink.send calls and
// about `maxBytes` bytes in flight. The reader waits for room before it reads on, so the
// rows read and not yet acknowledged stay bounded whatever the table and chunk sizes (one
// window per chunk would let every chunk start with an empty window: with chunks smaller
// than a send batch, reads would never wait for an acknowledgement).
//
// Sends are numbered in push order. `barrier()` waits until every send pushed before it is
// acknowledged, which is how chunk k's chunk-done waits for chunk k's rows while chunk k+1
// is already being read. The first failure (a send, or one reported with `fail`) is kept:
// later pushes reject without sending, and the reader checks `failure` between rows.

import { SnapshotError } from './errors.ts'
import type { SinkMessage, SnapshotSink } from './types.ts'

export interface SendWindowOptions {
  maxSends: number
  maxBytes: number
  /** Called whenever the rows in flight change (after a push, after an acknowledgement). */
  onRowsInFlight?: (rows: number) => void
}

export interface SendWindow {
  /**
   * Hands one batch to the sink; resolves once there is room for another batch (fewer than
   * maxSends sends in flight and room for a batch of `batchBytesLimit` bytes). Rejects, and
   * sends nothing, once any send has failed.
   */
  push(topic: string, messages: SinkMessage[], bytes: number): Promise<void>
  /**
   * Hands a batch to the sink at once, without waiting for room (control messages, a few per
   * chunk), and resolves when the sink acknowledged it; rejects with the first failure.
   */
  send(topic: string, messages: SinkMessage[], bytes: number): Promise<void>
  /** Resolves once every send pushed before this call is acknowledged; rejects with the first failure. */
  barrier(): Promise<void>
  /** Records a failure outside the sends (a chunk-done, saving progress); reading stops. */
  fail(err: SnapshotError): void
  /** The first failure, if any. */
  readonly failure: SnapshotError | undefined
  /** Resolves when no send is in flight (acknowledged or failed). */
  idle(): Promise<void>
  /** The largest batch, in bytes, that leaves room under maxBytes. */
  readonly batchBytesLimit: number
}

export function sinkError(err: unknown, topic: string): SnapshotError {
  if (err instanceof SnapshotError) return err
  const retriable = (err as { retriable?: unknown })?.retriable
  return new SnapshotError(
    'SNAP_SINK',
    `sending to ${topic} failed: ${(err as Error)?.message ?? String(err)}`,
    {
      cause: err,
      topic,
      retriable: typeof retriable === 'boolean' ? retriable : true,
    },
  )
}

export function createSendWindow(sink: SnapshotSink, options: SendWindowOptions): SendWindow {
  const { maxSends, maxBytes, onRowsInFlight } = options
  const batchBytesLimit = Math.max(1, Math.floor(maxBytes / maxSends))
  let sends = 0
  let bytes = 0
  let rows = 0
  let pushed = 0
  /** Every send numbered up to here is acknowledged. */
  let acked = 0
  const ackedAhead = new Set<number>()
  let failure: SnapshotError | undefined
  // woken on every settled send; each waiter re-checks its own condition
  let wakers: Array<() => void> = []
  const wake = () => {
    const list = wakers
    wakers = []
    for (const w of list) w()
  }
  const settled = () => new Promise<void>((resolve) => wakers.push(resolve))

  // Nothing here holds on to `messages` once handed to the sink: a sink that copies them
  // (to a worker thread) lets them die young instead of being promoted while in flight.
  const start = (topic: string, messages: SinkMessage[], size: number): Promise<void> => {
    const n = ++pushed
    const count = messages.length
    sends++
    bytes += size
    rows += count
    onRowsInFlight?.(rows)
    let sent: Promise<void>
    try {
      sent = sink.send(topic, messages)
    } catch (err) {
      sent = Promise.reject(err)
    }
    return sent.then(
      () => {
        sends--
        bytes -= size
        rows -= count
        ackedAhead.add(n)
        while (ackedAhead.delete(acked + 1)) acked++
        onRowsInFlight?.(rows)
        wake()
      },
      (err: unknown) => {
        sends--
        bytes -= size
        rows -= count
        failure ??= sinkError(err, topic)
        onRowsInFlight?.(rows)
        wake()
        throw failure
      },
    )
  }

  /** Waits until another batch fits (kept apart from push, whose frame holds its batch). */
  const room = async (): Promise<void> => {
    while (failure === undefined && (sends >= maxSends || (sends > 0 && bytes + batchBytesLimit > maxBytes)))
      await settled()
    if (failure) throw failure
  }

  return {
    push(topic, messages, size) {
      if (failure) return Promise.reject(failure)
      // observed through `failure`; the caller's next push or barrier rejects with it
      start(topic, messages, size).catch(() => {})
      return room()
    },
    async send(topic, messages, size) {
      if (failure) throw failure
      await start(topic, messages, size)
    },
    async barrier() {
      const n = pushed
      while (failure === undefined && acked < n) await settled()
      if (failure) throw failure
    },
    fail(err) {
      failure ??= err
      wake()
    },
    get failure() {
      return failure
    },
    async idle() {
      while (sends > 0) await settled()
    },
    batchBytesLimit,
  }
}
