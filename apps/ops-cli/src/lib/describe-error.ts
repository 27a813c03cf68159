// Turns any error (mysql2, kafkajs, fetch, our packages) into one CliError line that names
// the cause and, when given, the target ("MySQL at 10.0.0.5:3306"). Server messages pass
// through; output.ts blanks registered secrets in them.
import { isOpsKitError, type OpsKitErrorCode } from '@sync/ops-kit'
import { isWarehouseDdlError, type WarehouseDdlErrorCode } from '@sync/warehouse-ddl'
import { CliError, type CliErrorCode } from '../errors.ts'

interface Shape {
  name?: string
  code?: unknown
  errno?: unknown
  message?: string
  cause?: unknown
  errors?: unknown[]
  originalError?: unknown
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

// the packages' codes as the CLI's (their messages already name what is at fault)
const packageCodes: Record<
  WarehouseDdlErrorCode | Exclude<OpsKitErrorCode, 'OPSKIT_UNREACHABLE'>,
  CliErrorCode
> = {
  WDDL_NOT_FOUND: 'OPS_NOT_FOUND',
  WDDL_INPUT: 'OPS_INPUT',
  OPSKIT_INPUT: 'OPS_INPUT',
  OPSKIT_BAD_ARGUMENT: 'OPS_USAGE',
  OPSKIT_AUTH: 'OPS_AUTH',
  OPSKIT_NOT_FOUND: 'OPS_NOT_FOUND',
  OPSKIT_REMOTE: 'OPS_REMOTE',
}

export function describeError(err: unknown, target?: string): CliError {
  if (err instanceof CliError) return err
  if (isOpsKitError(err) && err.code === 'OPSKIT_UNREACHABLE') {
    // the network error underneath says why (refused, not found, timed out)
    return describeError(err.cause ?? err, err.target ?? target)
  }
  if (isOpsKitError(err) || isWarehouseDdlError(err)) {
    return new CliError(packageCodes[err.code as keyof typeof packageCodes], err.message, {
      cause: err,
      retriable: err.retriable,
    })
  }
  const all = chain(err)
  const at = target ? ` ${target}` : ''
  const net = all.find((e) => typeof e.code === 'string' && e.code in networkCodes)
  const errnoOf = (e: Shape) => (typeof e.errno === 'number' ? e.errno : undefined)
  const denied = all.find((e) => errnoOf(e) === 1045 || e.code === 'ER_ACCESS_DENIED_ERROR')
  const make = (code: CliErrorCode, message: string) => new CliError(code, message, { cause: err })
  if (denied) {
    return make(
      'OPS_AUTH',
      `access denied by${at || ' the server'}: wrong user or password (${firstLine(denied.message)})`,
    )
  }
  const sasl = all.find((e) => /SASL|Authentication/i.test(String(e.name)) && /KafkaJS/.test(String(e.name)))
  if (sasl)
    return make('OPS_AUTH', `${target ?? 'Kafka'} rejected the credentials: ${firstLine(sasl.message)}`)
  if (net) {
    return make(
      'OPS_UNREACHABLE',
      `cannot reach${at || ' the server'}: ${networkCodes[net.code as string]} (${net.code})`,
    )
  }
  const kafka = all.find((e) => /^KafkaJS/.test(String(e.name)))
  if (kafka) {
    const inner = [...all].reverse().find((e) => e.message)
    const reason = firstLine(inner?.message) || firstLine(kafka.message)
    const unreachable = /connect|connection|timeout|ECONN|broker/i.test(reason)
    return make(unreachable ? 'OPS_UNREACHABLE' : 'OPS_REMOTE', `${target ?? 'Kafka'}: ${reason}`)
  }
  const mysqlErr = all.find((e) => typeof e.code === 'string' && /^ER_/.test(e.code))
  if (mysqlErr) {
    const code: CliErrorCode = /DENIED/.test(String(mysqlErr.code)) ? 'OPS_AUTH' : 'OPS_REMOTE'
    return make(code, `${target ? `${target}: ` : ''}${firstLine(mysqlErr.message)} (${mysqlErr.code})`)
  }
  const top = all[0]
  if (top && typeof top.code === 'string' && top.message) {
    // one of our packages' errors (SVC_SECRET, ENV_BAD_KEY, TM_*, BINLOG_*, SL_*)
    const config = /^(SVC_SECRET|ENV_BAD_KEY|ENV_KEY_SOURCE|ENV_BAD_OPTIONS|TM_)/.test(top.code)
    return make(
      config ? 'OPS_CONFIG' : 'OPS_REMOTE',
      `${target ? `${target}: ` : ''}${firstLine(top.message)} (${top.code})`,
    )
  }
  const message = firstLine(top?.message) || String(err)
  return make('OPS_REMOTE', `${target ? `${target}: ` : ''}${message}`)
}

/** Runs `fn`; any error becomes a CliError naming `target`. */
export async function against<T>(target: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn()
  } catch (err) {
    throw describeError(err, target)
  }
}
