// The connection part of an app's `kafka` configuration section: brokers, clientId, TLS, SASL
// and timeouts, in the shape the shipper's configuration has them. One parser, so a section
// copied from one app's file into another's loads the same way and fails with the same
// messages. The SASL password and the TLS key's passphrase stay SecretRefs and the TLS files
// stay paths: the caller resolves them (resolveKafkaTls for TLS), because only the caller
// knows its precedence of flags, environment and file. The app's own fields of the section
// (the shipper's producer settings, the sinker's group and topics) come back in `other` for
// the app to check; any other field is an error naming it.
import { readFileSync } from 'node:fs'
import { isAbsolute, resolve } from 'node:path'
import { type ConnectionOptions, createSecureContext } from 'node:tls'
import { isSecretRef, resolveSecret, type SecretRef } from './secrets.ts'

export const kafkaSaslMechanisms = ['plain', 'scram-sha-256', 'scram-sha-512'] as const
export type KafkaSaslMechanism = (typeof kafkaSaslMechanisms)[number]

/** The fields this parser checks, in the order unknown-field messages list them. */
export const kafkaSectionFields = [
  'brokers',
  'clientId',
  'ssl',
  'sasl',
  'connectionTimeoutMs',
  'requestTimeoutMs',
] as const

export interface KafkaSection {
  brokers?: string[]
  clientId?: string
  /** TLS to the brokers: `true` verifies them against the system CAs; an object says how. */
  ssl?: boolean | KafkaTlsSection
  /** `mechanism` is `plain` when the section names none. */
  sasl?: { mechanism: KafkaSaslMechanism; username: string; password: SecretRef }
  connectionTimeoutMs?: number
  requestTimeoutMs?: number
}

/**
 * TLS to the brokers, beyond on/off: a private CA, a client certificate, the name to verify.
 * Files are PEM; their contents are read at start by resolveKafkaTls, never shown.
 */
export interface KafkaTlsSection {
  /** CA certificate(s) the brokers' certificates must chain to; replaces the system CAs. */
  caFile?: string
  /** Client certificate (chain) presented to the brokers; needs `keyFile`. */
  certFile?: string
  /** The client certificate's private key; needs `certFile`. */
  keyFile?: string
  /** Passphrase of an encrypted `keyFile`. */
  passphrase?: SecretRef
  /** Name the brokers' certificates must carry (default: each broker's host name). */
  servername?: string
  /** `false` turns certificate verification off (default true): a warning at every start. */
  rejectUnauthorized?: boolean
}

/** The fields of the TLS object, in the order unknown-field messages list them. */
export const kafkaTlsFields = [
  'caFile',
  'certFile',
  'keyFile',
  'passphrase',
  'servername',
  'rejectUnauthorized',
] as const

export interface ParseKafkaSectionOptions {
  /** The section's name in messages (default `kafka`). */
  field?: string
  /** The app's own fields of the section: returned in `other`, not checked here. */
  appFields?: readonly string[]
}

export interface KafkaSectionResult {
  section: KafkaSection
  /** Values of `appFields` present in the input. */
  other: Record<string, unknown>
  /** One message per bad field, naming it; a secret's value is never shown. */
  errors: string[]
}

export const timeoutRangeMs = { min: 100, max: 600_000 } as const

const show = (v: unknown) => JSON.stringify(v) ?? String(v)
const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v)

export function parseKafkaSection(raw: unknown, options: ParseKafkaSectionOptions = {}): KafkaSectionResult {
  const field = options.field ?? 'kafka'
  const appFields = options.appFields ?? []
  const errors: string[] = []
  const section: KafkaSection = {}
  const other: Record<string, unknown> = {}
  if (!isObject(raw)) {
    errors.push(`${field} must be an object, received ${show(raw)}`)
    return { section, other, errors }
  }
  const fail = (name: string, what: string, value: unknown) =>
    errors.push(`${field}.${name} must be ${what}, received ${show(value)}`)
  for (const [key, value] of Object.entries(raw)) {
    switch (key) {
      case 'brokers':
        if (Array.isArray(value) && value.length > 0 && value.every((b) => typeof b === 'string' && b !== ''))
          section.brokers = [...value]
        else fail(key, 'a non-empty array of "host:port" strings', value)
        break
      case 'clientId':
        if (typeof value === 'string' && value !== '') section.clientId = value
        else fail(key, 'a non-empty string', value)
        break
      case 'ssl': {
        const ssl = parseKafkaTls(value, `${field}.ssl`, errors)
        if (ssl !== undefined) section.ssl = ssl
        break
      }
      case 'connectionTimeoutMs':
      case 'requestTimeoutMs':
        if (
          typeof value === 'number' &&
          Number.isInteger(value) &&
          value >= timeoutRangeMs.min &&
          value <= timeoutRangeMs.max
        )
          section[key] = value
        else fail(key, `an integer ${timeoutRangeMs.min}..${timeoutRangeMs.max} (milliseconds)`, value)
        break
      case 'sasl': {
        const sasl = parseSasl(value, `${field}.sasl`, errors)
        if (sasl) section.sasl = sasl
        break
      }
      default:
        if (appFields.includes(key)) other[key] = value
        else
          errors.push(
            `unknown field ${field}.${key} (known: ${[...kafkaSectionFields, ...appFields].join(', ')})`,
          )
    }
  }
  return { section, other, errors }
}

