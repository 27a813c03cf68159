// Shared set-up for the sinker's integration tests: the StarRocks emulator over the stack's
// MariaDB, unique topics and groups, an encoder for the v1 messages, and a sinker config.
import { type Change, type ChangeSource, createChangeEncoder } from '@sync/change-message'
import { createEnvelopeCipher, generateKey } from '@sync/crypto-envelope'
import { createJsonLogger, silentLogger } from '@sync/service-kit'
import { type StarRocksEmulator, startStarRocksEmulator } from '@sync/starrocks-emulator'
import {
  createTestDatabase,
  createTestKafka,
  createTestTopic,
  kafkaBrokers,
  mysqlOptions,
  registerCleanup,
  uniqueName,
} from '@sync/test-kit'
import type { Producer } from 'kafkajs'
import { composeSinker } from '../../src/compose.ts'
import { buildConfig, type SinkerConfig } from '../../src/config.ts'

export const SR_USER = 'loader'
export const SR_PASSWORD = 'emu-pass-9f2c'

export const ORDERS_DDL = `CREATE TABLE orders (
  id BIGINT NOT NULL,
  name VARCHAR(20) NOT NULL,
  amount DECIMAL(38, 10) NULL,
  big LARGEINT NULL,
  doc JSON NULL
) PRIMARY KEY (id) DISTRIBUTED BY HASH (id) BUCKETS 4`

export async function startEmulator(): Promise<StarRocksEmulator> {
  const emu = await startStarRocksEmulator({
    mysql: mysqlOptions('admin'),
    users: { [SR_USER]: SR_PASSWORD },
  })
  registerCleanup(() => emu.stop())
  return emu
}

/** A fresh database holding `ddl` in the emulator; returns its name. */
export async function targetDatabase(emu: StarRocksEmulator, ddl = ORDERS_DDL): Promise<string> {
  const db = await createTestDatabase('sink')
  await emu.createTableFromDdl(ddl, db.name)
  return db.name
}

export function testKey() {
  const key = generateKey(256)
  return { key, cipher: createEnvelopeCipher({ key }) }
}

export async function connectProducer(): Promise<Producer> {
  const producer = createTestKafka().producer({ idempotent: false, maxInFlightRequests: 1 })
  await producer.connect()
  registerCleanup(() => producer.disconnect())
  return producer
}

export function source(over: Partial<ChangeSource> = {}): ChangeSource {
  return {
    database: 'shop',
    table: 'orders',
    kind: 'insert',
    binlogFile: 'mysql-bin.000001',
    binlogPos: 4,
    ...over,
  }
}

export function upsert(row: Record<string, unknown>, over: Partial<ChangeSource> = {}): Change {
  return { op: 'upsert', row, key: { id: row.id }, source: source(over) }
}

export function remove(row: Record<string, unknown>, over: Partial<ChangeSource> = {}): Change {
  return { op: 'delete', row, key: { id: row.id }, source: source({ kind: 'delete', ...over }) }
}

export function encoderFor(
  cipher: ReturnType<typeof createEnvelopeCipher>,
  format: 'seed' | 'debezium' = 'seed',
) {
  return createChangeEncoder({ cipher, format })
}

export interface SinkerSetup {
  emu: StarRocksEmulator
  database: string
  key: string
  topics: string[]
  dlq: string
  groupId: string
  overrides?: Record<string, unknown>
}

/** The raw JSON config a test gives the sinker (in-process, or written to a file for the app). */
export function rawConfig(s: SinkerSetup): Record<string, unknown> {
  const my = mysqlOptions('admin')
  return {
    kafka: { brokers: kafkaBrokers(), groupId: s.groupId, topics: s.topics, sessionTimeoutMs: 8000 },
    key: s.key,
    topicToTable: Object.fromEntries(s.topics.map((t) => [t, 'orders'])),
    target: {
      kind: 'starrocks',
      endpoints: [s.emu.feUrl],
      database: s.database,
      user: SR_USER,
      password: SR_PASSWORD,
      query: { host: my.host, port: my.port, user: my.user, password: my.password },
      labelPrefix: 'it',
      maxAttempts: 3,
    },
    flush: { intervalMs: 200 },
    deadLetterTopic: s.dlq,
    ops: { port: 0, host: '127.0.0.1' },
    ...s.overrides,
  }
}

export function configOf(raw: Record<string, unknown>): Readonly<SinkerConfig> {
  const r = buildConfig(raw, {})
  if (!r.ok) throw new Error(`test config invalid: ${r.errors.join('; ')}`)
  return r.config
}

/**
 * Starts a sinker in this process; stopped at the end of the test. `options.onLog` receives
 * every log line at info and above, parsed (a test that must see a fault fire reads them).
 */
export async function runSinker(
  raw: Record<string, unknown>,
  options: { onLog?: (line: Record<string, unknown>) => void } = {},
) {
  // SINKER_TEST_LOGS=1 shows the sinker's logs while debugging a test
  const show = process.env.SINKER_TEST_LOGS
  const { onLog } = options
  const logger =
    show || onLog
      ? createJsonLogger({
          level: show ? 'debug' : 'info',
          write: (l) => {
            if (show) process.stderr.write(`${l}\n`)
            if (onLog && !l.includes('"level":"debug"')) onLog(JSON.parse(l) as Record<string, unknown>)
          },
        })
      : silentLogger
  const app = await composeSinker(configOf(raw), { logger, ops: false })
  await app.start()
  let stopped = false
  const stop = async () => {
    if (stopped) return
    stopped = true
    await app.stop(8000)
  }
  registerCleanup(stop)
  return { app, stop }
}

export async function newTopics(prefix: string, n: number, partitions = 2): Promise<string[]> {
  const out: string[] = []
  for (let i = 0; i < n; i++) out.push(await createTestTopic(prefix, partitions))
  return out
}

export const groupName = () => uniqueName('sinker-g')

/** An orders row with only `id` and `name` set. */
export const orderRow = (id: number, name: string) => ({ id, name, amount: null, big: null, doc: null })

/** The target's orders as `id:name`, by id. */
export async function orderNames(emu: StarRocksEmulator, database: string): Promise<string[]> {
  return (
    await emu.query<Array<{ id: number; name: string }>>(
      `SELECT id, name FROM \`${database}\`.orders ORDER BY id`,
    )
  ).map((r) => `${r.id}:${r.name}`)
}

/**
 * What a test that loads orders starts from: the emulator with a fresh target database, a
 * dead-letter topic (`<prefix>-dlq`) and a connected producer, all cleaned up after the test.
 */
export async function startOrdersTarget(prefix: string) {
  const emu = await startEmulator()
  const database = await targetDatabase(emu)
  const dlq = await createTestTopic(`${prefix}-dlq`, 1)
  const producer = await connectProducer()
  return { emu, database, dlq, producer }
}
