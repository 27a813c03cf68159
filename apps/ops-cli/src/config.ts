// The only reader of the environment and of configuration and secret files. Precedence:
// flag > environment variable > configuration file > default. Secrets come from a file
// (--x-password-file), a named environment variable (--x-password-env), the default
// variable, or a SecretRef in the configuration file; never from a literal flag.
import { readFileSync } from 'node:fs'
import { resolveKey } from '@sync/crypto-envelope'
import type { KafkaClientOptions, MysqlTlsOptions } from '@sync/ops-kit'
import {
  isSecretRef,
  type KafkaSaslMechanism,
  type KafkaTlsField,
  type KafkaTlsFieldNames,
  kafkaSaslMechanisms,
  kafkaTlsWarning,
  parseKafkaTls,
  resolveKafkaTls,
  resolveSecret,
  type SecretRef,
} from '@sync/service-kit'
import type { FlagValues } from './cli/command.ts'
import { bool, list, parseIntIn, str } from './cli/flags.ts'
import { CliError, describeError } from './errors.ts'
import { type FileConfig, parseFileConfig } from './lib/file-config.ts'

export type Env = Readonly<Record<string, string | undefined>>

export interface Endpoint {
  host: string
  port: number
  user: string
  password: string
  /** "MySQL at host:port" — for messages; holds no secret. */
  label: string
  /** TLS, verifying the server's certificate. */
  ssl?: MysqlTlsOptions
}

export interface StarRocksEndpoint extends Endpoint {
  database?: string
  httpUrl?: string
}

export interface Settings {
  file: FileConfig
  env: Env
  values: FlagValues
}

export function readTextFile(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8')
  } catch (err) {
    throw new CliError(
      'OPS_INPUT',
      `cannot read ${what} ${path}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`,
      {
        cause: err,
      },
    )
  }
}

export function loadSettings(values: FlagValues, env: Env): Settings {
  const path = str(values, 'config') ?? env.OPS_CLI_CONFIG
  if (path === undefined || path === '') return { file: {}, env, values }
  const text = readTextFile(path, 'configuration file')
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (err) {
    throw new CliError(
      'OPS_CONFIG',
      `configuration file ${path} is not valid JSON: ${(err as Error).message}`,
    )
  }
  const { config, errors } = parseFileConfig(json)
  if (errors.length > 0) throw new CliError('OPS_CONFIG', `configuration file ${path}: ${errors.join('; ')}`)
  return { file: config, env, values }
}

function secret(
  s: Settings,
  flagPrefix: string,
  envName: string,
  ref: SecretRef | undefined,
  field: string,
): string {
  const file = str(s.values, `${flagPrefix}-password-file`)
  const fromEnv = str(s.values, `${flagPrefix}-password-env`)
  try {
    if (file !== undefined) return resolveSecret({ file }, `--${flagPrefix}-password-file`, s.env)
    if (fromEnv !== undefined) return resolveSecret({ env: fromEnv }, `--${flagPrefix}-password-env`, s.env)
  } catch (err) {
    throw new CliError('OPS_CONFIG', (err as Error).message, { cause: err })
  }
  if (s.env[envName] !== undefined) return s.env[envName] ?? ''
  if (ref === undefined) return ''
  if (!isSecretRef(ref))
    throw new CliError('OPS_CONFIG', `${field} must be a string, { "env": NAME } or { "file": PATH }`)
  try {
    return resolveSecret(ref, field, s.env)
  } catch (err) {
    throw new CliError('OPS_CONFIG', (err as Error).message, { cause: err })
  }
}

/** "true"/"1"/"yes" or "false"/"0"/"no" from an environment variable or a flag named `name`. */
function parseBoolean(raw: string, name: string): boolean {
  if (/^(true|1|yes)$/i.test(raw)) return true
  if (/^(false|0|no)$/i.test(raw)) return false
  throw new CliError('OPS_CONFIG', `${name} must be true or false, received ${JSON.stringify(raw)}`)
}

/** A boolean from a flag, else an environment variable, else the file. */
function flag(s: Settings, name: string, envName: string, fromFile: boolean | undefined): boolean {
  if (bool(s.values, name)) return true
  const raw = s.env[envName]
  if (raw !== undefined && raw !== '') return parseBoolean(raw, envName)
  return fromFile ?? false
}

