// One binlog row event → encrypted Kafka messages: the rule's plan maps each row, the
// target key comes from the rule (or the table's own primary key), a key-changing UPDATE
// becomes delete-old + upsert-new, and the encoder seals the chosen output format.
// A rule whose binary encoding differs from the reader's (hex or utf8 where the reader
// wrote base64) has its binary columns re-encoded before mapping, as the snapshot renders
// them; which columns are binary comes from a lookup loaded by `prepare()`.

import type { BinaryEncoding, RowEvent } from '@sync/binlog-reader'
import { type ChangeEncoder, type ChangeSource, changesFromRow } from '@sync/change-message'
import type { TableMatcher, TablePlan } from '@sync/table-matcher'
import type { BinaryColumnLookup } from './binary-columns.ts'
import type { OutMessage } from './delivery-loop.ts'
import { DeliveryError } from './errors.ts'
import { checkOptions, describe } from './options.ts'

export interface BuiltEvent {
  messages: OutMessage[]
  /** The rule that captured the table, or undefined when none did (rows skipped). */
  rule: string | undefined
  rows: number
}

export interface ChangeBuilder {
  /**
   * Undefined when `build(event)` can run now; else a promise that settles once it can (the
   * binary columns of a table whose rule re-encodes them are being read). Rejects with
   * DELIVERY_SCHEMA (retriable) when the catalog cannot be read.
   */
  prepare(event: RowEvent): Promise<void> | undefined
  /** Throws the matcher's errors (TM_AMBIGUOUS, TM_UNMAPPED_COLUMN …): the caller blocks on them. */
  build(event: RowEvent): BuiltEvent
}

export interface ChangeBuilderOptions {
  /** Binary columns per table; required once a rule's binary encoding differs from the reader's. */
  binaryColumns?: BinaryColumnLookup
  /** How the reader rendered binary values (its `binaryEncoding`). Default 'base64'. */
  readerBinaryEncoding?: BinaryEncoding
}

const encodings: readonly BinaryEncoding[] = ['base64', 'hex', 'utf8']

const headerOverhead = (h: Record<string, string>) => {
  let n = 0
  for (const k in h) n += k.length + (h[k] as string).length
  return n
}

export function createChangeBuilder(
  matcher: TableMatcher,
  encoder: ChangeEncoder,
  options: ChangeBuilderOptions = {},
): ChangeBuilder {
  checkOptions('createChangeBuilder', options, ['binaryColumns', 'readerBinaryEncoding'])
  const from = options.readerBinaryEncoding ?? 'base64'
  if (!encodings.includes(from)) {
    throw new DeliveryError(
      'DELIVERY_OPTIONS',
      `options.readerBinaryEncoding must be "base64", "hex" or "utf8", received ${describe(from)}`,
    )
  }
  if (from === 'utf8') {
    // utf8 text of arbitrary bytes cannot be turned back into the bytes
    throw new DeliveryError(
      'DELIVERY_OPTIONS',
      'options.readerBinaryEncoding "utf8" loses bytes; read with "base64" or "hex"',
    )
  }
  const lookup = options.binaryColumns
  const reencoding = (plan: TablePlan) => plan.binaryEncoding !== from

  const binaryColumnsOf = (plan: TablePlan): ReadonlySet<string> => {
    const columns = lookup?.get(plan.database, plan.table)
    if (columns !== undefined) return columns
    throw new DeliveryError(
      'DELIVERY_SCHEMA',
      lookup === undefined
        ? `rule "${plan.rule}" renders binary columns as ${plan.binaryEncoding}; the change builder needs options.binaryColumns`
        : `the binary columns of ${plan.database}.${plan.table} are not loaded: await prepare(event) before build(event)`,
      { database: plan.database, table: plan.table, retriable: false },
    )
  }

  const reencoder = (plan: TablePlan) => {
    const columns = [...binaryColumnsOf(plan)]
    if (columns.length === 0) return undefined
    const to = plan.binaryEncoding
    return (row: Record<string, unknown>): Record<string, unknown> => {
      const out = { ...row }
      for (const c of columns) {
        const v = out[c]
        if (typeof v !== 'string') continue
        const raw = Buffer.from(v, from)
        // text the reader could not have written for bytes (the column was not binary when
        // the row was: see binary-columns.ts) stays as it is rather than decoded to garbage
        if (raw.toString(from) === v) out[c] = raw.toString(to)
      }
      return out
    }
  }

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
    prepare(event) {
      if (lookup === undefined) return undefined
      let plan: TablePlan | undefined
      try {
        plan = matcher.match(event.database, event.table)
      } catch {
        return undefined // build() throws it, and the caller blocks on it
      }
      if (plan === undefined || !reencoding(plan) || lookup.get(event.database, event.table) !== undefined)
        return undefined
      return lookup.load(event.database, event.table).then(() => undefined)
    },
    build(event) {
      const plan = matcher.match(event.database, event.table)
      if (!plan) return { messages: [], rule: undefined, rows: event.rows.length }
      const p = keyedPlan(plan, event.primaryKey)
      const binary = reencoding(plan) ? reencoder(plan) : undefined
      const mapRow =
        binary === undefined
          ? (r: Record<string, unknown>) => p.mapRow(r)
          : (r: Record<string, unknown>) => p.mapRow(binary(r))
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
      // The headers of a message follow from its op and the event alone, so the rows of one
      // event share one frozen headers object per op, built once: the patched kafkajs encodes a headers
      // object shared by consecutive messages of a partition once (patches/, record v0).
      const shared: Record<
        'upsert' | 'delete',
        { headers: Record<string, string>; bytes: number } | undefined
      > = {
        upsert: undefined,
        delete: undefined,
      }
      const push = (mapped: { before?: Record<string, unknown>; after?: Record<string, unknown> }) => {
        for (const change of changesFromRow(event.kind, mapped, keyOf, source)) {
          const m = encoder.encodeBody(change)
          let h = shared[change.op]
          if (h === undefined) {
            const headers = Object.freeze(encoder.headers(change.op, source)) as Record<string, string>
            h = { headers, bytes: headerOverhead(headers) }
            shared[change.op] = h
          }
          messages.push({
            topic,
            key: m.key,
            value: m.value,
            headers: h.headers,
            bytes: m.key.length + m.value.length + h.bytes,
            rule: plan.rule,
            eventTime: event.timestamp,
          })
        }
      }
      if (event.kind === 'update') {
        for (const r of event.rows) push({ before: mapRow(r.before), after: mapRow(r.after) })
      } else if (event.kind === 'insert') {
        for (const r of event.rows) push({ after: mapRow(r) })
      } else {
        for (const r of event.rows) push({ before: mapRow(r) })
      }
      return { messages, rule: plan.rule, rows: event.rows.length }
    },
  }
}
