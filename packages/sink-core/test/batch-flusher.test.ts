import type { Producer } from 'kafkajs'
import { describe, expect, it } from 'vitest'
import { createBatchFlusher, type FlushWorker, type StopReason } from '../src/batch-flusher.ts'
import { decodeBatchPlan, decodeSnapshotProgress, encodeCommitMetadata } from '../src/batch-plan.ts'
import { type Batch, type BatchEntry, createBatcher } from '../src/batcher.ts'
import { deadLetterHeaders } from '../src/dead-letters.ts'
import { SinkError } from '../src/errors.ts'
import { tableLabel } from '../src/label.ts'
import { noopSinkMetrics, type SinkCounter } from '../src/metrics.ts'
import type { BufferedRow, LoadOutcome, LoadTarget } from '../src/types.ts'

const origin = (offset: number) => ({
  topic: 't',
  partition: 0,
  offset: String(offset),
  key: null,
  value: Buffer.from(`sealed ${offset}`),
  headers: {},
})
const row = (offset: number, table: string): BatchEntry => ({
  kind: 'row',
  row: {
    table,
    op: 'upsert',
    row: { id: offset },
    rowJson: `{"id":${offset}}`,
    bytes: 10,
    origin: origin(offset),
  },
})

/** One batch [5..8]: rows of two tables and a message that could not be read. */
function batchOf(): Batch {
  const b = createBatcher({
    topic: 't',
    partition: 0,
    committed: 5n,
    plan: undefined,
    labelPrefix: 'p',
    rows: 1000,
    bytes: 1_000_000,
    intervalMs: 1000,
  })
  b.add(5n, row(5, 'a'), 0)
  b.add(6n, { kind: 'dead', dead: { origin: origin(6), code: 'CM_PARSE', message: 'bad json' }, bytes: 5 }, 0)
  b.add(7n, row(7, 'b'), 0)
  b.add(8n, row(8, 'a'), 0)
  return b.cutNow()!
}

function counter() {
  const c: SinkCounter & { n: number } = {
    n: 0,
    inc(_labels, by = 1) {
      c.n += by
    },
  }
  return c
}

function setup(
  o: { failLoads?: Record<string, number>; failWith?: () => Error; current?: () => boolean } = {},
) {
  const steps: string[] = []
  const loads: Array<{ table: string; label: string; ids: unknown[] }> = []
  const fails = { ...o.failLoads }
  const target: LoadTarget = {
    kind: 'starrocks',
    async load(table: string, label: string, rows: readonly BufferedRow[]): Promise<LoadOutcome> {
      steps.push(`load ${table}`)
      if ((fails[table] ?? 0) > 0) {
        fails[table]! -= 1
        throw o.failWith?.() ?? new Error(`load of ${table} failed`)
      }
      loads.push({ table, label, ids: rows.map((r) => r.row.id) })
      return { loadedRows: rows.length, loadedBytes: 10 * rows.length, rejected: [] }
    },
    close: async () => {},
  }
  const sent: Array<{ topic: string; messages: Array<{ headers: Record<string, string> }> }> = []
  const producer = {
    async send(record: { topic: string; messages: Array<{ headers: Record<string, string> }> }) {
      steps.push('dead letters')
      sent.push(record)
      return []
    },
  } as unknown as Producer
  const commits: Array<{ offset: bigint; metadata: string | null }> = []
  const applied: bigint[] = []
  const stops: StopReason[] = []
  const metrics = { ...noopSinkMetrics, retries: counter(), abandoned: counter() }
  const flusher = createBatchFlusher<FlushWorker>({
    target,
    producer,
    deadLetterTopic: 'dlq',
    minTableIntervalMs: 0,
    logger: { debug() {}, info() {}, warn() {}, error() {} },
    metrics,
    now: () => 1_000,
    isCurrent: o.current ?? (() => true),
    commit: async (_w, offset, metadata, done) => {
      steps.push(done ? `commit ${offset}` : `plan ${offset}`)
      commits.push({ offset, metadata })
    },
    onApplied: (_w, next) => applied.push(next),
    onStopped: (_w, reason) => stops.push(reason),
    sleep: async () => {},
  })
  return { flusher, steps, loads, sent, commits, applied, metrics, stops }
}

