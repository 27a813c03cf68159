import {
  type StarRocksEmulator,
  type StarRocksEmulatorOptions,
  startStarRocksEmulator,
} from '@sync/starrocks-emulator'
import { createTestDatabase, mysqlOptions } from '@sync/test-kit'
import {
  createStreamLoadClient,
  type StreamLoadClient,
  type StreamLoadClientOptions,
} from '../../src/index.ts'

export const USER = 'sinker'
export const PASSWORD = 'pa55-not-for-logs'

export function startEmulator(options: Partial<StarRocksEmulatorOptions> = {}): Promise<StarRocksEmulator> {
  return startStarRocksEmulator({ mysql: mysqlOptions('admin'), users: { [USER]: PASSWORD }, ...options })
}

// the kind of DDL ops-cli generates: MySQL BIGINT UNSIGNED becomes LARGEINT
export const ORDERS_DDL = `CREATE TABLE IF NOT EXISTS \`orders\` (
  \`id\` BIGINT NOT NULL,
  \`name\` VARCHAR(64) NULL,
  \`amount\` DECIMAL(38, 10) NULL,
  \`big\` LARGEINT NULL,
  \`version\` INT NULL
) ENGINE=OLAP
PRIMARY KEY (\`id\`)
DISTRIBUTED BY HASH (\`id\`) BUCKETS 2
PROPERTIES ("replication_num" = "1")`

export async function ordersDb(emulator: StarRocksEmulator): Promise<string> {
  const db = await createTestDatabase('sl')
  await emulator.createTableFromDdl(ORDERS_DDL, db.name)
  return db.name
}

export function client(
  emulator: StarRocksEmulator,
  database: string,
  options: Partial<StreamLoadClientOptions> = {},
): StreamLoadClient {
  const c = createStreamLoadClient({
    endpoints: [emulator.feUrl],
    user: USER,
    password: PASSWORD,
    database,
    retry: { maxAttempts: 4, initialDelayMs: 20, maxDelayMs: 100 },
    ...options,
  })
  return c
}

export const selectOrders = (emulator: StarRocksEmulator, db: string, cols = 'id, name, version') =>
  emulator.query<Array<Record<string, unknown>>>(`SELECT ${cols} FROM \`${db}\`.orders ORDER BY id`)
