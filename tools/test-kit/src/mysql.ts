import { readStackEnv } from '@sync/stack'
import mysql, { type Connection, type ConnectionOptions } from 'mysql2/promise'
import { registerCleanup } from './cleanup.ts'
import { uniqueName } from './names.ts'

/** mysql2 options for the stack's admin account (all privileges), or the replication account. */
export function mysqlOptions(account: 'admin' | 'repl' = 'admin'): ConnectionOptions {
  const env = readStackEnv()
  const creds = account === 'admin' ? env.mysql : { ...env.mysql, ...env.mysqlRepl }
  return {
    host: env.mysql.host,
    port: env.mysql.port,
    user: creds.user,
    password: creds.password,
    charset: 'utf8mb4',
    multipleStatements: true,
    supportBigNumbers: true,
    bigNumberStrings: true,
    dateStrings: true,
  }
}

export async function connectMysql(options: ConnectionOptions = {}): Promise<Connection> {
  return mysql.createConnection({ ...mysqlOptions(), ...options })
}

export interface TestDatabase {
  name: string
  conn: Connection
  /** Runs SQL in this database; returns rows for a SELECT. */
  query<T = unknown>(sql: string, params?: unknown[]): Promise<T>
  drop(): Promise<void>
}

/** A fresh database for one test (dropped when the test finishes) or one file (call drop()). */
export async function createTestDatabase(prefix = 't'): Promise<TestDatabase> {
  const name = uniqueName(prefix)
  const conn = await connectMysql()
  await conn.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4`)
  await conn.query(`USE \`${name}\``)
  const drop = registerCleanup(async () => {
    try {
      await conn.query(`DROP DATABASE IF EXISTS \`${name}\``)
    } finally {
      await conn.end()
    }
  })
  return {
    name,
    conn,
    async query<T>(sql: string, params?: unknown[]) {
      const [rows] = await conn.query(sql, params)
      return rows as T
    },
    drop,
  }
}

/**
 * Runs a SQL workload: an array of statements, or a generator of them, each in autocommit
 * (one binlog transaction each) unless wrapped in BEGIN/COMMIT by the caller. Returns how
 * many statements ran; a failing one stops the workload with an error naming its number
 * and its text (the server's error is the cause).
 */
export async function runSqlWorkload(
  conn: Connection,
  statements: Iterable<string> | AsyncIterable<string>,
): Promise<number> {
  let n = 0
  for await (const sql of statements) {
    try {
      await conn.query(sql)
    } catch (err) {
      const text = sql.length > 200 ? `${sql.slice(0, 200)}...` : sql
      throw new Error(
        `SQL workload statement #${n + 1} failed: ${(err as Error).message}; statement: ${text}`,
        {
          cause: err,
        },
      )
    }
    n += 1
  }
  return n
}
