// Regression: the JSON-column lookup in the catalog (MariaDB stores JSON as LONGTEXT with a
// json_valid CHECK) runs with the binlog socket paused, and the stall watchdog skips paused
// sessions, so a lookup that never answered hung the reader silently. It now has a deadline
// (stallTimeoutMs) that fails the session with a retriable error and reconnects.
import { createTestDatabase, readStackEnv, registerCleanup } from '@sync/test-kit'
import { expect, it } from 'vitest'
import { type ReconnectEvent, stringifyValue } from '../../src/index.ts'
import { collectUntil, openReader, replConnection, rowsOf } from './helpers.ts'
import { startFreezingProxy } from './tcp-proxy.ts'

it('reconnects when the catalog lookup of JSON columns gets no answer', async () => {
  const db = await createTestDatabase('br_catalog')
  await db.query('CREATE TABLE t (id INT PRIMARY KEY, doc LONGTEXT CHECK (json_valid(doc)))')
  const env = readStackEnv()
  const proxy = await startFreezingProxy(env.mysql.host, env.mysql.port)
  registerCleanup(() => proxy.close())
  const reader = openReader(db.name, {
    connection: { ...replConnection(), host: '127.0.0.1', port: proxy.port },
    heartbeatMs: 300,
    stallTimeoutMs: 1500,
    reconnect: { initialDelayMs: 50 },
  })
  await reader.start()
  // the control connection that sends the lookup goes silent; the binlog connection does not
  proxy.freezeWhenClientSends(/DATA_TYPE = 'json'/)
  const started = Date.now()
  await db.query(`INSERT INTO t VALUES (1, '{"a": [1, 2.50]}')`)
  const events = await collectUntil(
    reader,
    (ev) => rowsOf(ev).length >= 1,
    20_000,
    'the row after the lookup',
  )
  const reconnect = events.find((e): e is ReconnectEvent => e.kind === 'reconnect')
  expect(reconnect?.error).toMatchObject({
    code: 'BINLOG_STALLED',
    retriable: true,
    database: db.name,
    table: 't',
  })
  expect(reconnect?.error.message).toMatch(/catalog lookup of JSON columns/)
  expect(Date.now() - started).toBeGreaterThanOrEqual(1500)
  // the second session's lookup answered: the column is rendered as JSON, not as text
  const [row] = rowsOf(events)
  expect(stringifyValue(row?.doc ?? null)).toBe('{"a":[1,2.5]}')
  expect(reader.stats().reconnects).toBe(1)
})
