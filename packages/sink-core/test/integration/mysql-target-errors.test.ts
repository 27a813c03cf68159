// Which MySQL target errors stop a partition. Root cause of a partition retried forever: the
// target threw MariaDB's errors as mysql2 raised them, without `retriable`, and the sinker
// retries whatever is not marked `retriable: false`, so an unknown table or column, a missing
// grant or a wrong password was retried with backoff for ever. Now a permanent server error
// carries `retriable: false` and its own code; lock waits and deadlocks stay retriable.
import { type AddressInfo, createServer } from 'node:net'
import { createMysqlTarget, createSchemaReader, isRetriable, rootCode } from '@sync/sink-core'
import { connectMysql, createTestDatabase, mysqlOptions, registerCleanup, uniqueName } from '@sync/test-kit'
import mysql, { type PoolOptions } from 'mysql2/promise'
import { describe, expect, it } from 'vitest'
import { bufferedRows, upsert } from '../fixtures/rows.ts'

const rows = bufferedRows('t1', [upsert({ id: 1, b: 'x' }), upsert({ id: 2, b: 'y' })])

function targetOn(
  database: string,
  overrides: Record<string, { columns?: string[] }> = {},
  options: PoolOptions = {},
) {
  const pool = mysql.createPool({ ...mysqlOptions('admin'), database, connectionLimit: 2, ...options })
  const target = createMysqlTarget({ pool, schemas: createSchemaReader(pool, database, overrides) })
  registerCleanup(() => target.close())
  return target
}

/** The error a load throws, as the sinker judges it. */
async function loadError(load: Promise<unknown>) {
  const err = await load.then(
    () => {
      throw new Error('the load succeeded')
    },
    (e: unknown) => e as Error & { code?: string; errno?: number; retriable?: boolean },
  )
  return { code: rootCode(err), errno: err.errno, retriable: isRetriable(err), flag: err.retriable, err }
}

describe('MySQL target errors', () => {
  it('an unknown table is not retriable, whether it never existed or was dropped after its schema was read', async () => {
    const db = await createTestDatabase('sinkerr')
    const target = targetOn(db.name)
    expect(await loadError(target.load('t1', 'l', rows))).toMatchObject({
      code: 'ER_NO_SUCH_TABLE',
      errno: 1146,
      retriable: false,
    })

    await db.query('CREATE TABLE t1 (id BIGINT PRIMARY KEY, b VARCHAR(8) NOT NULL)')
    expect((await target.load('t1', 'l', rows)).loadedRows).toBe(2)
    await db.query('DROP TABLE t1')
    expect(await loadError(target.load('t1', 'l', rows))).toMatchObject({
      code: 'ER_NO_SUCH_TABLE',
      errno: 1146,
      retriable: false,
    })
  })

  it('an unknown column from the configured column list is not retriable', async () => {
    const db = await createTestDatabase('sinkerr')
    await db.query('CREATE TABLE t1 (id BIGINT PRIMARY KEY, b VARCHAR(8) NOT NULL)')
    const target = targetOn(db.name, { t1: { columns: ['id', 'b', 'gone'] } })
    const withGone = bufferedRows('t1', [upsert({ id: 1, b: 'x', gone: 1 })])
    expect(await loadError(target.load('t1', 'l', withGone))).toMatchObject({
      code: 'ER_BAD_FIELD_ERROR',
      errno: 1054,
      retriable: false,
    })
    expect(await db.query('SELECT * FROM t1')).toEqual([])
  })

  it('a missing grant and a wrong password are not retriable, and the password is not in the error', async () => {
    const db = await createTestDatabase('sinkerr')
    await db.query('CREATE TABLE t1 (id BIGINT PRIMARY KEY, b VARCHAR(8) NOT NULL)')
    const user = uniqueName('ro').slice(0, 32)
    const password = `pw-${process.pid}-not-shown`
    const admin = await connectMysql()
    registerCleanup(async () => {
      await admin.query(`DROP USER IF EXISTS '${user}'@'%'`)
      await admin.end()
    })
    await admin.query(`CREATE USER '${user}'@'%' IDENTIFIED BY '${password}'`)
    await admin.query(`GRANT SELECT ON \`${db.name}\`.* TO '${user}'@'%'`)

    const readOnly = targetOn(db.name, {}, { user, password })
    expect(await loadError(readOnly.load('t1', 'l', rows))).toMatchObject({
      code: 'ER_TABLEACCESS_DENIED_ERROR',
      errno: 1142,
      retriable: false,
    })

    const wrong = targetOn(db.name, {}, { user, password: `${password}-wrong` })
    const denied = await loadError(wrong.load('t1', 'l', rows))
    expect(denied).toMatchObject({ code: 'ER_ACCESS_DENIED_ERROR', errno: 1045, retriable: false })
    expect(denied.err.message).not.toContain(password)
    expect(await db.query('SELECT * FROM t1')).toEqual([])
  })

  it('a lock wait timeout stays retriable, and the batch loads once the lock is gone', async () => {
    const db = await createTestDatabase('sinkerr')
    await db.query('CREATE TABLE t1 (id BIGINT PRIMARY KEY, b VARCHAR(8) NOT NULL)')
    await db.query("INSERT INTO t1 VALUES (1, 'old')")
    const holder = await connectMysql({ database: db.name })
    registerCleanup(() => holder.end())
    await holder.query('BEGIN')
    await holder.query('SELECT * FROM t1 WHERE id = 1 FOR UPDATE')
    // a short lock wait, so the test does not wait MariaDB's default 50 s
    const shortWait = mysql.createPool({
      ...mysqlOptions('admin'),
      database: db.name,
      connectionLimit: 1,
    })
    shortWait.on('connection', (c) => {
      c.query('SET SESSION innodb_lock_wait_timeout = 1')
    })
    const waiting = createMysqlTarget({
      pool: shortWait,
      schemas: createSchemaReader(shortWait, db.name, {}),
    })
    registerCleanup(() => waiting.close())
    expect(await loadError(waiting.load('t1', 'l', rows))).toMatchObject({
      code: 'ER_LOCK_WAIT_TIMEOUT',
      errno: 1205,
      flag: true,
      retriable: true,
    })
    await holder.query('ROLLBACK')
    expect((await waiting.load('t1', 'l', rows)).loadedRows).toBe(2)
    expect(await db.query('SELECT id, b FROM t1 ORDER BY id')).toEqual([
      { id: '1', b: 'x' },
      { id: '2', b: 'y' },
    ])
  })

  it('a refused connection stays retriable', async () => {
    // a port that was free a moment ago: nothing listens there
    const closed = await new Promise<number>((resolve) => {
      const s = createServer()
      s.listen(0, '127.0.0.1', () => {
        const { port } = s.address() as AddressInfo
        s.close(() => resolve(port))
      })
    })
    const target = targetOn('any', { t1: { columns: ['id', 'b'] } }, { host: '127.0.0.1', port: closed })
    expect(await loadError(target.load('t1', 'l', rows))).toMatchObject({
      code: 'ECONNREFUSED',
      retriable: true,
    })
  })
})
