// Positions and liveness: restarts from checkpoints, a killed dump connection, a stalled
// peer, a purged binlog and a server_id collision, against the stack's MariaDB.
import { connectMysql, createTestDatabase, readStackEnv, registerCleanup, waitFor } from '@sync/test-kit'
import { describe, expect, it } from 'vitest'
import type { BinlogPosition, ReaderEvent, ReconnectEvent } from '../../src/index.ts'
import {
  collectUntil,
  commits,
  expectReplayOfInFlightOnly,
  openReader,
  replConnection,
  rowsOf,
  sleep,
  uniqueServerId,
} from './helpers.ts'
import { startFreezingProxy } from './tcp-proxy.ts'

async function readUntilCheckpoint(db: { name: string; query: (sql: string) => Promise<unknown> }) {
  const reader = openReader(db.name)
  await reader.start()
  await db.query('INSERT INTO t VALUES (1)')
  await collectUntil(reader, (ev) => commits(ev) >= 1)
  const checkpoint = reader.checkpoint() as BinlogPosition
  await reader.stop()
  return checkpoint
}

describe('binlog reader positions and liveness', () => {
  it('restarts from a file/pos checkpoint and from a GTID checkpoint with no gap and no replay', async () => {
    const db = await createTestDatabase('br_restart')
    await db.query('CREATE TABLE t (id INT PRIMARY KEY)')
    const checkpoint = await readUntilCheckpoint(db)
    expect(checkpoint.gtid).toMatch(/^\d+-\d+-\d+$/)
    await db.query('INSERT INTO t VALUES (2)')
    await db.query('INSERT INTO t VALUES (3)')
    for (const start of [
      { file: checkpoint.file, pos: checkpoint.pos },
      { gtid: checkpoint.gtid as string },
    ]) {
      const reader = openReader(db.name, { start })
      await reader.start()
      const events = await collectUntil(reader, (ev) => rowsOf(ev).length >= 2)
      expect(rowsOf(events)).toEqual([{ id: 2 }, { id: 3 }])
      await reader.stop()
    }
  })

  it('replays exactly the transaction in flight after its dump connection is killed mid-transaction', async () => {
    const db = await createTestDatabase('br_kill')
    await db.query('CREATE TABLE t (id INT PRIMARY KEY, pad VARCHAR(100))')
    const reader = openReader(db.name, { highWaterMark: 1000, reconnect: { initialDelayMs: 50 } })
    await reader.start()
    // ~24 MB in the middle transaction: more than the socket buffers hold, so it is still
    // being sent when the connection dies
    const big = 200_000
    await db.query("INSERT INTO t VALUES (1, 'first')")
    await db.query(`INSERT INTO t SELECT seq, REPEAT('x', 100) FROM seq_2_to_${big + 1}`)
    await db.query(`INSERT INTO t VALUES (${big + 2}, 'last')`)
    const transactions = [[1], Array.from({ length: big }, (_, i) => i + 2), [big + 2]]

    // hold the consumer inside the big transaction: it stops pulling, the socket pauses
    const before = await collectUntil(reader, (ev) => rowsOf(ev).some((r) => r.id === 2))
    await waitFor(() => reader.stats().paused, { timeoutMs: 10_000, what: 'the socket paused' })
    const killed = reader.stats().dumpThreadId
    expect(killed).toBeGreaterThan(0)
    await db.query(`KILL ${Number(killed)}`)
    await sleep(500)
    const after = await collectUntil(
      reader,
      (ev) => ev.at(-1)?.kind === 'commit' && rowsOf(ev).at(-1)?.id === big + 2,
      60_000,
      'the last row and its commit',
    )
    const events = [...before, ...after]
    const reconnect = events.find((e): e is ReconnectEvent => e.kind === 'reconnect')
    expect(reconnect?.error.code).toBe('BINLOG_CONNECTION')
    // it resumes from the commit of the first transaction, the last one completed
    const firstCommit = events.find((e) => e.kind === 'commit')
    expect(firstCommit && 'checkpoint' in firstCommit && firstCommit.checkpoint).toEqual(reconnect?.position)
    // rows 1 and last once; the big transaction: a partial copy before the reconnect, then whole
    const { inFlight, prefix } = expectReplayOfInFlightOnly(events, transactions)
    expect(inFlight).toBe(1)
    expect(prefix).toBeGreaterThan(0)
    expect(prefix).toBeLessThan(big)
    // the reconnect event tells a buffering consumer to drop that partial copy: it follows it
    const at = events.indexOf(reconnect as ReaderEvent)
    expect(events.slice(0, at).filter((e) => e.kind === 'begin')).toHaveLength(2)
    expect(events.slice(0, at).filter((e) => e.kind === 'commit')).toHaveLength(1)
    expect(reader.stats().dumpThreadId).not.toBe(killed)
    expect(reader.stats().reconnects).toBe(1)
    // the old dump thread is gone
    const [dumps] = await db.query<Array<{ n: number }>>(
      `SELECT COUNT(*) AS n FROM information_schema.PROCESSLIST WHERE ID = ${Number(killed)}`,
    )
    expect(Number(dumps?.n)).toBe(0)
  })

  it('detects a stalled connection through heartbeats and resumes on a new one', async () => {
    const db = await createTestDatabase('br_stall')
    await db.query('CREATE TABLE t (id INT PRIMARY KEY)')
    const env = readStackEnv()
    const proxy = await startFreezingProxy(env.mysql.host, env.mysql.port)
    registerCleanup(() => proxy.close())
    const reader = openReader(db.name, {
      connection: { ...replConnection(), host: '127.0.0.1', port: proxy.port },
      heartbeatMs: 300,
      stallTimeoutMs: 1200,
      reconnect: { initialDelayMs: 50 },
    })
    await reader.start()
    await db.query('INSERT INTO t VALUES (1)')
    await collectUntil(reader, (ev) => rowsOf(ev).length >= 1)
    // idle for longer than the stall timeout: heartbeats keep the connection alive
    await new Promise((r) => setTimeout(r, 2000))
    expect(reader.stats().reconnects).toBe(0)
    proxy.freeze()
    await db.query('INSERT INTO t VALUES (2)')
    const events = await collectUntil(reader, (ev) => rowsOf(ev).length >= 1, 20_000, 'row 2 after the stall')
    const reconnect = events.find((e): e is ReconnectEvent => e.kind === 'reconnect')
    expect(reconnect?.error.code).toBe('BINLOG_STALLED')
    expect(rowsOf(events)).toEqual([{ id: 2 }])
  })

  it('fails with BINLOG_PURGED, naming the position and the remedy, when the binlog was purged', async () => {
    const db = await createTestDatabase('br_purged')
    await db.query('CREATE TABLE t (id INT PRIMARY KEY)')
    const checkpoint = await readUntilCheckpoint(db)
    await db.query('INSERT INTO t VALUES (2)')
    const admin = await connectMysql()
    registerCleanup(() => admin.end())
    await admin.query('FLUSH BINARY LOGS')
    const [status] = (await admin.query('SHOW MASTER STATUS')) as unknown as [Array<{ File: string }>]
    const current = status[0]?.File as string
    // a reader elsewhere may still be finishing the old file; the purge skips files in use
    for (let i = 0; ; i++) {
      await admin.query(`PURGE BINARY LOGS TO '${current}'`)
      const [logs] = (await admin.query('SHOW BINARY LOGS')) as unknown as [Array<{ Log_name: string }>]
      if (!logs.some((l) => l.Log_name === checkpoint.file)) break
      if (i > 50) throw new Error(`${checkpoint.file} stayed in use`)
      await new Promise((r) => setTimeout(r, 200))
    }

    const byFile = openReader(db.name, { start: { file: checkpoint.file, pos: checkpoint.pos } })
    const error = await byFile.start().then(
      () => undefined,
      (e: unknown) => e,
    )
    expect(error).toMatchObject({ code: 'BINLOG_PURGED', retriable: false, binlogFile: checkpoint.file })
    expect(String((error as Error).message)).toContain(`${checkpoint.file}:${checkpoint.pos}`)
    expect(String((error as Error).message)).toMatch(/new snapshot/)

    const byGtid = openReader(db.name, { start: { gtid: checkpoint.gtid as string } })
    await byGtid.start()
    const streamed = await collectUntil(byGtid, () => false, 15_000).then(
      () => undefined,
      (e: unknown) => e,
    )
    expect(streamed).toMatchObject({ code: 'BINLOG_PURGED', retriable: false, errno: 1236 })
    expect(String((streamed as Error).message)).toContain(checkpoint.gtid as string)
    expect(byGtid.stats().state).toBe('failed')
  })

  it('stops with BINLOG_SERVER_ID_CONFLICT when another reader takes its server_id', async () => {
    const db = await createTestDatabase('br_serverid')
    await db.query('CREATE TABLE t (id INT PRIMARY KEY)')
    const serverId = uniqueServerId()
    const first = openReader(db.name, { serverId })
    await first.start()
    await db.query('INSERT INTO t VALUES (1)')
    await collectUntil(first, (ev) => rowsOf(ev).length >= 1)
    const second = openReader(db.name, { serverId })
    await second.start()
    const error = await collectUntil(first, () => false, 15_000).then(
      (events: ReaderEvent[]) => events,
      (e: unknown) => e,
    )
    expect(error).toMatchObject({ code: 'BINLOG_SERVER_ID_CONFLICT', retriable: false, serverId })
    expect(first.stats().reconnects).toBe(0)
    // the newcomer keeps streaming
    await db.query('INSERT INTO t VALUES (2)')
    const events = await collectUntil(second, (ev) => rowsOf(ev).length >= 1)
    expect(rowsOf(events)).toEqual([{ id: 2 }])
  })
})
