// The handoff rule of the README, proved end to end: while a snapshot of two shards runs,
// another connection updates, deletes, re-keys and inserts rows. The batch topic (read back
// from Kafka) and the stream captured with @sync/binlog-reader from before the snapshot are
// merged with the rule, in an adversarial order (partitions interleaved at random, stream
// changes released as early as the rule allows), and the result must equal the source.
// Once with MariaDB's exact snapshot positions, once with the MySQL table-lock fallback.
import { createBinlogReader, type ReaderEvent } from '@sync/binlog-reader'
import {
  type BinlogPosition,
  changesFromRow,
  comparePositions,
  encodeKey,
  parsePosition,
} from '@sync/change-message'
import {
  connectMysql,
  createTestDatabase,
  createTestTopic,
  mysqlOptions,
  registerCleanup,
  waitFor,
} from '@sync/test-kit'
import { expect, it } from 'vitest'
import { createMemoryStateStore, createSnapshotLoader } from '../../src/index.ts'
import {
  type BatchMessage,
  canonicalGtid,
  gtidFromBinlog,
  gtidListPattern,
  kafkaSink,
  lockTablesAccount,
  matcherFor,
  readBatchTopic,
  sourceConnection,
  testCipher,
} from './helpers.ts'

interface StreamChange {
  end: BinlogPosition
  op: 'upsert' | 'delete'
  key: string
  row: Record<string, unknown>
}

function seeded(seed: number) {
  let s = seed >>> 0
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0
    return s / 2 ** 32
  }
}

