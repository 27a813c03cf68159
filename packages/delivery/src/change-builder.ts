// One binlog row event → encrypted Kafka messages: the rule's plan maps each row, the
// target key comes from the rule (or the table's own primary key), a key-changing UPDATE
// becomes delete-old + upsert-new, and the encoder seals the chosen output format.

import type { RowEvent } from '@sync/binlog-reader'
import { type ChangeEncoder, type ChangeSource, changesFromRow } from '@sync/change-message'
import type { TableMatcher, TablePlan } from '@sync/table-matcher'
import type { OutMessage } from './delivery-loop.ts'

export interface BuiltEvent {
  messages: OutMessage[]
  /** The rule that captured the table, or undefined when none did (rows skipped). */
  rule: string | undefined
  rows: number
}

export interface ChangeBuilder {
  /** Throws the matcher's errors (TM_AMBIGUOUS, TM_UNMAPPED_COLUMN …): the caller blocks on them. */
  build(event: RowEvent): BuiltEvent
}

const headerOverhead = (h: Record<string, string>) => {
  let n = 0
  for (const k in h) n += k.length + (h[k] as string).length
  return n
}

export function createChangeBuilder(matcher: TableMatcher, encoder: ChangeEncoder): ChangeBuilder {
  // A rule without declared key columns is keyed by the table's own primary key
  const keyed = new WeakMap<TablePlan, Map<string, TablePlan>>()
  const keyedPlan = (plan: TablePlan, primaryKey: readonly string[]): TablePlan => {
    if (plan.keyColumns.length > 0 || primaryKey.length === 0) return plan
    let byKey = keyed.get(plan)
    if (!byKey) {
      byKey = new Map()
      keyed.set(plan, byKey)
    }
    const id = primaryKey.join('\u0000')
    let p = byKey.get(id)
    if (!p) {
      p = plan.withSourceKey(primaryKey)
      byKey.set(id, p)
    }
    return p
  }

  return {
    build(event) {
      const plan = matcher.match(event.database, event.table)
      if (!plan) return { messages: [], rule: undefined, rows: event.rows.length }
      const p = keyedPlan(plan, event.primaryKey)
      const keyOf = (row: Record<string, unknown>) => p.keyOf(row)
      const source: ChangeSource = {
        database: event.database,
        table: event.table,
        kind: event.kind,
        timestamp: event.timestamp,
        // the row event's own end: what the sinker compares with a snapshot chunk's position
        binlogFile: event.eventEnd.file,
        binlogPos: event.eventEnd.pos,
        gtid: event.gtid,
        target: plan.target.table,
      }
      const topic = plan.target.topic
      const messages: OutMessage[] = []
      const push = (mapped: { before?: Record<string, unknown>; after?: Record<string, unknown> }) => {
        for (const change of changesFromRow(event.kind, mapped, keyOf, source)) {
          const m = encoder.encode(change)
          messages.push({
            topic,
            key: m.key,
            value: m.value,
            headers: m.headers,
            bytes: m.key.length + m.value.length + headerOverhead(m.headers),
            rule: plan.rule,
            eventTime: event.timestamp,
          })
        }
      }
      if (event.kind === 'update') {
        for (const r of event.rows) push({ before: p.mapRow(r.before), after: p.mapRow(r.after) })
      } else if (event.kind === 'insert') {
        for (const r of event.rows) push({ after: p.mapRow(r) })
      } else {
        for (const r of event.rows) push({ before: p.mapRow(r) })
      }
      return { messages, rule: plan.rule, rows: event.rows.length }
    },
  }
}
