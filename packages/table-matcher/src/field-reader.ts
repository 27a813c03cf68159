import { TableMatcherError, type TableMatcherErrorCode } from './errors.ts'

const describe = (value: unknown): string =>
  value === null ? 'null' : Array.isArray(value) ? 'an array' : `${typeof value} ${JSON.stringify(value)}`

/** Reads fields of one JSON object of a rule file; every failure names the file and the field. */
export class FieldReader {
  constructor(
    readonly file: string,
    readonly value: Record<string, unknown>,
    readonly path = '',
  ) {}

  static root(file: string, value: unknown): FieldReader {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      throw new TableMatcherError(
        'TM_BAD_FIELD',
        `a rule file must hold a JSON object, found ${describe(value)}`,
        {
          file,
          field: '(root)',
        },
      )
    }
    return new FieldReader(file, value as Record<string, unknown>)
  }

  field(key: string): string {
    return this.path === '' ? key : `${this.path}.${key}`
  }

  fail(code: TableMatcherErrorCode, key: string, message: string): never {
    throw new TableMatcherError(code, message, { file: this.file, field: this.field(key) })
  }

  has(key: string): boolean {
    return Object.hasOwn(this.value, key) && this.value[key] !== undefined
  }

  rejectUnknown(allowed: readonly string[]): void {
    for (const key of Object.keys(this.value)) {
      if (!allowed.includes(key))
        this.fail('TM_UNKNOWN_FIELD', key, `unknown field; known: ${allowed.join(', ')}`)
    }
  }

  require(key: string): unknown {
    if (!this.has(key)) this.fail('TM_MISSING_FIELD', key, 'required field is missing')
    return this.value[key]
  }

  string(key: string, required: true): string
  string(key: string, required?: false): string | undefined
  string(key: string, required = false): string | undefined {
    if (!required && !this.has(key)) return undefined
    const v = this.require(key)
    if (typeof v !== 'string') this.fail('TM_BAD_FIELD', key, `must be a string, received ${describe(v)}`)
    return v
  }

  nonEmptyString(key: string, required: true): string
  nonEmptyString(key: string, required?: false): string | undefined
  nonEmptyString(key: string, required = false): string | undefined {
    const v = required ? this.string(key, true) : this.string(key)
    if (v !== undefined && v.trim() === '') this.fail('TM_BAD_FIELD', key, 'must not be empty')
    return v
  }

  boolean(key: string, required: true): boolean
  boolean(key: string, required?: false): boolean | undefined
  boolean(key: string, required = false): boolean | undefined {
    if (!required && !this.has(key)) return undefined
    const v = this.require(key)
    if (typeof v !== 'boolean')
      this.fail('TM_BAD_FIELD', key, `must be true or false, received ${describe(v)}`)
    return v
  }

  oneOf<T extends string>(key: string, values: readonly T[], fallback: T): T {
    if (!this.has(key)) return fallback
    const v = this.value[key]
    if (typeof v !== 'string' || !values.includes(v as T)) {
      this.fail(
        'TM_BAD_FIELD',
        key,
        `must be one of ${values.map((x) => `"${x}"`).join(', ')}, received ${describe(v)}`,
      )
    }
    return v as T
  }

  /** A string or an array of strings; absent gives an empty list. */
  stringList(key: string): string[] {
    if (!this.has(key)) return []
    const v = this.value[key]
    const list = typeof v === 'string' ? [v] : v
    if (!Array.isArray(list) || list.some((x) => typeof x !== 'string' || x === '')) {
      this.fail(
        'TM_BAD_FIELD',
        key,
        `must be a non-empty string or an array of them, received ${describe(v)}`,
      )
    }
    return list as string[]
  }

  object(key: string): FieldReader | undefined {
    if (!this.has(key)) return undefined
    const v = this.value[key]
    if (v === null || typeof v !== 'object' || Array.isArray(v)) {
      this.fail('TM_BAD_FIELD', key, `must be an object, received ${describe(v)}`)
    }
    return new FieldReader(this.file, v as Record<string, unknown>, this.field(key))
  }

  /** An object of string → string, in file order. */
  stringMap(key: string, required = false): Array<[string, string]> {
    if (!required && !this.has(key)) return []
    const v = this.require(key)
    if (v === null || typeof v !== 'object' || Array.isArray(v)) {
      this.fail('TM_BAD_FIELD', key, `must be an object of column names, received ${describe(v)}`)
    }
    const out: Array<[string, string]> = []
    for (const [source, target] of Object.entries(v as Record<string, unknown>)) {
      if (typeof target !== 'string' || target === '') {
        this.fail(
          'TM_BAD_FIELD',
          `${key}.${source}`,
          `must be a non-empty string, received ${describe(target)}`,
        )
      }
      out.push([source, target])
    }
    return out
  }
}
