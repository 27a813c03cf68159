// The StarRocks the tests run against: a real one when STARROCKS_HOST names it (with
// STARROCKS_PORT, STARROCKS_USER, STARROCKS_PASSWORD and STARROCKS_HTTP_URL, the FE HTTP
// address), otherwise the Stream Load emulator over the stack's MariaDB, whose MySQL protocol
// then plays the FE query port.
import { startStarRocksEmulator } from '@sync/starrocks-emulator'
import { connectMysql, mysqlOptions, registerCleanup, uniqueName } from '@sync/test-kit'
import mysql from 'mysql2/promise'

export interface StarRocksTarget {
  /** True when the tests use a real StarRocks (STARROCKS_HOST is set). */
  real: boolean
  /** FE HTTP URL (Stream Load, doctor's HTTP probe). */
  httpUrl: string
  host: string
  port: number
  user: string
  password: string
  /** STARROCKS_* variables for the CLI, pointing at `database`. */
  env(database: string): Record<string, string>
  /** A fresh database, dropped at cleanup; `query` runs in it. */
  createDatabase(
    prefix: string,
  ): Promise<{ name: string; query(sql: string, params?: unknown[]): Promise<unknown> }>
  /** Runs a CREATE TABLE in `database`; returns the key columns the server keeps. */
  createTableFromDdl(ddl: string, database: string): Promise<{ keys: string[] }>
}

const realEnv = () => (process.env.STARROCKS_HOST ? process.env : undefined)

export async function startStarRocksTarget(): Promise<StarRocksTarget> {
  const env = realEnv()
  if (env) {
    const host = env.STARROCKS_HOST!
    const port = Number(env.STARROCKS_PORT ?? 9030)
    const user = env.STARROCKS_USER ?? 'root'
    const password = env.STARROCKS_PASSWORD ?? ''
    const connect = (database?: string) =>
      mysql.createConnection({ host, port, user, password, ...(database ? { database } : {}) })
    return {
      real: true,
      httpUrl: env.STARROCKS_HTTP_URL ?? `http://${host}:8030`,
      host,
      port,
      user,
      password,
      env: (database) => ({
        STARROCKS_HOST: host,
        STARROCKS_PORT: String(port),
        STARROCKS_USER: user,
        STARROCKS_PASSWORD: password,
        STARROCKS_DATABASE: database,
      }),
      async createDatabase(prefix) {
        const name = uniqueName(prefix)
        const admin = await connect()
        await admin.query(`CREATE DATABASE \`${name}\``)
        await admin.end()
        const conn = await connect(name)
        registerCleanup(async () => {
          try {
            await conn.query(`DROP DATABASE IF EXISTS \`${name}\` FORCE`)
          } finally {
            await conn.end()
          }
        })
        return { name, query: async (sql, params) => (await conn.query(sql, params))[0] }
      },
      async createTableFromDdl(ddl, database) {
        const conn = await connect(database)
        try {
          await conn.query(ddl)
          const table = /CREATE TABLE (?:IF NOT EXISTS )?(?:`[^`]+`\.)?`([^`]+)`/.exec(ddl)?.[1] ?? ''
          const [rows] = await conn.query(`SHOW CREATE TABLE \`${table}\``)
          const text = String(Object.values((rows as Array<Record<string, string>>)[0] ?? {})[1] ?? '')
          const keys = /PRIMARY KEY\s*\(([^)]*)\)/i.exec(text)?.[1] ?? ''
          return {
            keys: keys
              .split(',')
              .map((k) => k.trim().replace(/`/g, ''))
              .filter(Boolean),
          }
        } finally {
          await conn.end()
        }
      },
    }
  }
  const o = mysqlOptions('admin')
  const emulator = await startStarRocksEmulator({ mysql: o })
  registerCleanup(() => emulator.stop())
  const host = String(o.host)
  const port = Number(o.port)
  const user = String(o.user)
  const password = String(o.password ?? '')
  return {
    real: false,
    httpUrl: emulator.feUrl,
    host,
    port,
    user,
    password,
    env: (database) => ({
      STARROCKS_HOST: host,
      STARROCKS_PORT: String(port),
      STARROCKS_USER: user,
      STARROCKS_PASSWORD: password,
      STARROCKS_DATABASE: database,
    }),
    async createDatabase(prefix) {
      const name = uniqueName(prefix)
      const conn = await connectMysql()
      await conn.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4`)
      await conn.query(`USE \`${name}\``)
      registerCleanup(async () => {
        try {
          await conn.query(`DROP DATABASE IF EXISTS \`${name}\``)
        } finally {
          await conn.end()
        }
      })
      return { name, query: async (sql, params) => (await conn.query(sql, params))[0] }
    },
    createTableFromDdl: async (ddl, database) => ({
      keys: (await emulator.createTableFromDdl(ddl, database)).keys,
    }),
  }
}
