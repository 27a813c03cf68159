// zongji's stop() half-closes the dump connection: packets already buffered still parse and
// emit errors ("reading 'config'") after it returns, and its KILL of the dump thread is
// skipped when its control link is gone. A stop() in the middle of a catch-up replay must
// surface none of that, leave no dump thread behind, and a restart from the checkpoint
// must continue right after the last transaction the consumer saw committed.
import { connectMysql, createTestDatabase, readStackEnv, registerCleanup, waitFor } from '@sync/test-kit'
import { expect, it } from 'vitest'
import type { BinlogPosition, ReaderEvent } from '../../src/index.ts'
import { collectUntil, openReader, replConnection, rowsOf, sleep } from './helpers.ts'
import { startFreezingProxy } from './tcp-proxy.ts'

it('surfaces no error after stop() mid catch-up and leaves no dump thread behind', async () => {
  const db = await createTestDatabase('br_stop')
  await db.query('CREATE TABLE t (id INT PRIMARY KEY, pad VARCHAR(100))')
  const [status] = await db.query<Array<{ File: string; Position: number }>>('SHOW MASTER STATUS')
  // ~36 MB of binlog to replay: 30 transactions of 10,000 rows
  for (let k = 0; k < 30; k++) {
    await db.query(
      `INSERT INTO t SELECT seq, REPEAT('p', 100) FROM seq_${k * 10_000 + 1}_to_${(k + 1) * 10_000}`,
    )
  }
  const problems: string[] = []
  let stopped = false
  const note = (what: string) => {
    if (stopped) problems.push(what)
  }
  const reader = openReader(db.name, {
    start: { file: status?.File as string, pos: Number(status?.Position) },
    logger: {
      debug() {},
      info() {},
      warn: (m) => note(`warn: ${m}`),
      error: (m) => note(`error: ${m}`),
    },
    metrics: {
      increment: (name, _by, labels) => {
        if (name === 'binlog_errors_total' || name === 'binlog_reconnects_total')
          note(`${name} ${labels?.code}`)
      },
      gauge() {},
    },
  })
  await reader.start()
  const seen = await collectUntil(reader, (ev) => rowsOf(ev).length >= 55_000, 60_000)
  const checkpoint = reader.checkpoint() as BinlogPosition
  const dumpThread = reader.stats().dumpThreadId
  expect(dumpThread).toBeGreaterThan(0)
  // stop with the socket full and the queue holding undelivered rows
  expect(reader.stats().queuedRows).toBeGreaterThan(0)
  stopped = true
  await reader.stop()

  const admin = await connectMysql()
  registerCleanup(() => admin.end())
  await waitFor(
    async () => {
      const [rows] = await admin.query(
        `SELECT COUNT(*) AS n FROM information_schema.PROCESSLIST WHERE ID = ?`,
        [dumpThread],
      )
      return Number((rows as Array<{ n: number }>)[0]?.n) === 0
    },
    { timeoutMs: 2000, intervalMs: 50, what: `dump thread ${dumpThread} to end` },
  )
  // anything the half-closed connection still parses would show up in this window
  await sleep(1500)
  expect(problems).toEqual([])
  expect(reader.stats().state).toBe('stopped')
  await expect(reader[Symbol.asyncIterator]().next()).resolves.toEqual({ value: undefined, done: true })

  // the consumer saw commits up to `checkpoint`: a restart continues with the next transaction
  const committedRows = rowsOf(
    seen.slice(
      0,
      seen.findLastIndex((e: ReaderEvent) => e.kind === 'commit'),
    ),
  )
  const lastCommittedId = committedRows.at(-1)?.id as number
  expect(lastCommittedId % 10_000).toBe(0)
  const again = openReader(db.name, { start: { file: checkpoint.file, pos: checkpoint.pos } })
  await again.start()
  const resumed = await collectUntil(again, (ev) => rowsOf(ev).length > 0)
  expect(resumed[0]?.kind).toBe('begin')
  expect(rowsOf(resumed)[0]?.id).toBe(lastCommittedId + 1)
})

it('stays stopped, with no connection left, when stop() lands while a reconnect is connecting', async () => {
  const db = await createTestDatabase('br_stop_reconnect')
  await db.query('CREATE TABLE t (id INT PRIMARY KEY)')
  const env = readStackEnv()
  const proxy = await startFreezingProxy(env.mysql.host, env.mysql.port)
  registerCleanup(() => proxy.close())
  const delays: number[] = []
  let stopping: Promise<void> | undefined
  const reader = openReader(db.name, {
    connection: { ...replConnection(), host: '127.0.0.1', port: proxy.port },
    reconnect: { initialDelayMs: 100 },
    clock: {
      now: () => Date.now(),
      async sleep(ms) {
        delays.push(ms)
        await sleep(ms)
        // the reconnect now dials through the slow proxy: stop in the middle of it
        setTimeout(() => {
          stopping = reader.stop()
        }, 150)
      },
    },
  })
  await reader.start()
  await db.query('INSERT INTO t VALUES (1)')
  await collectUntil(reader, (ev) => rowsOf(ev).length >= 1)
  const killed = reader.stats().dumpThreadId
  proxy.connectDelayMs = 500
  await db.query(`KILL ${Number(killed)}`)
  await waitFor(() => stopping !== undefined, { timeoutMs: 10_000, what: 'stop() during the reconnect' })
  await stopping
  // the backoff came through the injected clock: attempt 1 is within [initial / 2, initial]
  expect(delays).toHaveLength(1)
  expect(delays[0]).toBeGreaterThanOrEqual(50)
  expect(delays[0]).toBeLessThanOrEqual(100)
  // whatever the reconnect opened after stop() is closed again, and nothing restarts
  await waitFor(() => proxy.openConnections() === 0, {
    timeoutMs: 5000,
    what: 'no connection through the proxy',
  })
  await sleep(1000)
  expect(proxy.openConnections()).toBe(0)
  expect(reader.stats().state).toBe('stopped')
})
