// The only reader of the environment and of files: parse the JSON config → apply
// environment overrides → defaults → cross-field rules → a frozen config, or every error
// found, each naming its field.
import { readFileSync } from 'node:fs'
import type { ConnectionOptions } from 'node:tls'
import { isSecretRef, parseKafkaTls, resolveKafkaTls, resolveSecret, type SecretRef } from '@sync/service-kit'
import { parseTopicTableMap } from './topic-map.ts'

export interface TableOverride {
  /** Target columns in load order (default: read from the target's schema). */
  columns?: string[]
}

export interface SinkerConfig {
  kafka: {
    brokers: string[]
    clientId: string
    groupId: string
    topics: string[]
    topicPattern?: string
    fromBeginning: boolean
    sessionTimeoutMs: number
    /** `true`: TLS verified against the system CAs; options: a private CA, a client certificate (PEM text). */
    ssl: boolean | ConnectionOptions
    sasl?: { mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512'; username: string; password: string }
  }
  /** Resolved key material (hex), one per key id; `activeKid` undefined for a single key. */
  keys: { key?: string; keys?: Record<string, string>; activeKid?: string }
  topicToTable: Record<string, string>
  target:
    | {
        kind: 'starrocks'
        endpoints: string[]
        mode: 'fe' | 'be'
        database: string
        user: string
        password: string
        /** MySQL-protocol address of the FE (schema discovery), e.g. 127.0.0.1:9030. */
        query?: { host: string; port: number; user: string; password: string }
        labelPrefix: string
        requestTimeoutMs?: number
        maxAttempts: number
      }
    | { kind: 'mysql'; host: string; port: number; database: string; user: string; password: string }
  tables: Record<string, TableOverride>
  flush: {
    rows: number
    bytes: number
    intervalMs: number
    minTableIntervalMs: number
    memoryBudgetBytes: number
  }
  deadLetterTopic: string
  ops: { port: number; host: string }
  logLevel: 'debug' | 'info' | 'warn' | 'error'
  shutdownTimeoutMs: number
  /** Every resolved secret, for log redaction. */
  secrets: string[]
}

export type ConfigResult = { ok: true; config: Readonly<SinkerConfig> } | { ok: false; errors: string[] }

/** The longest default spacing of a table's loads (StarRocks target). */
const defaultMaxTableIntervalMs = 250

const show = (v: unknown) => (v === undefined ? 'nothing' : JSON.stringify(v))
type Obj = Record<string, unknown>
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v)

function checker(errors: string[]) {
  const known = (o: Obj, field: string, keys: string[]) => {
    for (const k of Object.keys(o)) if (!keys.includes(k)) errors.push(`${field}.${k} is not a known field`)
  }
  const str = (o: Obj, k: string, field: string, def?: string): string => {
    const v = o[k] ?? def
    if (typeof v === 'string' && v !== '') return v
    errors.push(`${field}.${k} must be a non-empty string, received ${show(o[k])}`)
    return ''
  }
  const int = (o: Obj, k: string, field: string, def: number, min: number, max = 2 ** 52): number => {
    const v = o[k] ?? def
    if (typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max) return v
    errors.push(`${field}.${k} must be an integer ${min}..${max}, received ${show(o[k])}`)
    return def
  }
  const bool = (o: Obj, k: string, field: string, def: boolean): boolean => {
    const v = o[k] ?? def
    if (typeof v === 'boolean') return v
    errors.push(`${field}.${k} must be true or false, received ${show(o[k])}`)
    return def
  }
  const list = (o: Obj, k: string, field: string, def?: string[]): string[] => {
    const v = o[k] ?? def
    const arr = typeof v === 'string' ? v.split(',').map((s) => s.trim()) : v
    if (Array.isArray(arr) && arr.length > 0 && arr.every((s) => typeof s === 'string' && s !== ''))
      return arr as string[]
    errors.push(`${field}.${k} must be a list of non-empty strings, received ${show(o[k])}`)
    return []
  }
  const obj = (o: Obj, k: string, field: string, required = false): Obj => {
    const v = o[k]
    if (v === undefined && !required) return {}
    if (isObj(v)) return v
    errors.push(`${field}.${k} must be an object, received ${show(v)}`)
    return {}
  }
  return { known, str, int, bool, list, obj }
}

function secret(ref: unknown, field: string, env: NodeJS.ProcessEnv, errors: string[], out: string[]) {
  if (ref === undefined) return ''
  if (!isSecretRef(ref)) {
    errors.push(`${field} must be a string, {"env": NAME} or {"file": PATH}`)
    return ''
  }
  try {
    const v = resolveSecret(ref as SecretRef, field, env)
    if (v.length >= 4) out.push(v)
    return v
  } catch (err) {
    errors.push((err as Error).message)
    return ''
  }
}

