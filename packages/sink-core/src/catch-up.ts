// "Caught up with the batch topic": the condition for applying a stream change at all.
//
// The snapshot gate can only hold a stream change once the table's snapshot-begin has been
// applied; a stream partition read ahead of the batch topic would slip past it. A snapshot
// writes snapshot-begin to every batch partition BEFORE its first consistent read, and a
// stream change later than that read reaches Kafka after it, so every begin that matters
// for a stream change lies below the batch topic's end offsets fetched after the change
// was fetched. A change may therefore go on once this process has applied (loaded,
// committed, control messages handed to the gate) every batch partition up to end offsets
// fetched after it.
//
// Tickets order events in this process: a fetched stream batch takes one, and so does each
// end-offset request before it is sent. A target (the end offsets of a request) reached on
// every partition lets through every ticket older than the request's.

import { SinkError } from './errors.ts'

export interface CatchUpOptions {
  /** End offsets (high) and log start offsets (low) of every partition of `topic`. */
  fetchEnds(topic: string): Promise<Array<{ partition: number; high: bigint; low: bigint }>>
  /** The consumer group's committed offsets of `topic` (partitions without one are absent). */
  fetchCommitted(topic: string): Promise<Map<number, bigint>>
  /** The offset up to which this process applied `partition`, undefined without a worker. */
  applied(topic: string, partition: number): bigint | undefined
  /** Whether `partition` is assigned to this member (an unassigned one is not waited for). */
  assigned(topic: string, partition: number): boolean
  /** Where the group starts a partition without a committed offset. */
  fromBeginning: boolean
  /** Called when a topic caught up further (held changes may go on). */
  onCaughtUp(): void
  onError(topic: string, err: unknown): void
  /**
   * How long one end-offset request may take before it is given up and asked again
   * (default 15 s). Without a bound, one request that never settles (a connection lost
   * mid-request) would hold every stream change of the topic's tables for good.
   */
  requestTimeoutMs?: number
}

interface Target {
  ticket: number
  /** partition → [end offset, position to assume without a worker] */
  ends: Map<number, [bigint, bigint]>
}

interface TopicState {
  caught: number
  want: number
  inFlight: boolean
  targets: Target[]
}

/** `p`, or a SINK_CATCH_UP_TIMEOUT error after `ms` (the timer never keeps the process alive). */
function within<T>(p: Promise<T>, topic: string, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new SinkError(
            'SINK_CATCH_UP_TIMEOUT',
            `the end offsets of ${topic} did not arrive within ${ms} ms; asking again`,
            { retriable: true },
          ),
        ),
      ms,
    )
    timer.unref?.()
  })
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer))
}

export function createCatchUp(o: CatchUpOptions) {
  const requestTimeoutMs = o.requestTimeoutMs ?? 15_000
  let tickets = 0
  let topics = new Map<string, TopicState>()

  const stateOf = (topic: string) => {
    let s = topics.get(topic)
    if (!s) {
      s = { caught: 0, want: 0, inFlight: false, targets: [] }
      topics.set(topic, s)
    }
    return s
  }

  function reached(topic: string, t: Target): boolean {
    for (const [partition, [end, base]] of t.ends) {
      if (!o.assigned(topic, partition)) continue
      if ((o.applied(topic, partition) ?? base) < end) return false
    }
    return true
  }

  function check(): void {
    let moved = false
    for (const [topic, s] of topics) {
      for (let i = s.targets.length - 1; i >= 0; i--) {
        const t = s.targets[i]!
        if (!reached(topic, t)) continue
        if (t.ticket > s.caught) {
          s.caught = t.ticket
          moved = true
        }
        s.targets.splice(0, i + 1)
        break
      }
    }
    if (moved) o.onCaughtUp()
  }

  async function refresh(topic: string, s: TopicState): Promise<void> {
    const newest = s.targets.at(-1)?.ticket ?? 0
    if (s.inFlight || s.want < Math.max(s.caught, newest)) return
    s.inFlight = true
    const ticket = ++tickets
    try {
      const [ends, committed] = await within(
        Promise.all([o.fetchEnds(topic), o.fetchCommitted(topic)]),
        topic,
        requestTimeoutMs,
      )
      const target: Target = { ticket, ends: new Map() }
      for (const { partition, high, low } of ends) {
        const c = committed.get(partition)
        // without a committed offset the group starts at the beginning or at the end
        let base = c !== undefined && c >= 0n ? c : o.fromBeginning ? low : high
        if (base < low) base = low
        target.ends.set(partition, [high, base])
      }
      s.targets.push(target)
    } catch (err) {
      o.onError(topic, err)
    } finally {
      s.inFlight = false
    }
    if (topics.get(topic) !== s) return
    check()
    if (s.want >= ticket) void refresh(topic, s)
  }

  return {
    /** A ticket for a batch fetched before now. */
    ticket: () => ++tickets,
    /** Whether `topic` was caught up after `ticket` was taken; if not, asks for its end offsets. */
    caughtUp(topic: string, ticket: number): boolean {
      const s = stateOf(topic)
      if (s.caught > ticket) return true
      if (ticket > s.want) s.want = ticket
      void refresh(topic, s)
      return false
    },
    /** Re-evaluates the targets (a batch was applied). */
    check,
    /** Retries topics still wanted (a failed request). */
    tick(): void {
      for (const [topic, s] of topics) if (s.want >= s.caught) void refresh(topic, s)
    },
    /** A new generation: positions start over. */
    reset(): void {
      topics = new Map()
    },
  }
}

export type CatchUp = ReturnType<typeof createCatchUp>
