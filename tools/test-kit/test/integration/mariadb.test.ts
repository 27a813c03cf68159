import { connectMysql, createTestDatabase, mysqlOptions, runSqlWorkload } from '@sync/test-kit'
import { describe, expect, it } from 'vitest'

describe('stack mariadb', () => {
  it('runs with the binlog settings a source must have', async () => {
    const conn = await connectMysql()
    try {
      const [rows] = await conn.query(
        "SELECT IF(@@log_bin, 'ON', 'OFF') AS logBin, @@binlog_format AS format, @@binlog_row_image AS image, @@binlog_row_metadata AS metadata, @@character_set_server AS charset",
      )
      expect((rows as Array<Record<string, unknown>>)[0]).toEqual({
        logBin: 'ON',
        format: 'ROW',
        image: 'FULL',
        metadata: 'FULL',
        charset: 'utf8mb4',
      })
    } finally {
      await conn.end()
    }
  })

  it('gives the replication account what a binlog reader needs, and no more', async () => {
    const conn = await connectMysql(mysqlOptions('repl'))
    const db = await createTestDatabase('privs')
    try {
      const [logs] = await conn.query('SHOW BINARY LOGS')
      expect((logs as unknown[]).length).toBeGreaterThan(0)
      await expect(conn.query(`CREATE TABLE \`${db.name}\`.nope (id int)`)).rejects.toThrow(/denied/i)
    } finally {
      await conn.end()
    }
  })

  it('writes row changes into the binlog with a GTID', async () => {
    const db = await createTestDatabase('binlog')
    await db.query('CREATE TABLE t (id INT PRIMARY KEY, name VARCHAR(20))')
    const before = await db.query<Array<{ pos: string }>>('SELECT @@gtid_current_pos AS pos')
    await db.query("INSERT INTO t VALUES (1, 'a')")
    const after = await db.query<Array<{ pos: string }>>('SELECT @@gtid_current_pos AS pos')
    expect(after[0]!.pos).not.toBe(before[0]!.pos)
    expect(after[0]!.pos).toMatch(/^\d+-\d+-\d+/)
  })
})

describe('runSqlWorkload', () => {
  it('runs every statement of an array or an async generator, each committed on its own', async () => {
    const db = await createTestDatabase('workload')
    await db.query('CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(10))')
    const inserts = Array.from({ length: 50 }, (_, i) => `INSERT INTO t VALUES (${i}, 'v${i}')`)
    expect(await runSqlWorkload(db.conn, inserts)).toBe(50)

    async function* updates() {
      for (let i = 0; i < 50; i += 2) yield `UPDATE t SET v = 'even' WHERE id = ${i}`
      yield 'DELETE FROM t WHERE id = 49'
    }
    expect(await runSqlWorkload(db.conn, updates())).toBe(26)

    const [sums] = await db.query<Array<{ even: string; total: string }>>(
      "SELECT SUM(v = 'even') AS even, COUNT(*) AS total FROM t",
    )
    expect(sums).toEqual({ even: '25', total: '49' })
    // autocommit: a second connection sees every change without the workload committing
    const other = await connectMysql({ database: db.name })
    try {
      const [count] = await other.query('SELECT COUNT(*) AS n FROM t')
      expect(Number((count as Array<{ n: number }>)[0]!.n)).toBe(49)
    } finally {
      await other.end()
    }
  })

  it('stops at a failing statement, naming its number and text', async () => {
    const db = await createTestDatabase('workload_err')
    await db.query('CREATE TABLE t (id INT PRIMARY KEY)')
    const statements = ['INSERT INTO t VALUES (1)', 'INSERT INTO t VALUES (1)', 'INSERT INTO t VALUES (3)']
    await expect(runSqlWorkload(db.conn, statements)).rejects.toThrow(
      /statement #2 failed: Duplicate entry '1'.*statement: INSERT INTO t VALUES \(1\)/,
    )
    const rows = await db.query<Array<{ id: number }>>('SELECT id FROM t ORDER BY id')
    expect(rows).toEqual([{ id: 1 }])
  })
})

describe('createTestDatabase', () => {
  let name = ''
  it('creates a uniquely named utf8mb4 database', async () => {
    const db = await createTestDatabase('cleanup')
    name = db.name
    const rows = await db.query<Array<{ cs: string }>>(
      'SELECT DEFAULT_CHARACTER_SET_NAME AS cs FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?',
      [db.name],
    )
    expect(rows).toEqual([{ cs: 'utf8mb4' }])
  })

  it('dropped it when that test finished', async () => {
    expect(name).not.toBe('')
    const conn = await connectMysql()
    try {
      const [rows] = await conn.query(
        'SELECT SCHEMA_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?',
        [name],
      )
      expect(rows).toEqual([])
    } finally {
      await conn.end()
    }
  })
})
