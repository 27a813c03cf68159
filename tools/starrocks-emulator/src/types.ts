// StarRocks column types and their MariaDB storage.
import { EmulatorError } from './errors.ts'

export type SrKind =
  | 'BOOLEAN'
  | 'TINYINT'
  | 'SMALLINT'
  | 'INT'
  | 'BIGINT'
  | 'LARGEINT'
  | 'FLOAT'
  | 'DOUBLE'
  | 'DECIMAL'
  | 'CHAR'
  | 'VARCHAR'
  | 'STRING'
  | 'BINARY'
  | 'VARBINARY'
  | 'DATE'
  | 'DATETIME'
  | 'JSON'
  | 'ARRAY'
  | 'MAP'
  | 'STRUCT'

export interface SrType {
  kind: SrKind
  /** The type as written, upper-cased (kept in the MariaDB column comment). */
  text: string
  /** CHAR/VARCHAR length in bytes; DECIMAL precision. */
  length?: number
  precision?: number
  scale?: number
}

const ALIASES: Record<string, SrKind> = {
  BOOL: 'BOOLEAN',
  BOOLEAN: 'BOOLEAN',
  TINYINT: 'TINYINT',
  SMALLINT: 'SMALLINT',
  INT: 'INT',
  INTEGER: 'INT',
  BIGINT: 'BIGINT',
  LARGEINT: 'LARGEINT',
  FLOAT: 'FLOAT',
  DOUBLE: 'DOUBLE',
  DECIMAL: 'DECIMAL',
  DECIMALV2: 'DECIMAL',
  DECIMAL32: 'DECIMAL',
  DECIMAL64: 'DECIMAL',
  DECIMAL128: 'DECIMAL',
  NUMERIC: 'DECIMAL',
  CHAR: 'CHAR',
  VARCHAR: 'VARCHAR',
  STRING: 'STRING',
  TEXT: 'STRING',
  BINARY: 'BINARY',
  VARBINARY: 'VARBINARY',
  DATE: 'DATE',
  DATETIME: 'DATETIME',
  JSON: 'JSON',
  ARRAY: 'ARRAY',
  MAP: 'MAP',
  STRUCT: 'STRUCT',
}

export function parseSrType(raw: string): SrType {
  const text = raw.trim().toUpperCase()
  const m = /^([A-Z0-9_]+)\s*(?:\(\s*(\d+)\s*(?:,\s*(\d+)\s*)?\))?/.exec(text)
  const kind = m ? ALIASES[m[1]!] : undefined
  if (!m || !kind) throw new EmulatorError('EMU_BAD_DDL', `unsupported StarRocks type ${raw}`)
  const a = m[2] === undefined ? undefined : Number(m[2])
  const b = m[3] === undefined ? undefined : Number(m[3])
  switch (kind) {
    case 'DECIMAL':
      return {
        kind,
        text,
        precision: a ?? (m[1] === 'DECIMALV2' ? 27 : 10),
        scale: b ?? (m[1] === 'DECIMALV2' ? 9 : 0),
      }
    case 'CHAR':
      return { kind, text, length: a ?? 1 }
    case 'VARCHAR':
      return { kind, text, length: a ?? 1 }
    case 'STRING':
      return { kind, text, length: 65533 }
    case 'BINARY':
    case 'VARBINARY':
      return { kind, text, length: a ?? 1_048_576 }
    default:
      return { kind, text }
  }
}

/** The MariaDB column type holding a StarRocks type. Keys must be indexable, so long strings shrink there. */
export function toMariaType(t: SrType, isKey: boolean): string {
  switch (t.kind) {
    case 'BOOLEAN':
      return 'TINYINT(1)'
    case 'TINYINT':
    case 'SMALLINT':
    case 'INT':
    case 'BIGINT':
    case 'FLOAT':
    case 'DOUBLE':
    case 'DATE':
      return t.kind
    case 'LARGEINT':
      return 'DECIMAL(39,0)'
    case 'DECIMAL':
      return `DECIMAL(${t.precision},${t.scale})`
    case 'CHAR':
      return (t.length ?? 1) <= 255 ? `CHAR(${t.length})` : `VARCHAR(${t.length})`
    case 'VARCHAR':
    case 'STRING':
      if (isKey) return `VARCHAR(${Math.min(t.length ?? 512, 512)})`
      return (t.length ?? 0) <= 4096 ? `VARCHAR(${t.length})` : 'LONGTEXT'
    case 'BINARY':
    case 'VARBINARY':
      if (isKey) return `VARBINARY(${Math.min(t.length ?? 512, 512)})`
      return (t.length ?? 0) <= 4096 ? `VARBINARY(${t.length})` : 'LONGBLOB'
    case 'DATETIME':
      return 'DATETIME(6)'
    case 'JSON':
    case 'ARRAY':
    case 'MAP':
    case 'STRUCT':
      return 'LONGTEXT'
  }
}

/** Inclusive integer ranges; LARGEINT is a signed 128-bit integer. */
export const INT_RANGES: Partial<Record<SrKind, [bigint, bigint]>> = {
  TINYINT: [-(2n ** 7n), 2n ** 7n - 1n],
  SMALLINT: [-(2n ** 15n), 2n ** 15n - 1n],
  INT: [-(2n ** 31n), 2n ** 31n - 1n],
  BIGINT: [-(2n ** 63n), 2n ** 63n - 1n],
  LARGEINT: [-(2n ** 127n), 2n ** 127n - 1n],
}