const tls = (on: boolean) => (on ? { ssl: { rejectUnauthorized: true } } : {})

function port(raw: string | number | undefined, label: string, fallback: number): number {
  if (raw === undefined || raw === '') return fallback
  return parseIntIn(String(raw), label, { min: 1, max: 65535 })
}

export function mysqlEndpoint(s: Settings): Endpoint {
  const f = s.file.mysql ?? {}
  const host = str(s.values, 'mysql-host') ?? s.env.MYSQL_HOST ?? f.host ?? '127.0.0.1'
  const p = port(str(s.values, 'mysql-port') ?? s.env.MYSQL_PORT ?? f.port, '--mysql-port', 3306)
  const user = str(s.values, 'mysql-user') ?? s.env.MYSQL_USER ?? f.user ?? 'root'
  const password = secret(s, 'mysql', 'MYSQL_PASSWORD', f.password, 'mysql.password')
  const ssl = flag(s, 'mysql-ssl', 'MYSQL_SSL', f.ssl)
  return { host, port: p, user, password, label: `MySQL at ${host}:${p}`, ...tls(ssl) }
}

export function starRocksEndpoint(s: Settings): StarRocksEndpoint {
  const f = s.file.starrocks ?? {}
  const host = str(s.values, 'sr-host') ?? s.env.STARROCKS_HOST ?? f.host ?? '127.0.0.1'
  const p = port(str(s.values, 'sr-port') ?? s.env.STARROCKS_PORT ?? f.port, '--sr-port', 9030)
  const user = str(s.values, 'sr-user') ?? s.env.STARROCKS_USER ?? f.user ?? 'root'
  const password = secret(s, 'sr', 'STARROCKS_PASSWORD', f.password, 'starrocks.password')
  const database = str(s.values, 'sr-database') ?? s.env.STARROCKS_DATABASE ?? f.database
  const httpUrl = str(s.values, 'sr-http-url') ?? s.env.STARROCKS_HTTP_URL ?? f.httpUrl
  return {
    host,
    port: p,
    user,
    password,
    label: `StarRocks at ${host}:${p}`,
    ...tls(flag(s, 'sr-ssl', 'STARROCKS_SSL', f.ssl)),
    ...(database ? { database } : {}),
    ...(httpUrl ? { httpUrl } : {}),
  }
}

export function kafkaBrokers(s: Settings, required = true): string[] {
  const fromFlag = list(s.values, 'brokers')
  const brokers =
    fromFlag.length > 0
      ? fromFlag
      : s.env.KAFKA_BROKERS
        ? s.env.KAFKA_BROKERS.split(',')
            .map((b) => b.trim())
            .filter(Boolean)
        : (s.file.kafka?.brokers ?? [])
  if (required && brokers.length === 0) {
    throw new CliError(
      'OPS_USAGE',
      'no Kafka brokers: pass --brokers host:port[,host:port] or set KAFKA_BROKERS',
    )
  }
  return brokers
}

/** The environment variables that set (or override) a field of the file's `kafka.ssl` object. */
export const kafkaTlsEnv = {
  caFile: 'KAFKA_SSL_CA_FILE',
  certFile: 'KAFKA_SSL_CERT_FILE',
  keyFile: 'KAFKA_SSL_KEY_FILE',
  passphrase: 'KAFKA_SSL_KEY_PASSPHRASE',
  servername: 'KAFKA_SSL_SERVERNAME',
  rejectUnauthorized: 'KAFKA_SSL_REJECT_UNAUTHORIZED',
} as const satisfies Record<KafkaTlsField, string>

/**
 * The flags that set (or override) a field of `kafka.ssl`. The passphrase has no literal flag,
 * only `--kafka-ssl-key-passphrase-file PATH` and `--kafka-ssl-key-passphrase-env NAME`.
 */
export const kafkaTlsFlags = {
  caFile: 'kafka-ssl-ca-file',
  certFile: 'kafka-ssl-cert-file',
  keyFile: 'kafka-ssl-key-file',
  servername: 'kafka-ssl-servername',
  rejectUnauthorized: 'kafka-ssl-reject-unauthorized',
} as const satisfies Partial<Record<KafkaTlsField, string>>