/** `kafka.ssl`: true/false or the TLS object; its files (relative to the working directory) are read now. */
function kafkaTls(raw: unknown, env: NodeJS.ProcessEnv, errors: string[], out: string[]) {
  if (raw === undefined) return false
  const parsed = parseKafkaTls(raw, 'kafka.ssl', errors)
  const tls = resolveKafkaTls(parsed, { field: 'kafka.ssl', env })
  errors.push(...tls.errors)
  out.push(...tls.secrets)
  return tls.ssl
}

/** Validates a parsed config object with environment overrides applied. */
export function buildConfig(raw: unknown, env: NodeJS.ProcessEnv): ConfigResult {
  const errors: string[] = []
  const secrets: string[] = []
  if (!isObj(raw)) return { ok: false, errors: ['the configuration must be a JSON object'] }
  const c = checker(errors)
  c.known(raw, 'config', [
    'kafka',
    'key',
    'keys',
    'activeKid',
    'topicToTable',
    'topic2tableMap',
    'target',
    'tables',
    'flush',
    'deadLetterTopic',
    'ops',
    'logLevel',
    'shutdownTimeoutMs',
  ])

  const k = c.obj(raw, 'kafka', 'kafka', true)
  c.known(k, 'kafka', [
    'brokers',
    'clientId',
    'groupId',
    'topics',
    'topicPattern',
    'fromBeginning',
    'sessionTimeoutMs',
    'ssl',
    'sasl',
  ])
  const brokersEnv = env.SINKER_KAFKA_BROKERS ?? env.KAFKA_BROKERS
  const kafkaIn: Obj = {
    ...k,
    ...(brokersEnv ? { brokers: brokersEnv } : {}),
    ...(env.SINKER_GROUP_ID ? { groupId: env.SINKER_GROUP_ID } : {}),
  }
  const topics =
    kafkaIn.topics === undefined || (Array.isArray(kafkaIn.topics) && kafkaIn.topics.length === 0)
      ? []
      : c.list(kafkaIn, 'topics', 'kafka')
  const topicPattern =
    kafkaIn.topicPattern === undefined ? undefined : c.str(kafkaIn, 'topicPattern', 'kafka')
  if (topicPattern) {
    try {
      new RegExp(topicPattern)
    } catch {
      errors.push(`kafka.topicPattern must be a regular expression, received ${show(topicPattern)}`)
    }
  }
  if (topics.length === 0 && !topicPattern)
    errors.push('kafka.topics or kafka.topicPattern must name what to consume')
  let sasl: SinkerConfig['kafka']['sasl']
  if (kafkaIn.sasl !== undefined) {
    const s = c.obj(kafkaIn, 'sasl', 'kafka')
    c.known(s, 'kafka.sasl', ['mechanism', 'username', 'password'])
    const mechanism = s.mechanism ?? 'plain'
    if (mechanism !== 'plain' && mechanism !== 'scram-sha-256' && mechanism !== 'scram-sha-512')
      errors.push(
        `kafka.sasl.mechanism must be plain, scram-sha-256 or scram-sha-512, received ${show(mechanism)}`,
      )
    sasl = {
      mechanism: mechanism as 'plain',
      username: c.str(s, 'username', 'kafka.sasl'),
      password: secret(s.password, 'kafka.sasl.password', env, errors, secrets),
    }
  }
  const kafka: SinkerConfig['kafka'] = {
    brokers: c.list(kafkaIn, 'brokers', 'kafka'),
    clientId: c.str(kafkaIn, 'clientId', 'kafka', 'sinker'),
    groupId: c.str(kafkaIn, 'groupId', 'kafka', 'sinker'),
    topics,
    ...(topicPattern ? { topicPattern } : {}),
    fromBeginning: c.bool(kafkaIn, 'fromBeginning', 'kafka', true),
    sessionTimeoutMs: c.int(kafkaIn, 'sessionTimeoutMs', 'kafka', 30_000, 6_000, 300_000),
    ssl: kafkaTls(kafkaIn.ssl, env, errors, secrets),
    ...(sasl ? { sasl } : {}),
  }

  const keys: SinkerConfig['keys'] = {}
  if (raw.key !== undefined && raw.keys !== undefined)
    errors.push('config.key and config.keys are exclusive: give one')
  else if (raw.key !== undefined || env.SINKER_KEY) {
    keys.key = secret(raw.key ?? { env: 'SINKER_KEY' }, 'key', env, errors, secrets)
  } else if (isObj(raw.keys)) {
    keys.keys = {}
    for (const [kid, ref] of Object.entries(raw.keys))
      keys.keys[kid] = secret(ref, `keys.${kid}`, env, errors, secrets)
    if (typeof raw.activeKid !== 'string' || !(raw.activeKid in raw.keys))
      errors.push(
        `activeKid must name one of keys (${Object.keys(raw.keys).join(', ')}), received ${show(raw.activeKid)}`,
      )
    else keys.activeKid = raw.activeKid
  } else
    errors.push('key (or keys + activeKid) must give the envelope key: {"env": NAME}, {"file": PATH} or hex')

  let topicToTable: Record<string, string> = {}
  if (typeof raw.topic2tableMap === 'string')
    topicToTable = parseTopicTableMap(raw.topic2tableMap, 'topic2tableMap', errors)
  else if (raw.topic2tableMap !== undefined)
    errors.push(`topic2tableMap must be "topic:table,topic:table", received ${show(raw.topic2tableMap)}`)
  if (raw.topicToTable !== undefined) {
    if (
      !isObj(raw.topicToTable) ||
      !Object.values(raw.topicToTable).every((v) => typeof v === 'string' && v !== '')
    )
      errors.push(`topicToTable must map topic names to table names, received ${show(raw.topicToTable)}`)
    else topicToTable = { ...topicToTable, ...(raw.topicToTable as Record<string, string>) }
  }
  for (const t of topics) if (topicToTable[t] === undefined) topicToTable[t] = t

  const target = buildTarget(c.obj(raw, 'target', 'target', true), env, errors, secrets, c)

  const tables: Record<string, TableOverride> = {}
  for (const [name, v] of Object.entries(c.obj(raw, 'tables', 'config'))) {
    if (!isObj(v)) {
      errors.push(`tables.${name} must be an object, received ${show(v)}`)
      continue
    }
    c.known(v, `tables.${name}`, ['columns'])
    tables[name] = v.columns === undefined ? {} : { columns: c.list(v, 'columns', `tables.${name}`) }
  }

  const f = c.obj(raw, 'flush', 'config')
  c.known(f, 'flush', ['rows', 'bytes', 'intervalMs', 'minTableIntervalMs', 'memoryBudgetBytes'])
  const intervalMs = c.int(f, 'intervalMs', 'flush', 1000, 10)
  const flush = {
    rows: c.int(f, 'rows', 'flush', 100_000, 1),
    bytes: c.int(f, 'bytes', 'flush', 64 * 1024 * 1024, 1024),
    intervalMs,
    // StarRocks: at most 4 loads of a table per second by default (250 ms apart, or the
    // flush interval if shorter), however many partitions feed it: each load is a new
    // version of every tablet it touches ("too many versions"). Not one per interval: the
    // loads of a table fed by N partitions would then take turns, N intervals apart, and a
    // 4-partition table's p99 latency went from 1.9 s to 4.4 s (README). The spacing also
    // applies to batches cut by size or by the memory budget. MySQL has no such cost.
    minTableIntervalMs: c.int(
      f,
      'minTableIntervalMs',
      'flush',
      target.kind === 'mysql' ? 0 : Math.min(intervalMs, defaultMaxTableIntervalMs),
      0,
    ),
    memoryBudgetBytes: c.int(f, 'memoryBudgetBytes', 'flush', 512 * 1024 * 1024, 1024 * 1024),
  }
  if (flush.bytes > flush.memoryBudgetBytes)
    errors.push(
      `flush.bytes (${flush.bytes}) must not exceed flush.memoryBudgetBytes (${flush.memoryBudgetBytes})`,
    )

  const deadLetterTopic = c.str(
    { ...raw, ...(env.SINKER_DLQ_TOPIC ? { deadLetterTopic: env.SINKER_DLQ_TOPIC } : {}) },
    'deadLetterTopic',
    'config',
  )
  if (topics.includes(deadLetterTopic))
    errors.push(`deadLetterTopic must not be one of kafka.topics, received ${show(deadLetterTopic)}`)
  const o = { ...c.obj(raw, 'ops', 'config') }
  c.known(o, 'ops', ['port', 'host'])
  if (env.SINKER_OPS_PORT !== undefined) o.port = Number(env.SINKER_OPS_PORT)
  const logLevel = env.SINKER_LOG_LEVEL ?? raw.logLevel ?? 'info'
  if (!['debug', 'info', 'warn', 'error'].includes(logLevel as string))
    errors.push(`logLevel must be debug, info, warn or error, received ${show(logLevel)}`)

  const config: SinkerConfig = {
    kafka,
    keys,
    topicToTable,
    target,
    tables,
    flush,
    deadLetterTopic,
    ops: { port: c.int(o, 'port', 'ops', 9464, 0, 65535), host: c.str(o, 'host', 'ops', '0.0.0.0') },
    logLevel: logLevel as SinkerConfig['logLevel'],
    shutdownTimeoutMs: c.int(raw, 'shutdownTimeoutMs', 'config', 8000, 100, 60_000),
    secrets,
  }
  if (errors.length > 0) return { ok: false, errors }
  return { ok: true, config: deepFreeze(config) }
}

