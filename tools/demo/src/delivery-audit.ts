// Was every message loaded exactly once? Reads the pipeline's topics (headers only: a row
// message is any message without the sync-control header) and checks the loads the
// StarRocks side applied against them. A Stream Load label names its offset range
//
//   <prefix>-<topic, sanitised>-<partition>-<first>-<last>[_0|_1 …]   (packages/sink-core/src/label.ts)
//
// (halves "_0"/"_1" when a batch is bisected), so for each topic-partition:
//   - no two applied ranges overlap, and no label is applied twice;
//   - a load applied exactly the row messages of its range;
//   - the rows applied add up to the row messages the topic holds.
// Label dedupe alone cannot catch a batch re-formed with other bounds after a crash; these
// checks do.
import { controlHeader, headerNames } from '@sync/change-message'
import { type Admin, Kafka, logLevel } from 'kafkajs'

export interface AppliedLoadRecord {
  table: string
  label: string
  rows: number
  /** When the load arrived (epoch ms), for the report. */
  receivedAt?: number
}

/** Offsets of the row messages of each topic-partition, read as they arrive. */
export interface TopicRecorder {
  /** The recorder's admin client (cluster metadata, offsets). */
  admin: Admin
  /** Waits until every partition is read up to its high watermark now. */
  catchUp(timeoutMs?: number): Promise<void>
  /** Row-message offsets of a partition, ascending. */
  rowOffsets(topic: string, partition: number): readonly number[]
  /** How many messages came from each source table ("db.table", from the sync-db/sync-table headers). */
  sourceTables(): ReadonlyMap<string, number>
  /** Offset ranges gone before they were read (broker retention): nothing can load them. */
  gaps(): readonly string[]
  partitions(topic: string): number[]
  stop(): Promise<void>
}

export async function startTopicRecorder(options: {
  brokers: string[]
  topics: string[]
  groupId: string
}): Promise<TopicRecorder> {
  const kafka = new Kafka({
    clientId: options.groupId,
    brokers: options.brokers,
    logLevel: logLevel.NOTHING,
  })
  const admin = kafka.admin()
  await admin.connect()
  const consumer = kafka.consumer({ groupId: options.groupId, sessionTimeout: 10_000 })
  await consumer.connect()
  await consumer.subscribe({ topics: options.topics, fromBeginning: true })
  const rows = new Map<string, number[]>()
  const next = new Map<string, number>()
  const gaps: string[] = []
  const sources = new Map<string, number>()
  const key = (t: string, p: number) => `${t}\u0000${p}`
  await consumer.run({
    autoCommit: false,
    eachBatch: async ({ batch }) => {
      const k = key(batch.topic, batch.partition)
      const list = rows.get(k) ?? []
      rows.set(k, list)
      for (const m of batch.messages) {
        const offset = Number(m.offset)
        const expected = next.get(k) ?? 0
        if (offset < expected) continue
        if (offset > expected)
          gaps.push(`${batch.topic}-${batch.partition} offsets ${expected}..${offset - 1}`)
        if (!m.headers?.[controlHeader]) list.push(offset)
        const db = m.headers?.[headerNames.database]
        const table = m.headers?.[headerNames.table]
        if (db !== undefined && table !== undefined) {
          const name = `${String(db)}.${String(table)}`
          sources.set(name, (sources.get(name) ?? 0) + 1)
        }
        next.set(k, offset + 1)
      }
    },
  })
  return {
    admin,
    async catchUp(timeoutMs = 60_000) {
      const deadline = Date.now() + timeoutMs
      for (;;) {
        let behind = ''
        for (const topic of options.topics) {
          for (const p of await admin.fetchTopicOffsets(topic)) {
            const read = next.get(key(topic, p.partition)) ?? 0
            if (read < Number(p.high)) behind = `${topic}-${p.partition} read to ${read} of ${p.high}`
          }
        }
        if (!behind) return
        if (Date.now() > deadline) throw new Error(`the topic recorder is behind: ${behind}`)
        await new Promise((r) => setTimeout(r, 250))
      }
    },
    rowOffsets: (topic, partition) => rows.get(key(topic, partition)) ?? [],
    gaps: () => gaps,
    sourceTables: () => sources,
    partitions: (topic) =>
      [...rows.keys()]
        .filter((k) => k.startsWith(`${topic}\u0000`))
        .map((k) => Number(k.slice(topic.length + 1)))
        .sort((a, b) => a - b),
    async stop() {
      await consumer.disconnect().catch(() => undefined)
      await admin.disconnect().catch(() => undefined)
    },
  }
}