/**
 * TLS to Kafka: off, on with the system CAs (--kafka-ssl, KAFKA_SSL or `kafka.ssl: true`), or
 * the file's `kafka.ssl` object with each field overridden by its KAFKA_SSL_* variable and
 * then by its --kafka-ssl-* flag. Any of the variables turns TLS on unless KAFKA_SSL=false;
 * any of the flags turns it on regardless, as a flag outranks the environment. The files and
 * the passphrase are read here; errors name the flag, the variable or the field and the
 * path, never a content.
 */
function kafkaTls(s: Settings): KafkaClientOptions['ssl'] {
  const fromFile = s.file.kafka?.ssl
  const merged: Record<string, unknown> = typeof fromFile === 'object' ? { ...fromFile } : {}
  const names: KafkaTlsFieldNames = {}
  const set = (key: KafkaTlsField, name: string, raw: string) => {
    names[key] = name
    merged[key] = key === 'rejectUnauthorized' ? parseBoolean(raw, name) : raw
  }
  for (const [key, envName] of Object.entries(kafkaTlsEnv) as Array<[KafkaTlsField, string]>) {
    const raw = s.env[envName]
    if (raw === undefined || raw === '') continue
    if (key !== 'passphrase') set(key, envName, raw)
    else {
      names.passphrase = envName
      merged.passphrase = { env: envName }
    }
  }
  const fromEnv = Object.keys(names).length > 0
  let fromFlags = false
  for (const [key, name] of Object.entries(kafkaTlsFlags) as Array<[KafkaTlsField, string]>) {
    const raw = str(s.values, name)
    if (raw === undefined) continue
    set(key, `--${name}`, raw)
    fromFlags = true
  }
  const passphraseFile = str(s.values, 'kafka-ssl-key-passphrase-file')
  const passphraseEnv = str(s.values, 'kafka-ssl-key-passphrase-env')
  if (passphraseFile !== undefined) {
    names.passphrase = '--kafka-ssl-key-passphrase-file'
    merged.passphrase = { file: passphraseFile }
    fromFlags = true
  } else if (passphraseEnv !== undefined) {
    names.passphrase = '--kafka-ssl-key-passphrase-env'
    merged.passphrase = { env: passphraseEnv }
    fromFlags = true
  }
  const detailed = typeof fromFile === 'object' || fromEnv || fromFlags
  const on =
    fromFlags ||
    flag(s, 'kafka-ssl', 'KAFKA_SSL', typeof fromFile === 'boolean' ? fromFile || detailed : detailed)
  if (!on) return undefined
  if (!detailed) return true
  const errors: string[] = []
  const parsed = parseKafkaTls(merged, 'kafka.ssl', errors, names)
  const tls = resolveKafkaTls(parsed, { env: s.env, names })
  errors.push(...tls.errors)
  if (errors.length > 0) throw new CliError('OPS_CONFIG', errors.join('; '))
  const warning = kafkaTlsWarning(tls.ssl, names.rejectUnauthorized ?? 'kafka.ssl.rejectUnauthorized')
  if (warning) process.emitWarning(warning, { code: 'SYNC_KAFKA_TLS_UNVERIFIED' })
  return tls.ssl
}

/**
 * The secrets of Kafka client settings, for the output to blank: the SASL password, and the
 * TLS client key and its passphrase. Every command that builds a Kafka client registers them.
 */
export function kafkaSecrets(options: KafkaClientOptions): string[] {
  const out: string[] = []
  if (options.sasl?.password) out.push(options.sasl.password)
  const ssl = options.ssl
  if (typeof ssl === 'object') {
    if (typeof ssl.passphrase === 'string') out.push(ssl.passphrase)
    if (typeof ssl.key === 'string') out.push(ssl.key)
  }
  return out
}

/**
 * The Kafka client settings of the CLI's Kafka commands (snapshot, lag, doctor): the shipper's
 * `kafka` section (brokers, clientId, ssl, sasl, timeouts; parsed by service-kit's
 * parseKafkaSection), overridden by env and flags.
 */
