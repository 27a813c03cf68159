// The optional configuration file of the CLI (see config.example.json): parsed and checked
// field by field; unknown keys are errors naming the field.
import { isSecretRef, type SecretRef } from '@sync/service-kit'

export interface FileConfig {
  mysql?: { host?: string; port?: number; user?: string; password?: SecretRef; serverId?: number }
  starrocks?: {
    host?: string
    port?: number
    user?: string
    password?: SecretRef
    database?: string
    httpUrl?: string
  }
  kafka?: { brokers?: string[] }
  key?: SecretRef
  connect?: { url?: string }
  rules?: string
}

type Kind = 'string' | 'port' | 'secret' | 'brokers' | 'uint'
const schema: Record<string, Kind | Record<string, Kind>> = {
  mysql: { host: 'string', port: 'port', user: 'string', password: 'secret', serverId: 'uint' },
  starrocks: {
    host: 'string',
    port: 'port',
    user: 'string',
    password: 'secret',
    database: 'string',
    httpUrl: 'string',
  },
  kafka: { brokers: 'brokers' },
  key: 'secret',
  connect: { url: 'string' },
  rules: 'string',
}

const show = (v: unknown) => (typeof v === 'string' ? JSON.stringify(v) : (JSON.stringify(v) ?? String(v)))

function check(kind: Kind, value: unknown, field: string, errors: string[]): void {
  const fail = (what: string, shown = true) =>
    errors.push(`${field} must be ${what}${shown ? `, received ${show(value)}` : ''}`)
  if (kind === 'string' && (typeof value !== 'string' || value === '')) fail('a non-empty string')
  if (kind === 'port' && !(Number.isInteger(value) && (value as number) >= 1 && (value as number) <= 65535))
    fail('an integer 1..65535')
  if (
    kind === 'uint' &&
    !(Number.isInteger(value) && (value as number) >= 1 && (value as number) <= 4294967295)
  )
    fail('an integer 1..4294967295')
  // a secret's value is never shown, even when malformed
  if (kind === 'secret' && !isSecretRef(value)) fail('a string, { "env": NAME } or { "file": PATH }', false)
  if (
    kind === 'brokers' &&
    !(Array.isArray(value) && value.length > 0 && value.every((b) => typeof b === 'string'))
  )
    fail('a non-empty array of "host:port" strings')
}

export function parseFileConfig(json: unknown): { config: FileConfig; errors: string[] } {
  const errors: string[] = []
  if (json === null || typeof json !== 'object' || Array.isArray(json)) {
    return { config: {}, errors: ['the configuration must be a JSON object'] }
  }
  for (const [key, value] of Object.entries(json)) {
    const spec = schema[key]
    if (spec === undefined) {
      errors.push(`unknown field ${key} (known: ${Object.keys(schema).join(', ')})`)
    } else if (typeof spec === 'string') {
      check(spec, value, key, errors)
    } else if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      errors.push(`${key} must be an object, received ${show(value)}`)
    } else {
      for (const [inner, v] of Object.entries(value)) {
        const kind = spec[inner]
        if (kind === undefined)
          errors.push(`unknown field ${key}.${inner} (known: ${Object.keys(spec).join(', ')})`)
        else check(kind, v, `${key}.${inner}`, errors)
      }
    }
  }
  return { config: json as FileConfig, errors }
}