function parseSasl(raw: unknown, field: string, errors: string[]): KafkaSection['sasl'] | undefined {
  if (!isObject(raw)) {
    errors.push(`${field} must be an object, received ${show(raw)}`)
    return undefined
  }
  const before = errors.length
  let mechanism: KafkaSaslMechanism = 'plain'
  let username: string | undefined
  let password: SecretRef | undefined
  for (const [key, value] of Object.entries(raw)) {
    if (key === 'mechanism') {
      if ((kafkaSaslMechanisms as readonly unknown[]).includes(value)) mechanism = value as KafkaSaslMechanism
      else
        errors.push(
          `${field}.mechanism must be one of ${kafkaSaslMechanisms.join(', ')}, received ${show(value)}`,
        )
    } else if (key === 'username') {
      if (typeof value === 'string' && value !== '') username = value
      else errors.push(`${field}.username must be a non-empty string, received ${show(value)}`)
    } else if (key === 'password') {
      // a malformed secret is not shown: it may be the password itself
      if (isSecretRef(value)) password = value
      else errors.push(`${field}.password must be a string, { "env": NAME } or { "file": PATH }`)
    } else {
      errors.push(`unknown field ${field}.${key} (known: mechanism, username, password)`)
    }
  }
  if (raw.username === undefined) errors.push(`${field}.username is required with ${field}`)
  if (raw.password === undefined) errors.push(`${field}.password is required with ${field}`)
  if (errors.length > before || username === undefined || password === undefined) return undefined
  return { mechanism, username, password }
}

/**
 * Checks a `kafka.ssl` value: `true`, `false` or a KafkaTlsSection. Appends one message per
 * problem to `errors`, naming the field (`kafka.ssl.caFile …`); a passphrase is never shown.
 * Returns undefined when anything is wrong.
 */
export function parseKafkaTls(
  raw: unknown,
  field: string,
  errors: string[],
  names: KafkaTlsFieldNames = {},
): boolean | KafkaTlsSection | undefined {
  const name = (key: KafkaTlsField) => names[key] ?? `${field}.${key}`
  if (typeof raw === 'boolean') return raw
  if (!isObject(raw)) {
    errors.push(
      `${field} must be true, false or an object (${kafkaTlsFields.join(', ')}), received ${show(raw)}`,
    )
    return undefined
  }
  const before = errors.length
  const out: KafkaTlsSection = {}
  for (const [key, value] of Object.entries(raw)) {
    switch (key) {
      case 'caFile':
      case 'certFile':
      case 'keyFile':
      case 'servername':
        if (typeof value === 'string' && value !== '') out[key] = value
        else errors.push(`${name(key)} must be a non-empty string, received ${show(value)}`)
        break
      case 'passphrase':
        // a malformed secret is not shown: it may be the passphrase itself
        if (isSecretRef(value)) out.passphrase = value
        else errors.push(`${name('passphrase')} must be a string, { "env": NAME } or { "file": PATH }`)
        break
      case 'rejectUnauthorized':
        if (typeof value === 'boolean') out.rejectUnauthorized = value
        else errors.push(`${name('rejectUnauthorized')} must be true or false, received ${show(value)}`)
        break
      default:
        errors.push(`unknown field ${field}.${key} (known: ${kafkaTlsFields.join(', ')})`)
    }
  }
  if (raw.certFile !== undefined && raw.keyFile === undefined)
    errors.push(`${name('keyFile')} is required with ${name('certFile')}`)
  if (raw.keyFile !== undefined && raw.certFile === undefined)
    errors.push(`${name('certFile')} is required with ${name('keyFile')}`)
  if (raw.passphrase !== undefined && raw.keyFile === undefined)
    errors.push(`${name('passphrase')} needs ${name('keyFile')}`)
  return errors.length > before ? undefined : out
}

