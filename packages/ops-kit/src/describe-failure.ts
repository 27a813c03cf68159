// Any failure (mysql2, kafkajs, fetch/undici, Node's network errors, the sync packages' own
// errors) as one line that names the cause and, when given, the target ("MySQL at
// 10.0.0.5:3306"), with a kind a caller can map to its exit codes. Server messages pass through
// (their first line); a caller that prints them blanks its own secrets.
import { isWarehouseDdlError } from '@sync/warehouse-ddl'
import { isOpsKitError, type OpsKitErrorCode } from './errors.ts'

export const failureKinds = [
  /** A caller's argument is malformed. */
  'usage',
  /** The configuration is wrong: an unreadable secret, a bad key, invalid rules. */
  'config',
  /** The server cannot be reached: refused, not found, timed out, reset. */
  'unreachable',
  /** The server refused the credentials or a privilege. */
  'auth',
  /** What was asked for does not exist. */
  'not-found',
  /** The server answered with an error. */
  'remote',
  /** An input (a file, a list, the shards of a table) is malformed or inconsistent. */
  'input',
] as const
export type FailureKind = (typeof failureKinds)[number]

export interface FailureDescription {
  kind: FailureKind
  /** One line; names the target when one was given. */
  message: string
  retriable: boolean
}

interface Shape {
  name?: string
  code?: unknown
  errno?: unknown
  message?: string
  cause?: unknown
  errors?: unknown[]
  originalError?: unknown
  retriable?: unknown
}

const networkCodes: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host name lookup failed',
  ETIMEDOUT: 'connection timed out',
  ECONNRESET: 'connection reset',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  UND_ERR_CONNECT_TIMEOUT: 'connection timed out',
  UND_ERR_SOCKET: 'connection closed by the peer',
  PROTOCOL_CONNECTION_LOST: 'connection lost',
}

// codes of the sync packages whose errors mean the configuration is wrong
const configCodes = /^(SVC_SECRET|ENV_BAD_KEY|ENV_KEY_SOURCE|ENV_BAD_OPTIONS|TM_)/

const packageKinds: Record<Exclude<OpsKitErrorCode, 'OPSKIT_UNREACHABLE'>, FailureKind> = {
  OPSKIT_INPUT: 'input',
  OPSKIT_BAD_ARGUMENT: 'usage',
  OPSKIT_AUTH: 'auth',
  OPSKIT_NOT_FOUND: 'not-found',
  OPSKIT_REMOTE: 'remote',
}

/** Every error in the cause chain (cause, AggregateError.errors, kafkajs originalError). */
function chain(err: unknown): Shape[] {
  const out: Shape[] = []
  const seen = new Set<unknown>()
  const visit = (e: unknown) => {
    if (e === null || typeof e !== 'object' || seen.has(e) || out.length > 20) return
    seen.add(e)
    out.push(e as Shape)
    const s = e as Shape
    visit(s.cause)
    visit(s.originalError)
    for (const inner of s.errors ?? []) visit(inner)
  }
  visit(err)
  return out
}

const firstLine = (s: string | undefined) => (s ?? '').split('\n')[0]!.trim()

export function describeFailure(err: unknown, target?: string): FailureDescription {
  const make = (
    kind: FailureKind,
    message: string,
    retriable = kind === 'unreachable' || kind === 'remote',
  ) => ({
    kind,
    message,
    retriable,
  })
  if (isOpsKitError(err) && err.code === 'OPSKIT_UNREACHABLE') {
    // the network error underneath says why (refused, not found, timed out)
    return describeFailure(err.cause ?? err, err.target ?? target)
  }
  // their messages already name what is at fault
  if (isOpsKitError(err))
    return make(packageKinds[err.code as keyof typeof packageKinds], err.message, err.retriable)
  if (isWarehouseDdlError(err))
    return make(err.code === 'WDDL_NOT_FOUND' ? 'not-found' : 'input', err.message, err.retriable)

  const all = chain(err)
  const at = target ? ` ${target}` : ''
  const prefix = target ? `${target}: ` : ''
  const errnoOf = (e: Shape) => (typeof e.errno === 'number' ? e.errno : undefined)
  const denied = all.find((e) => errnoOf(e) === 1045 || e.code === 'ER_ACCESS_DENIED_ERROR')
  if (denied) {
    return make(
      'auth',
      `access denied by${at || ' the server'}: wrong user or password (${firstLine(denied.message)})`,
    )
  }
  const sasl = all.find((e) => /SASL|Authentication/i.test(String(e.name)) && /KafkaJS/.test(String(e.name)))
  if (sasl) return make('auth', `${target ?? 'Kafka'} rejected the credentials: ${firstLine(sasl.message)}`)
  const net = all.find((e) => typeof e.code === 'string' && e.code in networkCodes)
  if (net) {
    return make(
      'unreachable',
      `cannot reach${at || ' the server'}: ${networkCodes[net.code as string]} (${net.code})`,
    )
  }
  const kafka = all.find((e) => /^KafkaJS/.test(String(e.name)))
  if (kafka) {
    const inner = [...all].reverse().find((e) => e.message)
    const reason = firstLine(inner?.message) || firstLine(kafka.message)
    const unreachable = /connect|connection|timeout|ECONN|broker/i.test(reason)
    return make(unreachable ? 'unreachable' : 'remote', `${target ?? 'Kafka'}: ${reason}`)
  }
  const mysqlErr = all.find((e) => typeof e.code === 'string' && /^ER_/.test(e.code))
  if (mysqlErr) {
    const kind = /DENIED/.test(String(mysqlErr.code)) ? 'auth' : 'remote'
    return make(kind, `${prefix}${firstLine(mysqlErr.message)} (${mysqlErr.code})`)
  }
  const top = all[0]
  if (top && typeof top.code === 'string' && top.message) {
    // another package's error (SVC_SECRET, ENV_BAD_KEY, TM_*, BINLOG_*, SL_*): its code says which
    const kind = configCodes.test(top.code) ? 'config' : 'remote'
    const retriable = typeof top.retriable === 'boolean' ? top.retriable : kind === 'remote'
    return make(kind, `${prefix}${firstLine(top.message)} (${top.code})`, retriable)
  }
  return make('remote', `${prefix}${firstLine(top?.message) || String(err)}`)
}
