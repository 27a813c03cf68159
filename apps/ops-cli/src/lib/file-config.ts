// The optional configuration file of the CLI (see config.example.json): parsed and checked
// field by field; unknown keys are errors naming the field.
import { isSecretRef, type SecretRef } from '@sync/service-kit'

export interface FileConfig {
  mysql?: {
    host?: string
    port?: number
    user?: string
    password?: SecretRef
    serverId?: number
    ssl?: boolean
  }
  starrocks?: {
    host?: string
    port?: number
    user?: string
    password?: SecretRef
    database?: string
    httpUrl?: string
    ssl?: boolean
  }
  /** The shipper's `kafka` section; its producer-only fields are accepted and ignored. */
  kafka?: {
    brokers?: string[]
    clientId?: string
    ssl?: boolean
    sasl?: { mechanism?: SaslMechanism; username?: string; password?: SecretRef }
    connectionTimeoutMs?: number
    requestTimeoutMs?: number
  }
  key?: SecretRef
  connect?: { url?: string }
  rules?: string
}

export const saslMechanisms = ['plain', 'scram-sha-256', 'scram-sha-512'] as const
export type SaslMechanism = (typeof saslMechanisms)[number]

type Kind =
  | 'string'
  | 'port'
  | 'secret'
  | 'brokers'
  | 'uint'
  | 'boolean'
  | 'mechanism'
  | 'timeout'
  | 'compression'
  | 'ignored'
interface Schema {
  [field: string]: Kind | Schema
}
const schema: Schema = {
  mysql: {
    host: 'string',
    port: 'port',
    user: 'string',
    password: 'secret',
    serverId: 'uint',
    ssl: 'boolean',
  },
  starrocks: {
    host: 'string',
    port: 'port',
    user: 'string',
    password: 'secret',
    database: 'string',
    httpUrl: 'string',
    ssl: 'boolean',
  },
  kafka: {
    brokers: 'brokers',
    clientId: 'string',
    ssl: 'boolean',
    sasl: { mechanism: 'mechanism', username: 'string', password: 'secret' },
    connectionTimeoutMs: 'timeout',
    requestTimeoutMs: 'timeout',
    // the shipper's producer settings: a copied section loads, the CLI does not use them
    compression: 'compression',
    idempotent: 'boolean',
    worker: 'boolean',
  },
  key: 'secret',
  connect: { url: 'string' },
  rules: 'string',
}

const show = (v: unknown) => (typeof v === 'string' ? JSON.stringify(v) : (JSON.stringify(v) ?? String(v)))
const intIn = (v: unknown, min: number, max: number) =>
  Number.isInteger(v) && (v as number) >= min && (v as number) <= max

function check(kind: Kind, value: unknown, field: string, errors: string[]): void {
  const fail = (what: string, shown = true) =>
    errors.push(`${field} must be ${what}${shown ? `, received ${show(value)}` : ''}`)
  if (kind === 'string' && (typeof value !== 'string' || value === '')) fail('a non-empty string')
  if (kind === 'port' && !intIn(value, 1, 65535)) fail('an integer 1..65535')
  if (kind === 'uint' && !intIn(value, 1, 4294967295)) fail('an integer 1..4294967295')
  if (kind === 'timeout' && !intIn(value, 100, 600_000)) fail('an integer 100..600000 (milliseconds)')
  if (kind === 'boolean' && typeof value !== 'boolean') fail('true or false')
  if (kind === 'mechanism' && !(saslMechanisms as readonly unknown[]).includes(value))
    fail(`one of ${saslMechanisms.join(', ')}`)
  if (kind === 'compression' && value !== 'none' && value !== 'gzip') fail('"none" or "gzip"')
  // a secret's value is never shown, even when malformed
  if (kind === 'secret' && !isSecretRef(value)) fail('a string, { "env": NAME } or { "file": PATH }', false)
  if (
    kind === 'brokers' &&
    !(Array.isArray(value) && value.length > 0 && value.every((b) => typeof b === 'string'))
  )
    fail('a non-empty array of "host:port" strings')
}

function checkObject(spec: Schema, value: unknown, prefix: string, errors: string[]): void {
  for (const [key, v] of Object.entries(value as object)) {
    const field = prefix ? `${prefix}.${key}` : key
    const kind = spec[key]
    if (kind === undefined) {
      errors.push(`unknown field ${field} (known: ${Object.keys(spec).join(', ')})`)
    } else if (typeof kind === 'string') {
      check(kind, v, field, errors)
    } else if (v === null || typeof v !== 'object' || Array.isArray(v)) {
      errors.push(`${field} must be an object, received ${show(v)}`)
    } else {
      checkObject(kind, v, field, errors)
    }
  }
}

export function parseFileConfig(json: unknown): { config: FileConfig; errors: string[] } {
  const errors: string[] = []
  if (json === null || typeof json !== 'object' || Array.isArray(json)) {
    return { config: {}, errors: ['the configuration must be a JSON object'] }
  }
  checkObject(schema, json, '', errors)
  const config = json as FileConfig
  const sasl = config.kafka?.sasl
  if (sasl !== undefined && errors.length === 0) {
    if (sasl.username === undefined) errors.push('kafka.sasl.username is required with kafka.sasl')
    if (sasl.password === undefined) errors.push('kafka.sasl.password is required with kafka.sasl')
  }
  return { config, errors }
}
