import { connectMysql, createTestDatabase, mysqlOptions } from '@sync/test-kit'
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