describe('flushing one batch', () => {
  it('commits the plan, sends dead letters, loads each table under its label, then commits last+1', async () => {
    const s = setup()
    const batch = batchOf()
    await s.flusher.flush({ topic: 't', partition: 0 }, batch)

    expect(s.steps).toEqual(['plan 5', 'dead letters', 'load a', 'load b', 'commit 9'])
    expect(decodeBatchPlan(s.commits[0]!.metadata)).toEqual({ last: '8', label: batch.label })
    expect(s.loads).toEqual([
      { table: 'a', label: tableLabel(batch.label, 'a', 2), ids: [5, 8] },
      { table: 'b', label: tableLabel(batch.label, 'b', 2), ids: [7] },
    ])
    expect(s.sent[0]!.topic).toBe('dlq')
    expect(s.sent[0]!.messages[0]!.headers[deadLetterHeaders.offset]).toBe('6')
    expect(s.applied).toEqual([9n])
  })

  it('retries from the failed step: the plan is committed once and a loaded table is not loaded again', async () => {
    const s = setup({ failLoads: { b: 2 } })
    const w: FlushWorker = { topic: 't', partition: 0 }
    await s.flusher.flush(w, batchOf())

    expect(s.steps.filter((x) => x.startsWith('plan'))).toEqual(['plan 5'])
    expect(s.steps.filter((x) => x === 'dead letters')).toHaveLength(1)
    expect(s.loads.map((l) => l.table)).toEqual(['a', 'b'])
    expect(s.steps.filter((x) => x === 'load b')).toHaveLength(3)
    expect(s.metrics.retries.n).toBe(2)
    expect(s.commits.at(-1)).toEqual({ offset: 9n, metadata: null })
    expect(w.failingSince).toBeUndefined()
  })

  it('abandons the batch once the partition is revoked: nothing is loaded or committed after the plan', async () => {
    let current = true
    const s = setup({ current: () => current })
    const batch = batchOf()
    const flushing = s.flusher.flush({ topic: 't', partition: 0 }, batch)
    current = false
    await flushing

    expect(s.steps).toEqual(['plan 5', 'dead letters'])
    expect(s.applied).toEqual([])
    expect(s.metrics.abandoned.n).toBe(1)
  })

  // Root cause of a partition retried forever: every failed flush was retried with backoff,
  // whatever the error, so a table without a primary key on the MySQL target or a missing
  // column list spun for good and /healthz only turned red a minute later.
  it.each([
    [
      'retriable: false',
      () => new SinkError('SINK_SCHEMA', 'table b has no primary key: cannot delete by key', { table: 'b' }),
      'SINK_SCHEMA',
    ],
    [
      'a programmer error',
      () => new TypeError("Cannot read properties of undefined (reading 'id')"),
      'TypeError',
    ],
  ])(
    'stops the partition on %s: no retry, nothing committed after the plan, later batches not loaded',
    async (_what, failWith, code) => {
      const s = setup({ failLoads: { b: 100 }, failWith })
      const w: FlushWorker = { topic: 't', partition: 0 }
      const batch = batchOf()
      await s.flusher.flush(w, batch)

      expect(s.steps).toEqual(['plan 5', 'dead letters', 'load a', 'load b'])
      expect(s.metrics.retries.n).toBe(0)
      expect(s.applied).toEqual([])
      expect(s.stops).toHaveLength(1)
      expect(s.stops[0]).toMatchObject({ code, table: 'b', label: batch.label, first: 5n, since: 1_000 })
      expect(s.stops[0]!.message).toBe(failWith().message)
      expect(w.stopped).toBe(s.stops[0])

      // the next batch of the partition is not loaded (committing it would skip the failed one)
      await s.flusher.flush(w, batchOf())
      expect(s.steps).toHaveLength(4)
      expect(s.metrics.abandoned.n).toBe(1)
      expect(s.stops).toHaveLength(1)
    },
  )

  it('writes the partition snapshot progress into both commits: before the batch, then after it', async () => {
    const s = setup()
    const b = createBatcher({
      topic: 't',
      partition: 0,
      committed: 5n,
      plan: undefined,
      labelPrefix: 'p',
      rows: 1000,
      bytes: 1_000_000,
      intervalMs: 1000,
    })
    b.add(5n, row(5, 'a'), 0)
    const done = b.add(
      6n,
      {
        kind: 'control',
        table: 'a',
        control: {
          type: 'chunk-done',
          snapshotId: 's1',
          target: 'a',
          table: 'a',
          chunk: 2,
          position: 'f.1:9',
          rows: 1,
        },
        bytes: 5,
      },
      0,
    )!
    const w: FlushWorker = {
      topic: 't',
      partition: 0,
      progress: [{ table: 'a', snapshotId: 's1', startedAt: 7 }],
    }
    await s.flusher.flush(w, done)

    expect(decodeSnapshotProgress(s.commits[0]!.metadata)).toEqual([
      { table: 'a', snapshotId: 's1', startedAt: 7 },
    ])
    const after = [{ table: 'a', snapshotId: 's1', startedAt: 7, position: 'f.1:9' }]
    expect(s.commits[1]).toEqual({ offset: 7n, metadata: encodeCommitMetadata(undefined, after) })
    expect(w.progress).toEqual(after)
  })
})