/** How many of the ascending `offsets` lie in [first, last]. */
export function countInRange(offsets: readonly number[], first: number, last: number): number {
  const lowerBound = (x: number) => {
    let lo = 0
    let hi = offsets.length
    while (lo < hi) {
      const mid = (lo + hi) >> 1
      if (offsets[mid]! < x) lo = mid + 1
      else hi = mid
    }
    return lo
  }
  return lowerBound(last + 1) - lowerBound(first)
}

export interface ParsedLabel {
  /** The topic part as it appears in the label (sanitised). */
  topicPart: string
  partition: number
  first: number
  last: number
  /** The label without bisection suffixes. */
  base: string
}

export function parseLoadLabel(label: string, prefix: string): ParsedLabel | undefined {
  if (!label.startsWith(`${prefix}-`)) return undefined
  const m = /^(.+)-(\d+)-(\d+)-(\d+)((?:_[01])*)$/.exec(label.slice(prefix.length + 1))
  if (!m) return undefined
  const first = Number(m[3])
  const last = Number(m[4])
  if (last < first) return undefined
  return {
    topicPart: m[1]!,
    partition: Number(m[2]),
    first,
    last,
    base: label.slice(0, label.length - m[5]!.length),
  }
}

export interface AuditResult {
  problems: string[]
  loads: number
  rowsApplied: number
  rowsProduced: number
}

/**
 * Checks the applied loads against the topics. `topicOf(table, topicPart)` names the topic
 * a load's label came from (undefined: not one of ours).
 */
export function auditLoads(options: {
  loads: readonly AppliedLoadRecord[]
  labelPrefix: string
  topics: string[]
  topicOf: (table: string, topicPart: string) => string | undefined
  recorder: Pick<TopicRecorder, 'rowOffsets' | 'partitions' | 'gaps'>
}): AuditResult {
  const problems: string[] = options.recorder
    .gaps()
    .map((g) => `${g} were deleted before they were read (broker retention): they cannot have been loaded`)
  const seen = new Set<string>()
  // topic-partition → base label → the range and the rows of its loads (halves summed)
  type Range = { first: number; last: number; rows: number; at?: number }
  const ranges = new Map<string, Map<string, Range>>()
  let rowsApplied = 0
  for (const l of options.loads) {
    rowsApplied += l.rows
    if (seen.has(l.label)) problems.push(`label ${l.label} was applied more than once`)
    seen.add(l.label)
    const parsed = parseLoadLabel(l.label, options.labelPrefix)
    const topic = parsed && options.topicOf(l.table, parsed.topicPart)
    if (!parsed || !topic) {
      problems.push(`label ${l.label} (table ${l.table}) names no offset range of the pipeline's topics`)
      continue
    }
    const tp = `${topic}-${parsed.partition}`
    const byBase = ranges.get(tp) ?? new Map<string, Range>()
    ranges.set(tp, byBase)
    const r = byBase.get(parsed.base)
    if (r) r.rows += l.rows
    else
      byBase.set(parsed.base, {
        first: parsed.first,
        last: parsed.last,
        rows: l.rows,
        ...(l.receivedAt ? { at: l.receivedAt } : {}),
      })
  }
  let rowsProduced = 0
  const checked = new Set<string>()
  for (const topic of options.topics) {
    for (const partition of options.recorder.partitions(topic)) {
      checked.add(`${topic}-${partition}`)
      const offsets = options.recorder.rowOffsets(topic, partition)
      rowsProduced += offsets.length
      const list = [...(ranges.get(`${topic}-${partition}`) ?? new Map<string, Range>()).entries()]
        .map(([base, r]) => ({ base, ...r }))
        .sort((a, b) => a.first - b.first)
      let applied = 0
      // the load reaching furthest so far: any later range starting at or before its end overlaps
      let reach: (typeof list)[number] | undefined
      const when = (r: { at?: number }) => (r.at ? ` at ${new Date(r.at).toISOString().slice(11, 23)}` : '')
      for (const r of list) {
        applied += r.rows
        if (reach && r.first <= reach.last)
          problems.push(
            `${topic}-${partition}: loads ${reach.base}${when(reach)} and ${r.base}${when(r)} overlap (offsets ${r.first}..${Math.min(reach.last, r.last)} applied twice)`,
          )
        if (!reach || r.last > reach.last) reach = r
        const want = countInRange(offsets, r.first, r.last)
        if (r.rows !== want)
          problems.push(
            `${topic}-${partition}: load ${r.base} applied ${r.rows} rows, its range ${r.first}..${r.last} holds ${want} row messages`,
          )
      }
      if (applied !== offsets.length)
        problems.push(
          `${topic}-${partition}: ${offsets.length} row messages produced, ${applied} rows applied`,
        )
    }
  }
  for (const tp of ranges.keys())
    if (!checked.has(tp)) problems.push(`${tp}: loads applied from a partition the topics never showed`)
  return { problems, loads: options.loads.length, rowsApplied, rowsProduced }
}
