// A small reader for the configuration object: every check records an error naming the
// field and the received value, so one run reports every problem at once.

import { isSecretRef, type SecretRef } from '@sync/service-kit'
import { describeValue } from './errors.ts'

export type Obj = Record<string, unknown>

export class FieldErrors {
  readonly list: string[] = []
  add(field: string, expected: string, received: unknown): undefined {
    this.list.push(`${field} must be ${expected}, received ${describeValue(received)}`)
    return undefined
  }
  raw(message: string): void {
    this.list.push(message)
  }
}

export function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

/** Reads the fields of one object; `path` prefixes every error. */
export class Fields {
  constructor(
    readonly path: string,
    readonly value: Obj,
    readonly errors: FieldErrors,
  ) {}

  static of(path: string, value: unknown, errors: FieldErrors, required = true): Fields | undefined {
    if (value === undefined && !required) return undefined
    if (!isObj(value)) return errors.add(path, 'an object', value)
    return new Fields(path, value, errors)
  }

  name(key: string): string {
    return this.path === '' ? key : `${this.path}.${key}`
  }

  has(key: string): boolean {
    return this.value[key] !== undefined
  }

  known(keys: readonly string[]): void {
    for (const k of Object.keys(this.value)) {
      if (!keys.includes(k)) this.errors.add(this.name(k), `one of the known fields (${keys.join(', ')})`, k)
    }
  }

  string(key: string, fallback?: string): string | undefined {
    const v = this.value[key]
    if (v === undefined) {
      if (fallback === undefined) this.errors.add(this.name(key), 'a non-empty string (required)', v)
      return fallback
    }
    if (typeof v !== 'string' || v === '') return this.errors.add(this.name(key), 'a non-empty string', v)
    return v
  }

  optionalString(key: string): string | undefined {
    return this.has(key) ? this.string(key) : undefined
  }

  int(key: string, min: number, max: number, fallback?: number): number | undefined {
    const v = this.value[key]
    if (v === undefined && fallback !== undefined) return fallback
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
      return this.errors.add(
        this.name(key),
        `an integer ${min}..${max}${v === undefined ? ' (required)' : ''}`,
        v,
      )
    }
    return v
  }

  boolean(key: string, fallback: boolean): boolean {
    const v = this.value[key]
    if (v === undefined) return fallback
    if (typeof v !== 'boolean') {
      this.errors.add(this.name(key), 'true or false', v)
      return fallback
    }
    return v
  }

  oneOf<T extends string>(key: string, allowed: readonly T[], fallback: T): T {
    const v = this.value[key]
    if (v === undefined) return fallback
    if (typeof v !== 'string' || !allowed.includes(v as T)) {
      this.errors.add(this.name(key), `one of ${allowed.map((a) => `"${a}"`).join(', ')}`, v)
      return fallback
    }
    return v as T
  }

  stringList(key: string): string[] | undefined {
    const v = this.value[key]
    if (!Array.isArray(v) || v.length === 0 || !v.every((s) => typeof s === 'string' && s !== '')) {
      return this.errors.add(this.name(key), 'a non-empty array of non-empty strings', v)
    }
    return v as string[]
  }

  /** A SecretRef: a literal, { "env": NAME } or { "file": path }. Never echoes the value. */
  secret(key: string, required = true): SecretRef | undefined {
    const v = this.value[key]
    if (v === undefined && !required) return undefined
    if (!isSecretRef(v) || v === '') {
      this.errors.raw(
        `${this.name(key)} must be a string, { "env": "NAME" } or { "file": "/path" }` +
          (typeof v === 'string' || v === undefined ? (v === undefined ? ' (required)' : ' (empty)') : ''),
      )
      return undefined
    }
    return v
  }
}
