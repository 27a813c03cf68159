// MySQL-protocol connections (source MySQL and the StarRocks FE) with one-line errors.
import { selectConnectionOptions } from '@sync/binlog-reader'
import mysql, { type Connection } from 'mysql2/promise'
import type { Endpoint } from '../config.ts'
import { against } from '../errors.ts'

export async function openMysql(endpoint: Endpoint, database?: string): Promise<Connection> {
  return against(endpoint.label, async () => {
    const conn = await mysql.createConnection({
      host: endpoint.host,
      port: endpoint.port,
      user: endpoint.user,
      password: endpoint.password,
      ...(endpoint.ssl ? { ssl: { ...endpoint.ssl } } : {}),
      ...(database ? { database } : {}),
      ...selectConnectionOptions,
      connectTimeout: 10_000,
    })
    conn.on('error', () => {}) // a dropped connection shows up as a failed query
    return conn
  })
}

/** Runs `fn` with a connection, closing it afterwards; errors name the endpoint. */
export async function withMysql<T>(
  endpoint: Endpoint,
  fn: (conn: Connection) => Promise<T>,
  database?: string,
): Promise<T> {
  const conn = await openMysql(endpoint, database)
  try {
    return await against(endpoint.label, () => fn(conn))
  } finally {
    await conn.end().catch(() => conn.destroy())
  }
}
