import { request } from 'node:http'
import { createTestDatabase, mysqlOptions } from '@sync/test-kit'
import {
  type StarRocksEmulator,
  type StarRocksEmulatorOptions,
  startStarRocksEmulator,
} from '../../src/index.ts'

export const USER = 'loader'
export const PASSWORD = 's3cret-pw'
export const AUTH = `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString('base64')}`

export function startEmulator(options: Partial<StarRocksEmulatorOptions> = {}): Promise<StarRocksEmulator> {
  return startStarRocksEmulator({ mysql: mysqlOptions('admin'), users: { [USER]: PASSWORD }, ...options })
}

export const ORDERS_DDL = `CREATE TABLE IF NOT EXISTS \`orders\` (
  \`id\` BIGINT NOT NULL COMMENT "order id",
  \`name\` VARCHAR(20) NULL,
  \`amount\` DECIMAL(38, 10) NULL,
  \`big\` LARGEINT NULL,
  \`version\` INT NULL DEFAULT "0",
  \`doc\` JSON NULL,
  \`created_at\` DATETIME NULL
) ENGINE=OLAP
PRIMARY KEY (\`id\`)
COMMENT "orders"
DISTRIBUTED BY HASH (\`id\`) BUCKETS 4
PROPERTIES ("replication_num" = "1")`

/** A fresh MariaDB database (dropped after the test) holding the orders table. */
export async function ordersDb(emulator: StarRocksEmulator): Promise<string> {
  const db = await createTestDatabase('sr')
  await emulator.createTableFromDdl(ORDERS_DDL, db.name)
  return db.name
}

export interface RawResponse {
  status: number
  headers: Record<string, string | string[] | undefined>
  text: string
  json: () => Record<string, unknown>
  sawContinue: boolean
}

/**
 * A PUT with node:http. With `expect`, the body is held back until the server answers
 * `100 Continue` (if it never does, the body is never sent), as curl does.
 */
export function rawRequest(
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: string; expect?: boolean } = {},
): Promise<RawResponse> {
  const body = Buffer.from(options.body ?? '')
  return new Promise((resolve, reject) => {
    let sawContinue = false
    const req = request(url, {
      method: options.method ?? 'PUT',
      agent: false,
      headers: {
        'Content-Length': String(body.length),
        ...(options.expect ? { Expect: '100-continue' } : {}),
        ...options.headers,
      },
    })
    req.on('continue', () => {
      sawContinue = true
      req.end(body)
    })
    req.on('response', (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8')
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          text,
          json: () => JSON.parse(text),
          sawContinue,
        })
        req.destroy()
      })
    })
    req.on('error', reject)
    if (options.expect) req.flushHeaders()
    else req.end(body)
  })
}

export function loadHeaders(label: string, extra: Record<string, string> = {}): Record<string, string> {
  return { Authorization: AUTH, label, format: 'json', strip_outer_array: 'true', ...extra }
}