export type KafkaTlsField = (typeof kafkaTlsFields)[number]
/** How a caller whose values come from flags or the environment names each field in messages. */
export type KafkaTlsFieldNames = Partial<Record<KafkaTlsField, string>>

export interface ResolveKafkaTlsOptions {
  /** The TLS value's name in messages (default `kafka.ssl`). */
  field?: string
  /** A field's name in messages when not `<field>.<key>` (e.g. `KAFKA_SSL_CA_FILE`). */
  names?: KafkaTlsFieldNames
  /** Where a `passphrase: { env }` is looked up. */
  env: NodeJS.ProcessEnv
  /** Relative file paths resolve against this (default: the process's working directory). */
  baseDir?: string
}

export interface ResolvedKafkaTls {
  /** kafkajs' `ssl`: false, true (system CAs) or TLS options holding the files' PEM text. */
  ssl: boolean | ConnectionOptions
  /** The private key's text and the passphrase, for the logger to blank. */
  secrets: string[]
  /** One message per problem, naming the field and the file, never a file's contents. */
  errors: string[]
}

/**
 * Reads the files and the passphrase of a TLS section, and checks that they make a usable
 * TLS context (the key matches its passphrase and certificate), so a mistake fails the
 * start, not every connection. Strings, not Buffers, so the result can be frozen and cloned
 * to a worker thread.
 */
export function resolveKafkaTls(
  ssl: boolean | KafkaTlsSection | undefined,
  options: ResolveKafkaTlsOptions,
): ResolvedKafkaTls {
  const field = options.field ?? 'kafka.ssl'
  const name = (key: KafkaTlsField) => options.names?.[key] ?? `${field}.${key}`
  if (ssl === undefined || typeof ssl === 'boolean') return { ssl: ssl ?? false, secrets: [], errors: [] }
  const errors: string[] = []
  const secrets: string[] = []
  const read = (key: 'caFile' | 'certFile' | 'keyFile'): string | undefined => {
    const given = ssl[key]
    if (given === undefined) return undefined
    const path = isAbsolute(given) ? given : resolve(options.baseDir ?? process.cwd(), given)
    let text: string
    try {
      text = readFileSync(path, 'utf8')
    } catch (err) {
      errors.push(`${name(key)}: cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`)
      return undefined
    }
    if (!text.includes('-----BEGIN ')) {
      errors.push(`${name(key)}: ${path} is not a PEM file (no "-----BEGIN" line)`)
      return undefined
    }
    return text
  }
  const ca = read('caFile')
  const cert = read('certFile')
  const key = read('keyFile')
  if (key !== undefined) secrets.push(key)
  let passphrase: string | undefined
  if (ssl.passphrase !== undefined) {
    try {
      passphrase = resolveSecret(ssl.passphrase, name('passphrase'), options.env)
      secrets.push(passphrase)
    } catch (err) {
      errors.push((err as Error).message)
    }
  }
  const tls: ConnectionOptions = {
    rejectUnauthorized: ssl.rejectUnauthorized ?? true,
    ...(ca !== undefined ? { ca } : {}),
    ...(cert !== undefined ? { cert } : {}),
    ...(key !== undefined ? { key } : {}),
    ...(passphrase !== undefined ? { passphrase } : {}),
    ...(ssl.servername !== undefined ? { servername: ssl.servername } : {}),
  }
  if (errors.length === 0) {
    try {
      createSecureContext(tls)
    } catch (err) {
      // OpenSSL's reason ("bad decrypt", "key values mismatch"), which holds no key material
      const files = (['caFile', 'certFile', 'keyFile'] as const)
        .filter((k) => ssl[k] !== undefined)
        .map((k) => `${name(k)} ${ssl[k]}`)
      errors.push(
        `${field}: the TLS files cannot be used together (${files.join(', ')}${passphrase !== undefined ? `, ${name('passphrase')}` : ''}): ${(err as Error).message}`,
      )
    }
  }
  return { ssl: errors.length > 0 ? false : tls, secrets, errors }
}

/** The warning an app logs at every start when `ssl` does not verify the brokers, else undefined. */
export function kafkaTlsWarning(
  ssl: boolean | ConnectionOptions | undefined,
  setting = 'kafka.ssl.rejectUnauthorized',
): string | undefined {
  if (typeof ssl !== 'object' || ssl.rejectUnauthorized !== false) return undefined
  return (
    `${setting} is false: the Kafka brokers' certificates are NOT verified, so anyone ` +
    'on the path can pose as the brokers and read or alter every message and credential; use caFile instead'
  )
}
