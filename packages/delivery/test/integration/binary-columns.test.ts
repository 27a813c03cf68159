// The binary-column catalog against MariaDB: the columns it calls binary are those the
// snapshot renders as binary (binlog-reader's catalog rule), an absent table has none and
// is reported, and a DDL invalidation makes the next load see the new definition.

import { connectMysql, createTestDatabase, mysqlOptions, registerCleanup } from '@sync/test-kit'
import { describe, expect, it } from 'vitest'
import { createBinaryColumnCatalog } from '../../src/binary-columns.ts'

describe('binary column catalog', () => {
  it('reads BINARY, VARBINARY, BLOBs and binary-charset text, and re-reads after invalidation', async () => {
    const db = await createTestDatabase('dl_bincols')
    await db.query(`CREATE TABLE t (
      id INT PRIMARY KEY, b4 BINARY(4), vb VARBINARY(20), bl BLOB, tb TINYBLOB, lb LONGBLOB,
      cb CHAR(4) CHARACTER SET binary, vc VARCHAR(10), tx TEXT, js JSON, n INT)`)
    // the shipper asks with its replication account
    const conn = await connectMysql(mysqlOptions('repl'))
    registerCleanup(() => conn.end())
    const missing: string[] = []
    const catalog = createBinaryColumnCatalog({
      conn,
      onMissingTable: (d, t) => void missing.push(`${d}.${t}`),
    })

    expect(catalog.get(db.name, 't')).toBeUndefined()
    const [first, again] = await Promise.all([catalog.load(db.name, 't'), catalog.load(db.name, 't')])
    expect([...first].sort()).toEqual(['b4', 'bl', 'cb', 'lb', 'tb', 'vb'])
    expect(again).toBe(first) // one read for concurrent loads
    expect(catalog.get(db.name, 't')).toBe(first)

    await db.query('ALTER TABLE t ADD COLUMN extra MEDIUMBLOB, MODIFY vb VARCHAR(20)')
    expect(catalog.get(db.name, 't')).toBe(first) // unchanged until told
    catalog.invalidate([{ database: db.name, table: 't' }])
    expect(catalog.get(db.name, 't')).toBeUndefined()
    expect([...(await catalog.load(db.name, 't'))].sort()).toEqual(['b4', 'bl', 'cb', 'extra', 'lb', 'tb'])

    // DROP DATABASE-style invalidation forgets every table of the database
    catalog.invalidate([], db.name)
    expect(catalog.size).toBe(0)

    expect((await catalog.load(db.name, 'gone')).size).toBe(0)
    expect(missing).toEqual([`${db.name}.gone`])
  })

  it('fails a load with DELIVERY_SCHEMA naming the table when the server cannot answer', async () => {
    const conn = await connectMysql(mysqlOptions('repl'))
    conn.destroy() // a lost connection
    const catalog = createBinaryColumnCatalog({ conn })
    await expect(catalog.load('shop', 'orders')).rejects.toMatchObject({
      code: 'DELIVERY_SCHEMA',
      retriable: true,
      database: 'shop',
      table: 'orders',
      message: expect.stringMatching(/^cannot read the columns of shop\.orders: .*closed state/),
    })
    expect(catalog.get('shop', 'orders')).toBeUndefined()
  })
})
