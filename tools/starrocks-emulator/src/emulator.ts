import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import mysql, { type ConnectionOptions, type RowDataPacket } from 'mysql2/promise'
import { createCatalog, type TableSchema } from './catalog.ts'
import type { AppliedLoad, EmulatorContext, Flavour } from './context.ts'
import { EmulatorError } from './errors.ts'
import { createFaultSet, type Fault } from './faults.ts'
import { createLabelStore, type LabelEntry } from './labels.ts'
import { createBeServer, createFeServer } from './servers.ts'

export interface StarRocksEmulatorOptions {
  /** mysql2 options of the MariaDB that stores the tables (an account that may create databases). */
  mysql: ConnectionOptions
  /** Prefix of the MariaDB database holding StarRocks database `db` (default ''). */
  databasePrefix?: string
  /** user → password (default { root: '' }). */
  users?: Record<string, string>
  /**
   * user → the tables it may INSERT into: `db.table`, `db.*` or `*.*`. A user with an entry
   * may load only there (an empty list: nowhere); a user without one may load anywhere.
   */
  grants?: Record<string, readonly string[]>
  flavour?: Flavour
  host?: string
  /** FE HTTP port (default 0: any free port). */
  fePort?: number
  /** One port per BE (default [0, 0]: two BEs on free ports). */
  bePorts?: number[]
  /** `host:port` each BE advertises in Location and ErrorURL (default: where it listens). */
  advertisedBeAddresses?: string[]
  faults?: Fault[]
  /** label_keep_max_second (default 3 days). */
  labelKeepMaxSeconds?: number
  /** streaming_load_max_mb in bytes (default 100 GiB) and the JSON limit (default 100 MiB). */
  maxBodyBytes?: number
  maxJsonBytes?: number
}

export interface LoadCounters {
  /** How many times a load with this label was applied (in `database`, if given). */
  applied(label: string, database?: string): number
  readonly list: readonly AppliedLoad[]
}

export interface StarRocksEmulator {
  feUrl: string
  beUrls: string[]
  loads: LoadCounters
  createTableFromDdl(sql: string, database?: string): Promise<TableSchema>
  query<T = RowDataPacket[]>(sql: string, params?: unknown[]): Promise<T>
  labelState(database: string, label: string): LabelEntry['state'] | undefined
  /** Replaces a user's INSERT grants (`undefined`: back to loading anywhere). */
  setGrants(user: string, grants: readonly string[] | undefined): void
  /** Sockets accepted so far by the FE and by each BE (connection reuse shows as few sockets). */
  acceptedConnections(): { fe: number; bes: number[] }
  setFault(fault: Fault): void
  clearFaults(): void
  /** Takes a BE off the network (connections refused) or brings it back on the same port. */
  setBeDown(index: number, down: boolean): Promise<void>
  stop(): Promise<void>
}

const KNOWN = new Set([
  'mysql',
  'databasePrefix',
  'users',
  'grants',
  'flavour',
  'host',
  'fePort',
  'bePorts',
  'advertisedBeAddresses',
  'faults',
  'labelKeepMaxSeconds',
  'maxBodyBytes',
  'maxJsonBytes',
])

const GRANT = /^(\*|[^.*]+)\.(\*|[^.*]+)$/

function checkGrants(user: string, grants: unknown, where: string): string[] {
  if (!Array.isArray(grants))
    throw new EmulatorError(
      'EMU_INVALID_OPTION',
      `${where} must be an array of db.table, received ${String(grants)}`,
    )
  for (const g of grants) {
    const m = typeof g === 'string' ? GRANT.exec(g) : null
    if (!m || (m[1] === '*' && m[2] !== '*'))
      throw new EmulatorError(
        'EMU_INVALID_OPTION',
        `${where} for user ${user}: each grant is db.table, db.* or *.*, received ${JSON.stringify(g)}`,
      )
  }
  return [...grants]
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, host, () => {
      server.off('error', reject)
      resolve((server.address() as AddressInfo).port)
    })
  })
}

function close(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve())
    server.closeAllConnections()
  })
}

