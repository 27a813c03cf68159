// The connection part of an app's `kafka` configuration section: brokers, clientId, TLS, SASL
// and timeouts, in the shape the shipper's configuration has them. One parser, so a section
// copied from one app's file into another's loads the same way and fails with the same
// messages. The SASL password stays a SecretRef: the caller resolves it, because only the
// caller knows its precedence of flags, environment and file. The app's own fields of the
// section (the shipper's producer settings, the sinker's group and topics) come back in
// `other` for the app to check; any other field is an error naming it.
import { isSecretRef, type SecretRef } from './secrets.ts'

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
  /** TLS to the brokers, verifying their certificates. */
  ssl?: boolean
  /** `mechanism` is `plain` when the section names none. */
  sasl?: { mechanism: KafkaSaslMechanism; username: string; password: SecretRef }
  connectionTimeoutMs?: number
  requestTimeoutMs?: number
}

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
      case 'ssl':
        if (typeof value === 'boolean') section.ssl = value
        else fail(key, 'true or false', value)
        break
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
