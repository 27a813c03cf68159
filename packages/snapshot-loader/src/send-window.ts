// At most `limit` sink.send calls in flight: the reader waits for room before it reads on,
// so memory stays bounded by limit × batch size whatever the table size.

import { SnapshotError } from './errors.ts'
import type { SinkMessage, SnapshotSink } from './types.ts'

export interface SendWindow {
  /** Queues one send; resolves once there is room for another. */
  push(topic: string, messages: SinkMessage[]): Promise<void>
  /** Resolves when every queued send is acknowledged; rejects with the first failure. */
  drain(): Promise<void>
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

export function createSendWindow(sink: SnapshotSink, limit: number): SendWindow {
  const inFlight = new Set<Promise<void>>()
  let failure: SnapshotError | undefined
  const track = (topic: string, messages: SinkMessage[]) => {
    const p: Promise<void> = sink.send(topic, messages).then(
      () => {
        inFlight.delete(p)
      },
      (err: unknown) => {
        inFlight.delete(p)
        failure ??= sinkError(err, topic)
      },
    )
    inFlight.add(p)
  }
  return {
    async push(topic, messages) {
      if (failure) throw failure
      track(topic, messages)
      while (inFlight.size >= limit) await Promise.race(inFlight)
      if (failure) throw failure
    },
    async drain() {
      while (inFlight.size > 0) await Promise.race(inFlight)
      if (failure) throw failure
    },
  }
}