export function kafkaClientOptions(s: Settings): KafkaClientOptions {
  const f = s.file.kafka ?? {}
  const brokers = kafkaBrokers(s)
  const ssl = kafkaTls(s)
  const username = str(s.values, 'kafka-sasl-username') ?? s.env.KAFKA_SASL_USERNAME ?? f.sasl?.username
  const rawMechanism =
    str(s.values, 'kafka-sasl-mechanism') ?? s.env.KAFKA_SASL_MECHANISM ?? f.sasl?.mechanism
  let sasl: KafkaClientOptions['sasl']
  if (rawMechanism !== undefined && !(kafkaSaslMechanisms as readonly string[]).includes(rawMechanism)) {
    const where =
      str(s.values, 'kafka-sasl-mechanism') !== undefined ? '--kafka-sasl-mechanism' : 'KAFKA_SASL_MECHANISM'
    throw new CliError(
      'OPS_CONFIG',
      `${where} must be one of ${kafkaSaslMechanisms.join(', ')}, received ${JSON.stringify(rawMechanism)}`,
    )
  }
  if (username !== undefined && username !== '') {
    const password = secret(s, 'kafka-sasl', 'KAFKA_SASL_PASSWORD', f.sasl?.password, 'kafka.sasl.password')
    if (password === '')
      throw new CliError(
        'OPS_CONFIG',
        'Kafka SASL needs a password: --kafka-sasl-password-file, --kafka-sasl-password-env, KAFKA_SASL_PASSWORD or kafka.sasl.password',
      )
    sasl = { mechanism: (rawMechanism ?? 'plain') as KafkaSaslMechanism, username, password }
  } else if (rawMechanism !== undefined) {
    throw new CliError(
      'OPS_CONFIG',
      'Kafka SASL needs a user name: --kafka-sasl-username, KAFKA_SASL_USERNAME or kafka.sasl.username',
    )
  }
  return {
    brokers,
    ...(f.clientId ? { clientId: f.clientId } : {}),
    ...(ssl ? { ssl } : {}),
    ...(sasl ? { sasl } : {}),
    ...(f.connectionTimeoutMs ? { connectionTimeoutMs: f.connectionTimeoutMs } : {}),
    ...(f.requestTimeoutMs ? { requestTimeoutMs: f.requestTimeoutMs } : {}),
  }
}

/** The envelope key as validated lower-case hex, or undefined when none is configured. */
export function envelopeKey(s: Settings): string | undefined {
  const file = str(s.values, 'key-file')
  const envName = str(s.values, 'key-env')
  let source: Parameters<typeof resolveKey>[0] | undefined
  if (file !== undefined) source = { file }
  else if (envName !== undefined) source = { env: envName }
  else if (s.env.SYNC_ENVELOPE_KEY) source = { env: 'SYNC_ENVELOPE_KEY' }
  else if (s.file.key !== undefined) {
    const ref = s.file.key
    source = typeof ref === 'string' ? ref : 'env' in ref ? { env: ref.env } : { file: ref.file }
  }
  if (source === undefined) return undefined
  try {
    return resolveKey(source, { env: s.env })
  } catch (err) {
    throw describeError(err)
  }
}

export function requireEnvelopeKey(s: Settings): string {
  const key = envelopeKey(s)
  if (key === undefined) {
    throw new CliError(
      'OPS_USAGE',
      'no envelope key: pass --key-file PATH or --key-env NAME, or set SYNC_ENVELOPE_KEY',
    )
  }
  return key
}

export function connectUrl(s: Settings): string {
  const url = str(s.values, 'url') ?? s.env.KAFKA_CONNECT_URL ?? s.file.connect?.url
  if (!url)
    throw new CliError(
      'OPS_USAGE',
      'no Kafka Connect URL: pass --url http://host:8083 or set KAFKA_CONNECT_URL',
    )
  if (!/^https?:\/\/[^/]+/.test(url)) {
    throw new CliError('OPS_USAGE', `--url must be an http(s) URL, received ${JSON.stringify(url)}`)
  }
  return url.replace(/\/+$/, '')
}

export function rulesDirectory(s: Settings): string | undefined {
  return str(s.values, 'rules') ?? s.env.SYNC_RULES_DIR ?? s.file.rules
}
