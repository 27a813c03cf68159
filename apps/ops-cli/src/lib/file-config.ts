// The optional configuration file of the CLI (see config.example.json): parsed and checked
// field by field; unknown keys are errors naming the field. The `kafka` section is the
// shipper's, read by service-kit's shared parser.
import { isSecretRef, type KafkaSection, parseKafkaSection, type SecretRef } from '@sync/service-kit'

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
  /** The shipper's `kafka` section; its producer-only fields are checked and ignored. */
  kafka?: KafkaSection
  key?: SecretRef
  connect?: { url?: string }
  rules?: string
}

type Kind = 'string' | 'port' | 'secret' | 'uint' | 'boolean' | 'compression' | 'kafka'
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
  kafka: 'kafka',
  key: 'secret',
  connect: { url: 'string' },
  rules: 'string',
}

// the shipper's producer settings: a copied section loads, the CLI does not use them
const shipperKafkaFields: Schema = { compression: 'compression', idempotent: 'boolean', worker: 'boolean' }

const kafkaSection = (value: unknown, field = 'kafka') =>
  parseKafkaSection(value, { field, appFields: Object.keys(shipperKafkaFields) })

const show = (v: unknown) => JSON.stringify(v) ?? String(v)
const intIn = (v: unknown, min: number, max: number) =>
  Number.isInteger(v) && (v as number) >= min && (v as number) <= max

function check(kind: Kind, value: unknown, field: string, errors: string[]): void {
  if (kind === 'kafka') {
    const r = kafkaSection(value, field)
    errors.push(...r.errors)
    checkObject(shipperKafkaFields, r.other, field, errors)
    return
  }
  const fail = (what: string, shown = true) =>
    errors.push(`${field} must be ${what}${shown ? `, received ${show(value)}` : ''}`)
  if (kind === 'string' && (typeof value !== 'string' || value === '')) fail('a non-empty string')
  if (kind === 'port' && !intIn(value, 1, 65535)) fail('an integer 1..65535')
  if (kind === 'uint' && !intIn(value, 1, 4294967295)) fail('an integer 1..4294967295')
  if (kind === 'boolean' && typeof value !== 'boolean') fail('true or false')
  if (kind === 'compression' && value !== 'none' && value !== 'gzip') fail('"none" or "gzip"')
  // a secret's value is never shown, even when malformed
  if (kind === 'secret' && !isSecretRef(value)) fail('a string, { "env": NAME } or { "file": PATH }', false)
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
  const config = { ...json } as FileConfig
  // the checked sections are used as they are; `kafka` in its parsed form (SASL mechanism defaulted)
  if ('kafka' in json) config.kafka = kafkaSection(json.kafka).section
  return { config, errors }
}
