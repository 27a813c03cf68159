// The batcher of one partition: collects decoded rows, dead letters and snapshot control
// messages into contiguous offset ranges, and cuts a batch when
//   - the range reaches the planned batch found in the commit metadata (exactly that range),
//   - rows or bytes reach their thresholds, or a snapshot control message arrives,
//   - the interval elapsed (cutIfDue), or the caller forces it (memory, shutdown).
// A batch covers every offset from the previous batch's end, so committing last+1 after
// it loaded never skips a message. While a planned batch is being re-formed, nothing but
// the plan cuts it.
import type { SnapshotControl } from '@sync/change-message'
import type { BatchPlan } from './batch-plan.ts'
import { batchLabel } from './label.ts'
import type { BufferedRow, DeadLetter } from './types.ts'

export interface Batch {
  topic: string
  partition: number
  first: bigint
  last: bigint
  label: string
  /** The batch was re-formed from a plan in the commit metadata (its plan is already committed). */
  planned: boolean
  /** Rows per target table, in offset order. */
  groups: Map<string, BufferedRow[]>
  dead: DeadLetter[]
  controls: Array<{ table: string; control: SnapshotControl }>
  bytes: number
  rows: number
}

export type BatchEntry =
  | { kind: 'row'; row: BufferedRow }
  | { kind: 'dead'; dead: DeadLetter; bytes: number }
  | { kind: 'control'; table: string; control: SnapshotControl; bytes: number }

export interface BatcherOptions {
  topic: string
  partition: number
  /** The committed offset (next offset to load), undefined when the group has none. */
  committed: bigint | undefined
  plan: BatchPlan | undefined
  labelPrefix: string
  rows: number
  bytes: number
  intervalMs: number
}

export function createBatcher(o: BatcherOptions) {
  let plan = o.plan
  let nextFirst = o.committed
  let open: Batch | undefined
  let openedAt = 0

  function cut(): Batch | undefined {
    const b = open
    if (!b) return undefined
    open = undefined
    nextFirst = b.last + 1n
    const planned = plan !== undefined && b.first <= BigInt(plan.last) && b.last === BigInt(plan.last)
    if (planned) b.label = plan!.label
    else
      b.label = batchLabel({
        prefix: o.labelPrefix,
        topic: o.topic,
        partition: o.partition,
        firstOffset: String(b.first),
        lastOffset: String(b.last),
      })
    b.planned = planned
    if (plan !== undefined && b.last >= BigInt(plan.last)) plan = undefined
    return b
  }

  return {
    /** Offsets below this were already taken (a redelivered message is skipped). */
    get nextOffset(): bigint | undefined {
      return open ? open.last + 1n : nextFirst
    },
    get bytes() {
      return open?.bytes ?? 0
    },
    get openedAt() {
      return openedAt
    },
    get hasOpen() {
      return open !== undefined
    },
    /** True while the planned batch from the commit metadata is still being re-formed. */
    get replaying() {
      return plan !== undefined
    },
    add(offset: bigint, entry: BatchEntry, now: number): Batch | undefined {
      if (!open) {
        const first = nextFirst !== undefined && nextFirst < offset ? nextFirst : offset
        open = {
          topic: o.topic,
          partition: o.partition,
          first,
          last: offset,
          label: '',
          planned: false,
          groups: new Map(),
          dead: [],
          controls: [],
          bytes: 0,
          rows: 0,
        }
        openedAt = now
      }
      open.last = offset
      if (entry.kind === 'row') {
        const g = open.groups.get(entry.row.table)
        if (g) g.push(entry.row)
        else open.groups.set(entry.row.table, [entry.row])
        open.rows += 1
        open.bytes += entry.row.bytes
      } else if (entry.kind === 'dead') {
        open.dead.push(entry.dead)
        open.bytes += entry.bytes
      } else {
        open.controls.push({ table: entry.table, control: entry.control })
        open.bytes += entry.bytes
      }
      if (plan !== undefined) return offset >= BigInt(plan.last) ? cut() : undefined
      if (entry.kind === 'control' || open.rows >= o.rows || open.bytes >= o.bytes) return cut()
      return undefined
    },
    /** Whether the open batch's interval elapsed (never while a plan is re-formed). */
    isDue(now: number): boolean {
      return open !== undefined && plan === undefined && now - openedAt >= o.intervalMs
    },
    /** The tables with rows in the open batch. */
    get openTables(): string[] {
      return open ? [...open.groups.keys()] : []
    },
    /** Cuts the open batch when its interval elapsed (never while a plan is re-formed). */
    cutIfDue(now: number): Batch | undefined {
      if (!open || plan !== undefined || now - openedAt < o.intervalMs) return undefined
      return cut()
    },
    /** Cuts whatever is open (memory pressure); a plan still being re-formed is kept whole. */
    cutNow(): Batch | undefined {
      return plan !== undefined ? undefined : cut()
    },
  }
}

export type Batcher = ReturnType<typeof createBatcher>
