import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Pool } from 'mysql2/promise'
import type { Catalog } from './catalog.ts'
import type { FaultSet } from './faults.ts'
import type { LabelStore } from './labels.ts'

export type Flavour = 'starrocks' | 'doris'

/** One applied load (committed to MariaDB). */
export interface AppliedLoad {
  database: string
  table: string
  label: string
  txnId: number
  rows: number
  /** When the BE received the request (epoch ms): spacing between loads is read from this. */
  receivedAt: number
}

/** State shared by the FE and the BEs of one emulator. */
export interface EmulatorContext {
  pool: Pool
  catalog: Catalog
  labels: LabelStore
  faults: FaultSet
  flavour: Flavour
  users: Map<string, string>
  /** user → INSERT grants (`db.table`, `db.*`, `*.*`); a user without an entry may load anywhere. */
  grants: Map<string, string[]>
  /** Sockets each server accepted: [FE, BE 0, BE 1, …]. */
  accepted: number[]
  errorLogs: Map<string, string[]>
  applied: AppliedLoad[]
  pending: Set<Promise<unknown>>
  /** Advertised `host:port` of each BE (Location and ErrorURL use it). */
  beAddresses: string[]
  beDown: boolean[]
  maxBodyBytes: number
  maxJsonBytes: number
  maxErrorLines: number
}

export function basicAuth(req: IncomingMessage): { user: string; password: string } | undefined {
  const h = req.headers.authorization
  const m = h ? /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(h) : null
  if (!m) return undefined
  const text = Buffer.from(m[1]!, 'base64').toString('utf8')
  const i = text.indexOf(':')
  if (i < 0) return undefined
  return { user: text.slice(0, i), password: text.slice(i + 1) }
}

export function checkPassword(ctx: EmulatorContext, auth: { user: string; password: string }): boolean {
  return ctx.users.has(auth.user) && ctx.users.get(auth.user) === auth.password
}

/** The message of FrontendServiceImpl.checkPasswordAndLoadPriv when INSERT is not granted (§1.1). */
export const INSERT_DENIED =
  'Access denied; you need (at least one of) the INSERT privilege(s) for this operation'

/** Whether `user` holds INSERT on `db.table` (§9 state: per-table grants). */
export function canInsert(ctx: EmulatorContext, user: string, db: string, table: string): boolean {
  const grants = ctx.grants.get(user)
  if (!grants) return true
  return grants.some((g) => g === '*.*' || g === `${db}.*` || g === `${db}.${table}`)
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: string,
  headers: Record<string, string> = {},
) {
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(body),
    ...headers,
  })
  res.end(body)
}

export function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name.toLowerCase()]
  return Array.isArray(v) ? v[0] : v
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms))