export async function startStarRocksEmulator(options: StarRocksEmulatorOptions): Promise<StarRocksEmulator> {
  for (const key of Object.keys(options)) {
    if (!KNOWN.has(key)) throw new EmulatorError('EMU_INVALID_OPTION', `unknown option ${key}`)
  }
  if (!options.mysql) throw new EmulatorError('EMU_INVALID_OPTION', 'options.mysql is required')
  const flavour = options.flavour ?? 'starrocks'
  if (flavour !== 'starrocks' && flavour !== 'doris')
    throw new EmulatorError(
      'EMU_INVALID_OPTION',
      `options.flavour must be starrocks or doris, received ${flavour}`,
    )
  const host = options.host ?? '127.0.0.1'
  const bePorts = options.bePorts ?? [0, 0]
  const pool = mysql.createPool({
    ...options.mysql,
    connectionLimit: 8,
    charset: 'utf8mb4',
    supportBigNumbers: true,
    bigNumberStrings: true,
    dateStrings: true,
    multipleStatements: false,
  })
  const users = new Map(Object.entries(options.users ?? { root: '' }))
  const grants = new Map<string, string[]>()
  for (const [user, list] of Object.entries(options.grants ?? {})) {
    if (!users.has(user))
      throw new EmulatorError(
        'EMU_INVALID_OPTION',
        `options.grants names user ${user}, who is not in options.users`,
      )
    grants.set(user, checkGrants(user, list, 'options.grants'))
  }
  const ctx: EmulatorContext = {
    pool,
    catalog: createCatalog(pool, options.databasePrefix ?? ''),
    labels: createLabelStore((options.labelKeepMaxSeconds ?? 3 * 86400) * 1000),
    faults: createFaultSet(options.faults),
    flavour,
    users,
    grants,
    accepted: [0, ...bePorts.map(() => 0)],
    errorLogs: new Map(),
    applied: [],
    pending: new Set(),
    beAddresses: [],
    beDown: bePorts.map(() => false),
    maxBodyBytes: options.maxBodyBytes ?? 100 * 1024 ** 3,
    maxJsonBytes: options.maxJsonBytes ?? 100 * 1024 ** 2,
    maxErrorLines: 1000,
  }
  const bes = bePorts.map((_, i) => createBeServer(ctx, i))
  const ports = await Promise.all(bes.map((s, i) => listen(s, bePorts[i]!, host)))
  ctx.beAddresses = options.advertisedBeAddresses ?? ports.map((p) => `${host}:${p}`)
  const fe = createFeServer(ctx)
  const fePort = await listen(fe, options.fePort ?? 0, host)

  return {
    feUrl: `http://${host}:${fePort}`,
    beUrls: ports.map((p) => `http://${host}:${p}`),
    loads: {
      applied: (label, database) =>
        ctx.applied.filter((l) => l.label === label && (database === undefined || l.database === database))
          .length,
      get list() {
        return ctx.applied
      },
    },
    createTableFromDdl: (sql, database) => ctx.catalog.createTableFromDdl(sql, database),
    async query<T>(sql: string, params?: unknown[]) {
      const [rows] = await pool.query(sql, params)
      return rows as T
    },
    labelState: (database, label) => ctx.labels.get(database, label)?.state,
    setGrants(user, list) {
      if (!ctx.users.has(user)) throw new EmulatorError('EMU_INVALID_OPTION', `no user ${user}`)
      if (list === undefined) ctx.grants.delete(user)
      else ctx.grants.set(user, checkGrants(user, list, 'setGrants'))
    },
    acceptedConnections: () => ({ fe: ctx.accepted[0]!, bes: ctx.accepted.slice(1) }),
    setFault: (fault) => ctx.faults.add(fault),
    clearFaults: () => ctx.faults.clear(),
    async setBeDown(index, down) {
      const server = bes[index]
      if (!server) throw new EmulatorError('EMU_INVALID_OPTION', `no BE ${index}`)
      if (down === ctx.beDown[index]) return
      ctx.beDown[index] = down
      if (down) await close(server)
      else await listen(server, ports[index]!, host)
    },
    async stop() {
      await Promise.allSettled([...ctx.pending])
      await Promise.all([close(fe), ...bes.filter((_, i) => !ctx.beDown[i]).map(close)])
      await pool.end()
    },
  }
}
