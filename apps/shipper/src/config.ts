// The only reader of the environment and of configuration files: parse → defaults →
// cross-field rules → a frozen ShipperConfig, or every problem found, one line each.

import { existsSync, readFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import type { KafkaSettings } from '@sync/delivery'
import { parseKafkaTls, resolveKafkaTls, resolveSecret, type SecretRef } from '@sync/service-kit'
import { FieldErrors, Fields, isObj } from './config-fields.ts'

export type StartSpec = 'now' | { file: string; pos: number } | { gtid: string }
export type OutputFormat = 'seed' | 'debezium'
export type { KafkaSettings }

export interface SourceConfig {
  id: string
  connection: {
    host: string
    port: number
    user: string
    password: string
    ssl?: { rejectUnauthorized: boolean }
  }
  serverId: number
  start: StartSpec
  rulesDir: string
  timeZone?: string
  highWaterMark: number
}

export interface ShipperConfig {
  sources: SourceConfig[]
  kafka: KafkaSettings
  encryption: { keys: Record<string, string>; activeKid?: string; fastSeal: boolean }
  format: OutputFormat
  /** Where each source's checkpoint lives: a file in `dir` (default) or a Kafka topic. */
  checkpoint: { store: 'file' | 'kafka'; dir: string; topic?: string; intervalMs: number }
  batch: { maxMessages: number; maxBytes: number }
  rules: { watch: boolean; debounceMs: number }
  metrics: { port: number; host: string }
  log: { level: 'debug' | 'info' | 'warn' | 'error' }
  shutdownTimeoutMs: number
  /** Every resolved secret, so the logger can blank them anywhere. */
  secrets: string[]
}

export type ConfigResult = { ok: true; config: ShipperConfig; path: string } | { ok: false; errors: string[] }

const topFields = [
  'sources',
  'rulesDir',
  'kafka',
  'encryption',
  'format',
  'checkpoint',
  'batch',
  'rules',
  'metrics',
  'log',
  'shutdownTimeoutMs',
]
const sourceFields = [
  'id',
  'host',
  'port',
  'user',
  'password',
  'ssl',
  'serverId',
  'start',
  'rulesDir',
  'timeZone',
  'highWaterMark',
]
const kafkaFields = [
  'brokers',
  'clientId',
  'ssl',
  'sasl',
  'compression',
  'idempotent',
  'worker',
  'requestTimeoutMs',
  'connectionTimeoutMs',
]

/** Validates a parsed configuration object. Relative paths resolve against `baseDir`. */
export function parseConfig(raw: unknown, env: NodeJS.ProcessEnv, baseDir: string): ConfigResult {
  const errors = new FieldErrors()
  const secrets: string[] = []
  const secret = (f: Fields, key: string, required = true): string | undefined => {
    const ref: SecretRef | undefined = f.secret(key, required)
    if (ref === undefined) return undefined
    try {
      const v = resolveSecret(ref, f.name(key), env)
      secrets.push(v)
      return v
    } catch (err) {
      errors.raw((err as Error).message)
      return undefined
    }
  }
  const root = Fields.of('config', raw, errors)
  if (!root) return { ok: false, errors: errors.list }
  const top = new Fields('', root.value, errors)
  top.known(topFields)
  const defaultRules = env.SHIPPER_RULES_DIR ?? top.optionalString('rulesDir')

  const sources: SourceConfig[] = []
  const rawSources = top.value.sources
  if (!Array.isArray(rawSources) || rawSources.length === 0)
    errors.add('sources', 'a non-empty array', rawSources)
  else {
    rawSources.forEach((item, i) => {
      const s = Fields.of(`sources[${i}]`, item, errors)
      if (!s) return
      s.known(sourceFields)
      const id = s.string('id')
      if (id !== undefined && !/^[A-Za-z0-9_.-]+$/.test(id))
        errors.add(s.name('id'), 'letters, digits, _ . -', id)
      const host = s.string('host')
      const port = s.int('port', 1, 65535, 3306)
      const user = s.string('user')
      const password = secret(s, 'password')
      const serverId = s.int('serverId', 2, 4294967295)
      const start = parseStart(s, errors)
      const rulesDir = s.optionalString('rulesDir') ?? defaultRules
      if (rulesDir === undefined) errors.raw(`sources[${i}].rulesDir (or the top-level rulesDir) is required`)
      const ssl = s.boolean('ssl', false)
      const highWaterMark = s.int('highWaterMark', 1, 10_000_000, 10_000)
      const timeZone = s.optionalString('timeZone')
      if ([id, host, port, user, password, serverId, start, rulesDir, highWaterMark].includes(undefined))
        return
      sources.push({
        id: id!,
        connection: {
          host: host!,
          port: port!,
          user: user!,
          password: password!,
          ...(ssl ? { ssl: { rejectUnauthorized: true } } : {}),
        },
        serverId: serverId!,
        start: start!,
        rulesDir: resolve(baseDir, rulesDir!),
        ...(timeZone !== undefined ? { timeZone } : {}),
        highWaterMark: highWaterMark!,
      })
    })
    const ids = sources.map((s) => s.id)
    const serverIds = sources.map((s) => s.serverId)
    for (const [i, id] of ids.entries()) {
      if (ids.indexOf(id) !== i) errors.raw(`sources[${i}].id "${id}" is used by another source`)
    }
    for (const [i, sid] of serverIds.entries()) {
      if (serverIds.indexOf(sid) !== i) {
        errors.raw(`sources[${i}].serverId ${sid} is used by another source; each reader needs its own`)
      }
    }
  }

  const k = Fields.of('kafka', top.value.kafka ?? {}, errors)
  let kafka: KafkaSettings | undefined
  if (k) {
    k.known(kafkaFields)
    const envBrokers = env.SHIPPER_KAFKA_BROKERS ?? env.KAFKA_BROKERS
    const brokers = envBrokers
      ? envBrokers
          .split(',')
          .map((b) => b.trim())
          .filter(Boolean)
      : k.stringList('brokers')
    const sasl = Fields.of('kafka.sasl', k.value.sasl, errors, false)
    let saslOut: KafkaSettings['sasl']
    if (sasl) {
      sasl.known(['mechanism', 'username', 'password'])
      const mechanism = sasl.oneOf('mechanism', ['plain', 'scram-sha-256', 'scram-sha-512'] as const, 'plain')
      const username = sasl.string('username')
      const password = secret(sasl, 'password')
      if (username !== undefined && password !== undefined) saslOut = { mechanism, username, password }
    }
    let ssl: KafkaSettings['ssl'] = false
    if (k.value.ssl !== undefined) {
      const parsed = parseKafkaTls(k.value.ssl, 'kafka.ssl', errors.list)
      // files are read here, at start: a missing CA fails the start, not every connection
      const tls = resolveKafkaTls(parsed, { field: 'kafka.ssl', env, baseDir })
      for (const e of tls.errors) errors.raw(e)
      secrets.push(...tls.secrets)
      ssl = tls.ssl
    }
    kafka = {
      brokers: brokers ?? [],
      clientId: k.string('clientId', 'sync-shipper')!,
      ssl,
      ...(saslOut ? { sasl: saslOut } : {}),
      compression: k.oneOf('compression', ['none', 'gzip'] as const, 'none'),
      idempotent: k.boolean('idempotent', false),
      worker: k.boolean('worker', false),
      requestTimeoutMs: k.int('requestTimeoutMs', 100, 600_000, 30_000) ?? 30_000,
      connectionTimeoutMs: k.int('connectionTimeoutMs', 100, 600_000, 10_000) ?? 10_000,
    }
  }

  const encryption = parseEncryption(top, errors, secret)
  const format = top.oneOf('format', ['seed', 'debezium'] as const, 'seed')
  const envFormat = env.SHIPPER_FORMAT
  if (envFormat !== undefined && envFormat !== 'seed' && envFormat !== 'debezium')
    errors.add('SHIPPER_FORMAT', '"seed" or "debezium"', envFormat)

  const cp = Fields.of('checkpoint', top.value.checkpoint ?? {}, errors)
  cp?.known(['store', 'dir', 'topic', 'intervalMs'])
  const cpDir = env.SHIPPER_CHECKPOINT_DIR ?? cp?.string('dir', './checkpoints') ?? './checkpoints'
  const cpStore = cp?.oneOf('store', ['file', 'kafka'] as const, 'file') ?? 'file'
  const cpTopic =
    env.SHIPPER_CHECKPOINT_TOPIC ?? (cpStore === 'kafka' ? cp?.string('topic') : cp?.optionalString('topic'))
  const b = Fields.of('batch', top.value.batch ?? {}, errors)
  b?.known(['maxMessages', 'maxBytes'])
  const r = Fields.of('rules', top.value.rules ?? {}, errors)
  r?.known(['watch', 'debounceMs'])
  const m = Fields.of('metrics', top.value.metrics ?? {}, errors)
  m?.known(['port', 'host'])
  const envPort = env.SHIPPER_METRICS_PORT
  if (envPort !== undefined && !/^\d+$/.test(envPort))
    errors.add('SHIPPER_METRICS_PORT', 'an integer 0..65535', envPort)
  const l = Fields.of('log', top.value.log ?? {}, errors)
  l?.known(['level'])
  const levels = ['debug', 'info', 'warn', 'error'] as const
  const envLevel = env.SHIPPER_LOG_LEVEL
  if (envLevel !== undefined && !levels.includes(envLevel as never))
    errors.add('SHIPPER_LOG_LEVEL', levels.join(', '), envLevel)

  const config: ShipperConfig = {
    sources,
    kafka: kafka!,
    encryption: encryption!,
    format: (envFormat as OutputFormat | undefined) ?? format,
    checkpoint: {
      store: cpStore,
      dir: resolve(baseDir, cpDir),
      ...(cpTopic !== undefined ? { topic: cpTopic } : {}),
      intervalMs: cp?.int('intervalMs', 0, 3_600_000, 1000) ?? 1000,
    },
    batch: {
      maxMessages: b?.int('maxMessages', 1, 1_000_000, 5000) ?? 5000,
      maxBytes: b?.int('maxBytes', 1024, 1_073_741_824, 4 * 1024 * 1024) ?? 4 * 1024 * 1024,
    },
    rules: {
      watch: r?.boolean('watch', true) ?? true,
      debounceMs: r?.int('debounceMs', 0, 60_000, 300) ?? 300,
    },
    metrics: {
      port: envPort !== undefined ? Number(envPort) : (m?.int('port', 0, 65535, 9464) ?? 9464),
      host: m?.string('host', '0.0.0.0') ?? '0.0.0.0',
    },
    log: {
      level: (envLevel as (typeof levels)[number] | undefined) ?? l?.oneOf('level', levels, 'info') ?? 'info',
    },
    shutdownTimeoutMs: top.int('shutdownTimeoutMs', 1000, 600_000, 9000) ?? 9000,
    secrets,
  }
  if (errors.list.length > 0) return { ok: false, errors: errors.list }
  return { ok: true, config: deepFreeze(config), path: baseDir }
}

function parseStart(s: Fields, errors: FieldErrors): StartSpec | undefined {
  const v = s.value.start
  if (v === undefined || v === 'now') return 'now'
  const f = Fields.of(s.name('start'), v, errors)
  if (!f) return undefined
  if (f.has('gtid')) {
    f.known(['gtid'])
    const gtid = f.string('gtid')
    return gtid === undefined ? undefined : { gtid }
  }
  f.known(['file', 'pos'])
  const file = f.string('file')
  const pos = f.int('pos', 4, Number.MAX_SAFE_INTEGER)
  return file === undefined || pos === undefined ? undefined : { file, pos }
}

function parseEncryption(
  top: Fields,
  errors: FieldErrors,
  secret: (f: Fields, key: string) => string | undefined,
): ShipperConfig['encryption'] | undefined {
  const e = Fields.of('encryption', top.value.encryption, errors)
  if (!e) return undefined
  e.known(['key', 'keys', 'activeKid', 'fastSeal'])
  const fastSeal = e.boolean('fastSeal', true)
  if (e.has('key') === e.has('keys')) {
    errors.raw('encryption must have exactly one of "key" or "keys"')
    return undefined
  }
  const hex = (v: string | undefined, field: string) => {
    if (v !== undefined && !/^([0-9a-fA-F]{32}|[0-9a-fA-F]{48}|[0-9a-fA-F]{64})$/.test(v.trim())) {
      errors.raw(`${field} must be a hex AES key of 16, 24 or 32 bytes (value not shown)`)
    }
    return v?.trim()
  }
  if (e.has('key')) {
    const key = hex(secret(e, 'key'), 'encryption.key')
    return key === undefined ? undefined : { keys: { '': key }, fastSeal }
  }
  const ks = Fields.of('encryption.keys', e.value.keys, errors)
  if (!ks) return undefined
  const keys: Record<string, string> = {}
  for (const kid of Object.keys(ks.value)) {
    const v = hex(secret(ks, kid), `encryption.keys.${kid}`)
    if (v !== undefined) keys[kid] = v
  }
  const activeKid = e.string('activeKid')
  if (activeKid !== undefined && !(activeKid in ks.value))
    errors.add('encryption.activeKid', `one of the key ids (${Object.keys(ks.value).join(', ')})`, activeKid)
  return activeKid === undefined ? undefined : { keys, activeKid, fastSeal }
}

function deepFreeze<T>(value: T): T {
  if (isObj(value) || Array.isArray(value)) {
    for (const v of Object.values(value as object)) deepFreeze(v)
    Object.freeze(value)
  }
  return value
}

/** Finds the config path (`--config` or SHIPPER_CONFIG), reads and validates it. */
export function loadConfig(argv: readonly string[], env: NodeJS.ProcessEnv, cwd: string): ConfigResult {
  let path: string | undefined
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!
    if (a === '--config') path = argv[++i]
    else if (a.startsWith('--config=')) path = a.slice('--config='.length)
    else if (a !== '--')
      return {
        ok: false,
        errors: [`unknown argument ${JSON.stringify(a)}; usage: shipper --config <file.json>`],
      }
  }
  path ??= env.SHIPPER_CONFIG
  if (path === undefined || path === '') return { ok: false, errors: noConfigHelp(cwd) }
  const full = resolve(cwd, path)
  let text: string
  try {
    text = readFileSync(full, 'utf8')
  } catch (err) {
    return {
      ok: false,
      errors: [`config file ${full} cannot be read: ${(err as NodeJS.ErrnoException).code ?? 'error'}`],
    }
  }
  let raw: unknown
  try {
    raw = JSON.parse(text)
  } catch (err) {
    return { ok: false, errors: [`config file ${full} is not valid JSON: ${(err as Error).message}`] }
  }
  return parseConfig(raw, env, dirname(full))
}

function noConfigHelp(cwd: string): string[] {
  const lines = ['no configuration given: pass --config <file.json> or set SHIPPER_CONFIG']
  for (let dir = cwd; ; dir = dirname(dir)) {
    if (existsSync(join(dir, '.stack', 'env.json'))) {
      lines.push(
        `a local stack is running (${join(dir, '.stack', 'env.json')}): the shipper needs a config naming a source ` +
          '(MariaDB host/port/user/password, serverId), a rules directory, the Kafka brokers and an encryption key; ' +
          `start from ${join(dir, 'apps', 'shipper', 'config.example.json')} (documented in apps/shipper/README.md)`,
      )
      break
    }
    if (dirname(dir) === dir) break
  }
  return lines
}