async function handoff(positionMode: 'mariadb-status' | 'mysql-table-lock') {
  const db = await createTestDatabase('snap_handoff')
  for (const t of ['t_1', 't_2']) {
    await db.query(`CREATE TABLE ${t} (id INT PRIMARY KEY, val INT NOT NULL, note VARCHAR(30))`)
    await db.query(`INSERT INTO ${t} SELECT seq, seq, CONCAT('n', seq) FROM seq_1_to_1500`)
  }
  const topic = await createTestTopic('snap_handoff', 3)
  const matcher = matcherFor(db.name, { tablePattern: 't_\\d', batchTopic: topic })
  const cipher = testCipher()

  // The stream, from before the snapshot starts; each change stamped with its transaction's end
  const repl = mysqlOptions('repl')
  const reader = createBinlogReader({
    connection: {
      host: repl.host as string,
      port: repl.port as number,
      user: repl.user as string,
      password: repl.password as string,
    },
    serverId: 100_000 + Math.floor(Math.random() * 1_000_000),
    start: 'now',
    tables: { [db.name]: true },
    heartbeatMs: 1000,
  })
  registerCleanup(() => reader.stop())
  await reader.start()
  const stream: StreamChange[] = []
  let lastCommit: BinlogPosition | undefined
  const consume = (async () => {
    let open: Array<Omit<StreamChange, 'end'>> = []
    for await (const ev of reader as AsyncIterable<ReaderEvent>) {
      if (ev.kind === 'commit') {
        for (const c of open) stream.push({ ...c, end: ev.checkpoint })
        open = []
        lastCommit = ev.checkpoint
      } else if (ev.kind === 'reconnect') {
        open = []
      } else if (ev.kind === 'insert' || ev.kind === 'update' || ev.kind === 'delete') {
        const plan = matcher.match(ev.database, ev.table)
        if (!plan) continue
        const source = { database: ev.database, table: ev.table, kind: ev.kind }
        const images =
          ev.kind === 'update'
            ? ev.rows.map((r) => ({ before: plan.mapRow(r.before), after: plan.mapRow(r.after) }))
            : ev.kind === 'insert'
              ? ev.rows.map((r) => ({ after: plan.mapRow(r) }))
              : ev.rows.map((r) => ({ before: plan.mapRow(r) }))
        for (const img of images) {
          for (const c of changesFromRow(ev.kind, img, (r) => plan.keyOf(r), source)) {
            open.push({ op: c.op, key: encodeKey(c.key), row: c.row })
          }
        }
      }
    }
  })()
  consume.catch(() => {})

  // The workload, running for as long as the snapshot does
  const work = await connectMysql({ database: db.name })
  registerCleanup(() => work.end())
  const rnd = seeded(42)
  let running = true
  let statements = 0
  let nextId = 10_000
  const workload = (async () => {
    while (running) {
      const t = rnd() < 0.5 ? 't_1' : 't_2'
      const id = 1 + Math.floor(rnd() * 1500)
      const r = rnd()
      if (r < 0.45) await work.query(`UPDATE ${t} SET val = val + 1000, note = 'upd' WHERE id = ?`, [id])
      else if (r < 0.65) await work.query(`DELETE FROM ${t} WHERE id = ?`, [id])
      else if (r < 0.75) await work.query(`UPDATE ${t} SET id = ? WHERE id = ?`, [nextId++, id])
      else if (r < 0.9) await work.query(`INSERT IGNORE INTO ${t} VALUES (?, ?, 'ins')`, [id, -id])
      else {
        await work.query('BEGIN')
        await work.query(`UPDATE ${t} SET val = val + 1 WHERE id IN (?, ?)`, [id, 1 + ((id * 7) % 1500)])
        await work.query(`DELETE FROM ${t} WHERE id = ?`, [1 + ((id * 13) % 1500)])
        await work.query('COMMIT')
      }
      statements++
    }
  })()

  const sink = await kafkaSink()
  const stateStore = createMemoryStateStore()
  const loader = createSnapshotLoader({
    // table locks need no RELOAD: an account like a managed MySQL one (SELECT, LOCK TABLES)
    connection: positionMode === 'mysql-table-lock' ? await lockTablesAccount(db.name) : sourceConnection(),
    matcher,
    sink,
    cipher,
    stateStore,
    chunkRows: 50,
    sendBatchRows: 25,
    positionMode,
  })
  let report: Awaited<ReturnType<typeof loader.run>>
  try {
    report = await loader.run({ rule: 'r1', databases: [db.name] })
  } finally {
    running = false
    await workload
  }
  const statementsDuringSnapshot = statements
  // a last change after the snapshot, then wait for the stream to reach it
  await work.query("UPDATE t_1 SET note = 'after' WHERE id = (SELECT MIN(id) FROM (SELECT id FROM t_1) x)")
  const [status] = await work.query('SHOW MASTER STATUS')
  const final = {
    file: (status as Array<{ File: string }>)[0]?.File as string,
    pos: Number((status as Array<{ Position: number }>)[0]?.Position),
  }
  await waitFor(() => lastCommit !== undefined && comparePositions(lastCommit, final) >= 0, {
    what: 'the stream to reach the end of the workload',
    timeoutMs: 30_000,
  })
  await reader.stop()

  const batch = await readBatchTopic(topic, 3, cipher)
  const begin = batch.find((m) => m.control?.type === 'snapshot-begin') as BatchMessage
  const sBegin = parsePosition(begin.headers['sync-snapshot-pos'] as string) as BinlogPosition
  expect(report.startPosition).toBe(begin.headers['sync-snapshot-pos'])

  // The sinker's rule, merged adversarially
  const merge = (seed: number) => {
    const state = new Map<string, Record<string, unknown>>()
    let si = 0
    const applyStreamWhile = (ok: (c: StreamChange) => boolean) => {
      while (si < stream.length && ok(stream[si] as StreamChange)) {
        const c = stream[si++] as StreamChange
        if (c.op === 'delete') state.delete(c.key)
        else state.set(c.key, c.row)
      }
    }
    // before the snapshot opened, the stream flowed freely up to its start
    applyStreamWhile((c) => comparePositions(c.end, sBegin) <= 0)
    const queues = [0, 1, 2].map((p) => batch.filter((m) => m.partition === p))
    const doneSeen = new Map<string, Set<number>>()
    const endSeen = new Set<number>()
    let sLast: BinlogPosition | undefined
    const pick = seeded(seed)
    while (queues.some((q) => q.length > 0)) {
      const live = queues.filter((q) => q.length > 0)
      const m = (live[Math.floor(pick() * live.length)] as BatchMessage[]).shift() as BatchMessage
      if (m.row !== undefined) state.set(m.key, m.row)
      else if (m.control?.type === 'chunk-done') {
        const id = `${m.control.table}#${m.control.chunk}`
        const seen = doneSeen.get(id) ?? new Set<number>()
        seen.add(m.partition)
        doneSeen.set(id, seen)
        if (seen.size === 3) {
          const p = parsePosition(m.control.position) as BinlogPosition
          if (sLast === undefined || comparePositions(p, sLast) > 0) sLast = p
        }
      } else if (m.control?.type === 'snapshot-end') endSeen.add(m.partition)
      // release every held change the rule allows: its transaction ended at or before S_last
      if (endSeen.size === 3) applyStreamWhile(() => true)
      else if (sLast !== undefined) {
        const s = sLast
        applyStreamWhile((c) => comparePositions(c.end, s) <= 0)
      }
    }
    applyStreamWhile(() => true)
    return state
  }

  // The source, read directly
  const expected = new Map<string, Record<string, unknown>>()
  for (const t of ['t_1', 't_2']) {
    const rows = await db.query<Array<{ id: number; val: number; note: string | null }>>(
      `SELECT id, val, note FROM ${t}`,
    )
    for (const r of rows) {
      expected.set(JSON.stringify({ id: r.id, table_name: t }), {
        id: r.id,
        val: r.val,
        note: r.note,
        table_name: t,
      })
    }
  }

  expect(statementsDuringSnapshot).toBeGreaterThan(20)
  const chunkPositions = batch
    .filter((m) => m.control?.type === 'chunk-done')
    .map((m) => parsePosition((m.control as { position: string }).position) as BinlogPosition)
  const first = chunkPositions[0] as BinlogPosition
  const last = chunkPositions.at(-1) as BinlogPosition
  const during = stream.filter(
    (c) => comparePositions(c.end, first) > 0 && comparePositions(c.end, last) <= 0,
  )
  expect(during.length, 'stream changes committed between the first and the last chunk').toBeGreaterThan(10)

  for (const seed of [1, 2, 3]) {
    const merged = merge(seed)
    expect(merged.size, `rows after merge (seed ${seed})`).toBe(expected.size)
    expect(Object.fromEntries(merged)).toEqual(Object.fromEntries(expected))
  }

  // The test can fail: applying every snapshot row after the whole stream does not converge
  const naive = new Map<string, Record<string, unknown>>()
  for (const c of stream) c.op === 'delete' ? naive.delete(c.key) : naive.set(c.key, c.row)
  for (const m of batch) if (m.row !== undefined) naive.set(m.key, m.row)
  expect(Object.fromEntries(naive)).not.toEqual(Object.fromEntries(expected))

  // SHOW MASTER STATUS on MariaDB has no executed GTID set: table-lock positions are file:pos
  if (positionMode === 'mysql-table-lock') {
    expect(batch.filter((m) => m.headers['sync-gtid'] !== undefined)).toEqual([])
    return
  }
  // The GTID of every consistent read is the one MariaDB reports for that binlog offset,
  // both by BINLOG_GTID_POS and as worked out from the binlog's own GTID events
  const expectGtidAt = async (what: string, file: string, pos: number, gtid: string | undefined) => {
    expect(gtid, `${what}: a valid MariaDB GTID list`).toMatch(gtidListPattern)
    const [server] = (await work.query('SELECT BINLOG_GTID_POS(?, ?) AS g', [file, pos])) as unknown as [
      Array<{ g: string }>,
    ]
    expect(canonicalGtid(gtid as string), `${what}: BINLOG_GTID_POS(${file}, ${pos})`).toBe(
      canonicalGtid(server[0]?.g ?? '?'),
    )
    expect(canonicalGtid(gtid as string), `${what}: the binlog's GTID events before ${file}:${pos}`).toBe(
      await gtidFromBinlog(work, file, pos),
    )
  }
  await expectGtidAt('snapshot-begin', sBegin.file, sBegin.pos, begin.headers['sync-gtid'])
  expect(report.startGtid).toBe(begin.headers['sync-gtid'])
  const chunkGtid = new Map<string, string>()
  for (const m of batch) {
    if (m.control?.type !== 'chunk-done') continue
    const id = `${m.control.table}#${m.control.chunk}`
    const gtid = m.headers['sync-gtid'] as string
    const previous = chunkGtid.get(id)
    if (previous !== undefined) {
      expect(gtid, `${id}: the same GTID on every partition`).toBe(previous)
      continue
    }
    chunkGtid.set(id, gtid)
    const p = parsePosition(m.control.position) as BinlogPosition
    expect(m.headers['sync-binlog-file']).toBe(p.file)
    await expectGtidAt(`chunk ${id}`, p.file, p.pos, gtid)
  }
  expect(chunkGtid.size).toBe(report.tables.reduce((n, t) => n + t.chunks, 0))
  // the workload committed between chunks, so the GTIDs really differ from chunk to chunk
  expect(new Set(chunkGtid.values()).size).toBeGreaterThan(10)
  for (const m of batch) {
    if (m.row === undefined) continue
    const id = `${m.headers['sync-db']}.${m.headers['sync-table']}#${m.headers['sync-snapshot-chunk']}`
    expect(m.headers['sync-gtid'], `row ${m.key} carries its chunk's GTID`).toBe(chunkGtid.get(id))
  }
  // progress.gtid (saved state and report) is the GTID of each table's last chunk
  const saved = stateStore.current()
  for (const t of report.tables) {
    const lastChunk = chunkGtid.get(`${t.database}.${t.table}#${t.chunks}`)
    expect(saved?.tables[`${t.database}.${t.table}`]?.gtid).toBe(lastChunk)
    expect(t.gtid).toBe(lastChunk)
  }
}

it('stream changes and snapshot rows merged by the handoff rule equal the source (MariaDB status variables)', async () => {
  await handoff('mariadb-status')
})

// The MySQL fallback for accounts without FLUSH TABLES WITH READ LOCK: S is read under
// LOCK TABLES … READ of the chunk's table, so it is a lower bound of what the chunk sees.
it('the same holds with positions read under a table lock (mysql-table-lock, no RELOAD)', async () => {
  await handoff('mysql-table-lock')
})
