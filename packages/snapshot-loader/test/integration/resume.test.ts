// Interrupted snapshots continue from the last completed chunk: after a sink failure,
// after a cancellation through AbortSignal, with progress in a real state file.
import { mkdtemp, readFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createChangeDecoder } from '@sync/change-message'
import { createTestDatabase } from '@sync/test-kit'
import { expect, it } from 'vitest'
import {
  createFileStateStore,
  createSnapshotLoader,
  isSnapshotError,
  type SnapshotState,
} from '../../src/index.ts'
import { decodeBatchMessage, matcherFor, recordingSink, sourceConnection, testCipher } from './helpers.ts'

async function table(rows: number) {
  const db = await createTestDatabase('snap_resume')
  await db.query('CREATE TABLE t (id BIGINT UNSIGNED PRIMARY KEY, v INT)')
  // ids beyond 2^53 too: the saved chunk key must stay exact
  await db.query(`INSERT INTO t SELECT seq + 9007199254740000, seq FROM seq_1_to_${rows}`)
  return db
}

it('continues after a sink failure from the last acknowledged chunk, with every row and the same id', async () => {
  const db = await table(1000)
  const dir = await mkdtemp(join(tmpdir(), 'snap-'))
  const file = join(dir, 'state.json')
  const cipher = testCipher()
  const rec = recordingSink(2)
  const options = {
    connection: sourceConnection(),
    matcher: matcherFor(db.name),
    sink: rec.sink,
    cipher,
    chunkRows: 100,
    sendBatchRows: 50,
    checksum: true,
    stateStore: createFileStateStore(file),
  }
  rec.failAfterMessages(450)
  const err = await createSnapshotLoader(options)
    .run({ table: { database: db.name, table: 't' } })
    .catch((e: unknown) => e)
  expect(isSnapshotError(err) && err.code).toBe('SNAP_SINK')
  expect(isSnapshotError(err) && err.retriable).toBe(true)
  const saved = JSON.parse(await readFile(file, 'utf8')) as SnapshotState
  const progress = saved.tables[`${db.name}.t`]
  expect(progress?.done).toBe(false)
  expect(progress?.chunks).toBeGreaterThan(0)
  expect(progress?.rows).toBe((progress?.chunks ?? 0) * 100)
  const lastKey = progress?.lastKey?.[0]
  expect(lastKey && 's' in lastKey ? lastKey.s : undefined).toBe(
    String(9007199254740000n + BigInt(progress?.rows ?? 0)),
  )

  rec.failAfterMessages(undefined)
  const before = rec.sent.length
  const report = await createSnapshotLoader(options).run({ table: { database: db.name, table: 't' } })
  expect(report.resumed).toBe(true)
  expect(report.snapshotId).toBe(saved.snapshotId)
  expect(report.rowsThisRun).toBe(1000 - (progress?.rows ?? 0))
  expect(report.tables[0]?.rows).toBe(1000)

  const decoder = createChangeDecoder({ cipher })
  const decoded = rec.sent.map((m) => decodeBatchMessage(decoder, cipher, { ...m, offset: '0' }))
  const ids = new Set(decoded.filter((m) => m.row).map((m) => String(m.row?.id)))
  expect(ids.size).toBe(1000)
  // the second run starts at the chunk after the last acknowledged one
  const second = decoded.slice(before).filter((m) => m.control?.type === 'chunk-done' && m.partition === 0)
  expect(second[0]?.control?.type === 'chunk-done' && second[0].control.chunk).toBe(
    (progress?.chunks ?? 0) + 1,
  )
  const ends = decoded.filter((m) => m.control?.type === 'snapshot-end' && m.partition === 0)
  expect(ends).toHaveLength(1)
  expect(ends[0]?.control?.type === 'snapshot-end' && ends[0].control.counts).toEqual({
    [`${db.name}.t`]: 1000,
  })
  expect(decoded.filter((m) => m.control?.type === 'snapshot-begin')).toHaveLength(2) // once per partition

  // a finished snapshot run again sends nothing more
  const after = rec.sent.length
  const again = await createSnapshotLoader(options).run({ table: { database: db.name, table: 't' } })
  expect(rec.sent.length).toBe(after)
  expect(again.targets[0]?.rows).toBe(1000)
  expect(again.targets[0]?.checksum).toBe(report.targets[0]?.checksum)
})

it('stops on abort after the current chunk, reports progress, and resumes', async () => {
  // Reads run at most a few chunks ahead of acknowledged sends; with 3,000 rows in chunks of
  // 100 an abort after the second chunk can never let the whole table through.
  const db = await table(3000)
  const dir = await mkdtemp(join(tmpdir(), 'snap-'))
  const stateStore = createFileStateStore(join(dir, 'state.json'))
  const rec = recordingSink(1)
  const options = {
    connection: sourceConnection(),
    matcher: matcherFor(db.name),
    sink: rec.sink,
    cipher: testCipher(),
    chunkRows: 100,
    stateStore,
  }
  const controller = new AbortController()
  const seen: Array<{ rows: number; rowsPerSecond: number; etaSeconds: number | undefined; table: string }> =
    []
  const err = await createSnapshotLoader(options)
    .run(
      { table: { database: db.name, table: 't' } },
      {
        signal: controller.signal,
        onProgress: (p) => {
          seen.push(p)
          if (p.chunks === 2) controller.abort()
        },
      },
    )
    .catch((e: unknown) => e)
  expect(isSnapshotError(err) && err.code).toBe('SNAP_ABORTED')
  expect(seen[0]?.table).toBe(`${db.name}.t`)
  expect(seen[0]?.rows).toBe(100)
  expect(seen[0]?.rowsPerSecond).toBeGreaterThan(0)
  expect(seen[0]?.etaSeconds).toBeGreaterThanOrEqual(0)
  const saved = await stateStore.load()
  const rows = saved?.tables[`${db.name}.t`]?.rows ?? 0
  expect(rows).toBeGreaterThanOrEqual(200)
  expect(rows).toBeLessThan(3000)

  const report = await createSnapshotLoader(options).run({ table: { database: db.name, table: 't' } })
  expect(report.rowsThisRun).toBe(3000 - rows)
  expect(report.tables[0]?.rows).toBe(3000)
})

it('refuses saved progress of another scope or snapshot id (SNAP_STATE)', async () => {
  const db = await table(10)
  const dir = await mkdtemp(join(tmpdir(), 'snap-'))
  const stateStore = createFileStateStore(join(dir, 'state.json'))
  const rec = recordingSink(1)
  const base = {
    connection: sourceConnection(),
    matcher: matcherFor(db.name, { tablePattern: 't.*' }),
    sink: rec.sink,
    cipher: testCipher(),
    stateStore,
  }
  await createSnapshotLoader(base).run({ table: { database: db.name, table: 't' } }, { snapshotId: 'first' })
  const other = await createSnapshotLoader(base)
    .run({ rule: 'r1' })
    .catch((e: unknown) => e)
  expect(isSnapshotError(other) && other.code).toBe('SNAP_STATE')
  const otherId = await createSnapshotLoader(base)
    .run({ table: { database: db.name, table: 't' } }, { snapshotId: 'second' })
    .catch((e: unknown) => e)
  expect(isSnapshotError(otherId) && otherId.code).toBe('SNAP_STATE')
})
