// The MySQL position modes run against the real MariaDB (which understands the same
// statements): the global lock with an account that has RELOAD, its refusal without it,
// and the table lock waiting for an open write transaction on the chunk's table.
import { comparePositions, createChangeDecoder, parsePosition } from '@sync/change-message'
import { connectMysql, createTestDatabase, registerCleanup, waitFor } from '@sync/test-kit'
import { expect, it } from 'vitest'
import { createSnapshotLoader, isSnapshotError } from '../../src/index.ts'
import {
  decodeBatchMessage,
  lockTablesAccount,
  matcherFor,
  recordingSink,
  sourceConnection,
  testCipher,
} from './helpers.ts'

async function masterStatus(conn: { query(sql: string): Promise<unknown> }) {
  const [rows] = (await conn.query('SHOW MASTER STATUS')) as [Array<{ File: string; Position: number }>]
  const row = rows[0] as { File: string; Position: number }
  return { file: row.File, pos: Number(row.Position) }
}

it('mysql-lock: every chunk is read under the global lock at a position between the run start and end', async () => {
  const db = await createTestDatabase('snap_ftwrl')
  await db.query('CREATE TABLE t (id INT PRIMARY KEY, v INT)')
  await db.query('INSERT INTO t SELECT seq, seq FROM seq_1_to_300')
  const before = await masterStatus(db.conn)
  const rec = recordingSink(2)
  const cipher = testCipher()
  const report = await createSnapshotLoader({
    connection: sourceConnection(),
    matcher: matcherFor(db.name),
    sink: rec.sink,
    cipher,
    chunkRows: 100,
    positionMode: 'mysql-lock',
  }).run({ table: { database: db.name, table: 't' } })
  const after = await masterStatus(db.conn)
  expect(report.tables[0]?.rows).toBe(300)
  const decoder = createChangeDecoder({ cipher })
  const dones = rec.sent
    .map((m) => decodeBatchMessage(decoder, cipher, { ...m, offset: '0' }))
    .filter((m) => m.control?.type === 'chunk-done' && m.partition === 0)
  expect(dones).toHaveLength(4) // 100, 100, 100, then an empty chunk that ends the table
  let previous = before
  for (const d of dones) {
    const p = parsePosition((d.control as { position: string }).position)
    if (p === undefined) throw new Error(`chunk-done without a position: ${d.plaintext}`)
    expect(comparePositions(p, previous)).toBeGreaterThanOrEqual(0)
    expect(comparePositions(p, after)).toBeLessThanOrEqual(0)
    previous = p
  }
})

it('mysql-lock without RELOAD: SNAP_POSITION from the server, nothing sent', async () => {
  const db = await createTestDatabase('snap_ftwrl_refused')
  await db.query('CREATE TABLE t (id INT PRIMARY KEY)')
  await db.query('INSERT INTO t VALUES (1)')
  const rec = recordingSink(1)
  const err = await createSnapshotLoader({
    connection: await lockTablesAccount(db.name),
    matcher: matcherFor(db.name),
    sink: rec.sink,
    cipher: testCipher(),
    positionMode: 'mysql-lock',
  })
    .run({ table: { database: db.name, table: 't' } })
    .catch((e: unknown) => e)
  expect(isSnapshotError(err) && [err.code, err.errno, err.retriable]).toEqual(['SNAP_POSITION', 1227, false])
  expect((err as Error).message).toContain("use positionMode 'mysql-table-lock'")
  expect(rec.sent).toEqual([])
})

it('mysql-table-lock: a chunk waits for an open write transaction on its table and then sees it', async () => {
  const db = await createTestDatabase('snap_table_lock')
  await db.query('CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(20))')
  await db.query("INSERT INTO t SELECT seq, 'old' FROM seq_1_to_50")
  const writer = await connectMysql({ database: db.name })
  registerCleanup(() => writer.end())
  const w = writer
  await w.query('BEGIN')
  await w.query("UPDATE t SET v = 'new' WHERE id = 7")

  const rec = recordingSink(1)
  const cipher = testCipher()
  const running = createSnapshotLoader({
    connection: await lockTablesAccount(db.name),
    matcher: matcherFor(db.name),
    sink: rec.sink,
    cipher,
    positionMode: 'mysql-table-lock',
  }).run({ table: { database: db.name, table: 't' } })
  running.catch(() => {})
  // the loader is queued on LOCK TABLES … READ behind the writer's metadata lock
  await waitFor(
    async () => {
      const [rows] = await w.query(
        "SELECT COUNT(*) AS n FROM information_schema.PROCESSLIST WHERE INFO LIKE 'LOCK TABLES%' AND STATE LIKE '%metadata lock%'",
      )
      return Number((rows as Array<{ n: number }>)[0]?.n) > 0
    },
    { what: 'the loader waiting for the table lock', timeoutMs: 10_000, intervalMs: 20 },
  )
  expect(rec.sent.filter((m) => m.partition === undefined)).toEqual([])
  await w.query('COMMIT')
  const [last] = await w.query('SELECT @@last_gtid AS g')
  const [domain, , seq] = ((last as Array<{ g: string }>)[0]?.g ?? '').split('-')

  await running
  const decoder = createChangeDecoder({ cipher })
  const decoded = rec.sent.map((m) => decodeBatchMessage(decoder, cipher, { ...m, offset: '0' }))
  expect(decoded.find((m) => m.row?.id === 7)?.row?.v).toBe('new')
  // S was read after the writer's commit: the GTID position at S includes its transaction
  const done = decoded.find((m) => m.control?.type === 'chunk-done')
  const s = done?.control?.type === 'chunk-done' ? parsePosition(done.control.position) : undefined
  if (s === undefined) throw new Error('chunk-done without a position')
  const [at] = await w.query('SELECT BINLOG_GTID_POS(?, ?) AS g', [s.file, s.pos])
  const covered = ((at as Array<{ g: string }>)[0]?.g ?? '')
    .split(',')
    .find((g) => g.startsWith(`${domain}-`))
  expect(Number(covered?.split('-')[2])).toBeGreaterThanOrEqual(Number(seq))
  expect(Number(seq)).toBeGreaterThan(0)
})