function buildTarget(
  t: Obj,
  env: NodeJS.ProcessEnv,
  errors: string[],
  secrets: string[],
  c: ReturnType<typeof checker>,
): SinkerConfig['target'] {
  const kind = t.kind ?? 'starrocks'
  const password = secret(t.password ?? '', 'target.password', env, errors, secrets)
  if (kind === 'mysql') {
    c.known(t, 'target', ['kind', 'host', 'port', 'database', 'user', 'password'])
    return {
      kind,
      host: c.str(t, 'host', 'target'),
      port: c.int(t, 'port', 'target', 3306, 1, 65535),
      database: c.str(t, 'database', 'target'),
      user: c.str(t, 'user', 'target'),
      password,
    }
  }
  if (kind !== 'starrocks') errors.push(`target.kind must be "starrocks" or "mysql", received ${show(kind)}`)
  c.known(t, 'target', [
    'kind',
    'endpoints',
    'mode',
    'database',
    'user',
    'password',
    'query',
    'labelPrefix',
    'requestTimeoutMs',
    'maxAttempts',
  ])
  const endpoints = c.list(
    env.SINKER_STARROCKS_ENDPOINTS ? { ...t, endpoints: env.SINKER_STARROCKS_ENDPOINTS } : t,
    'endpoints',
    'target',
  )
  const mode = t.mode ?? 'fe'
  if (mode !== 'fe' && mode !== 'be') errors.push(`target.mode must be "fe" or "be", received ${show(mode)}`)
  let query: { host: string; port: number; user: string; password: string } | undefined
  if (t.query !== undefined) {
    const q = c.obj(t, 'query', 'target')
    c.known(q, 'target.query', ['host', 'port', 'user', 'password'])
    query = {
      host: c.str(q, 'host', 'target.query'),
      port: c.int(q, 'port', 'target.query', 9030, 1, 65535),
      // the FE's MySQL port takes the same account as Stream Load unless told otherwise
      user: q.user === undefined ? String(t.user ?? '') : c.str(q, 'user', 'target.query'),
      password:
        q.password === undefined
          ? password
          : secret(q.password, 'target.query.password', env, errors, secrets),
    }
  }
  const labelPrefix = c.str(t, 'labelPrefix', 'target', 'sinker')
  if (labelPrefix.length > 32)
    errors.push(`target.labelPrefix must be at most 32 characters, received ${show(labelPrefix)}`)
  return {
    kind: 'starrocks',
    endpoints,
    mode: mode as 'fe',
    database: c.str(t, 'database', 'target'),
    user: c.str(t, 'user', 'target'),
    password,
    ...(query ? { query } : {}),
    labelPrefix,
    ...(t.requestTimeoutMs === undefined
      ? {}
      : { requestTimeoutMs: c.int(t, 'requestTimeoutMs', 'target', 0, 100) }),
    maxAttempts: c.int(t, 'maxAttempts', 'target', 5, 1, 100),
  }
}

function deepFreeze<T>(v: T): T {
  if (typeof v === 'object' && v !== null) {
    for (const x of Object.values(v)) deepFreeze(x)
    Object.freeze(v)
  }
  return v
}

/** Reads the config file named by --config or SINKER_CONFIG. */
export function loadConfig(argv: readonly string[], env: NodeJS.ProcessEnv): ConfigResult {
  const i = argv.indexOf('--config')
  const path = i >= 0 ? argv[i + 1] : env.SINKER_CONFIG
  if (!path)
    return { ok: false, errors: ['--config <file> (or SINKER_CONFIG) must name the configuration file'] }
  let raw: unknown
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'))
  } catch (err) {
    const e = err as NodeJS.ErrnoException
    return { ok: false, errors: [`config file ${path}: ${e.code ?? e.message}`] }
  }
  return buildConfig(raw, env)
}
