// MySQL / MariaDB column (information_schema.COLUMNS) → StarRocks column type.
//
// Decisions (README, "Type mapping"):
// - strings are sized in bytes, 4 per character (utf8mb4, the rows' UTF-8 rendering),
//   capped at VARCHAR(65533); longer becomes STRING. CHAR becomes VARCHAR (StarRocks CHAR
//   holds at most 255 bytes).
// - unsigned integers widen to the next signed type; BIGINT UNSIGNED → LARGEINT.
// - TINYINT(1) stays TINYINT by default: MySQL lets it hold -128..127, and BOOLEAN would
//   turn 2 into true. `tinyint1: 'boolean'` opts in where the column only holds 0/1.
// - DECIMAL(p,s) keeps both; p > 38 (StarRocks' DECIMAL128 limit) becomes STRING, since the
//   rendered value is a JSON string with every digit.
// - TIME renders as text ("-838:59:59.000000"), YEAR and BIT as numbers.
// - binary columns follow `binary`: `string` (default) holds the rendered base64/hex/utf8
//   text, `varbinary` keeps VARBINARY, `skip` leaves the column out.

export interface SourceColumn {
  name: string
  /** information_schema DATA_TYPE, lower case ('int', 'varchar', 'longtext'). */
  dataType: string
  /** information_schema COLUMN_TYPE, lower case ('int(10) unsigned', 'tinyint(1)'). */
  columnType: string
  nullable: boolean
  /** Part of the source primary key. */
  primaryKey: boolean
  /** Position in the source primary key (0-based), when part of it. */
  keyIndex?: number
  charMaxLength: number | null
  numericPrecision: number | null
  numericScale: number | null
  comment: string
  /** MySQL JSON, or MariaDB LONGTEXT with CHECK (json_valid(col)). */
  json: boolean
}

export type Tinyint1Mapping = 'tinyint' | 'boolean'
export type BinaryMapping = 'string' | 'varbinary' | 'skip'
export type BinaryEncoding = 'base64' | 'hex' | 'utf8'

export interface TypeOptions {
  tinyint1: Tinyint1Mapping
  binary: BinaryMapping
  binaryEncoding: BinaryEncoding
}

export const defaultTypeOptions: TypeOptions = {
  tinyint1: 'tinyint',
  binary: 'string',
  binaryEncoding: 'base64',
}

export type MappedType = { type: string; note?: string } | { skip: string }

export const maxVarcharBytes = 65533
export const maxDecimalPrecision = 38

/** VARCHAR for `bytes` bytes, or STRING past the VARCHAR limit. */
export function varcharFor(bytes: number): string {
  if (bytes > maxVarcharBytes) return 'STRING'
  return `VARCHAR(${Math.max(1, bytes)})`
}

/** Bytes of the text rendering of `n` binary bytes. */
export function renderedBinaryBytes(n: number, encoding: BinaryEncoding): number {
  if (encoding === 'base64') return 4 * Math.ceil(n / 3)
  if (encoding === 'hex') return 2 * n
  return 3 * n // invalid UTF-8 bytes become U+FFFD, three bytes each
}

const intWidening: Record<string, [string, string]> = {
  tinyint: ['TINYINT', 'SMALLINT'],
  smallint: ['SMALLINT', 'INT'],
  mediumint: ['INT', 'INT'],
  int: ['INT', 'BIGINT'],
  integer: ['INT', 'BIGINT'],
  bigint: ['BIGINT', 'LARGEINT'],
}

const lengthOf = (columnType: string): number | undefined => {
  const m = /\((\d+)/.exec(columnType)
  return m ? Number(m[1]) : undefined
}

export function starRocksType(col: SourceColumn, options: TypeOptions = defaultTypeOptions): MappedType {
  const t = col.dataType.toLowerCase()
  const full = col.columnType.toLowerCase()
  const unsigned = /\bunsigned\b/.test(full)
  if (col.json) return { type: 'JSON' }
  const ints = intWidening[t]
  if (ints) {
    if (t === 'tinyint' && !unsigned && /^tinyint\(1\)/.test(full) && options.tinyint1 === 'boolean') {
      return { type: 'BOOLEAN' }
    }
    return { type: unsigned ? ints[1] : ints[0] }
  }
  switch (t) {
    case 'bit': {
      const bits = lengthOf(full) ?? 1
      const type =
        bits <= 7
          ? 'TINYINT'
          : bits <= 15
            ? 'SMALLINT'
            : bits <= 31
              ? 'INT'
              : bits <= 63
                ? 'BIGINT'
                : 'LARGEINT'
      return { type }
    }
    case 'float':
      return { type: 'FLOAT' }
    case 'double':
    case 'real':
      return { type: 'DOUBLE' }
    case 'decimal':
    case 'numeric': {
      const p = col.numericPrecision ?? 10
      const s = col.numericScale ?? 0
      if (p > maxDecimalPrecision) {
        return {
          type: 'STRING',
          note: `DECIMAL(${p},${s}) exceeds StarRocks' precision ${maxDecimalPrecision}: kept as text`,
        }
      }
      return { type: `DECIMAL(${p},${s})` }
    }
    case 'date':
      return { type: 'DATE' }
    case 'datetime':
    case 'timestamp':
      return { type: 'DATETIME' }
    case 'time':
      return { type: 'VARCHAR(32)' }
    case 'year':
      return { type: 'SMALLINT' }
    case 'char':
    case 'varchar':
    case 'enum':
    case 'set':
      return { type: varcharFor((col.charMaxLength ?? lengthOf(full) ?? 1) * 4) }
    case 'tinytext':
    case 'text':
    case 'mediumtext':
    case 'longtext':
      return { type: 'STRING' }
    case 'json':
      return { type: 'JSON' }
    case 'binary':
    case 'varbinary':
    case 'tinyblob':
    case 'blob':
    case 'mediumblob':
    case 'longblob': {
      if (options.binary === 'skip') return { skip: `binary column (${full}) left out by --binary skip` }
      const n = t === 'binary' || t === 'varbinary' ? (col.charMaxLength ?? lengthOf(full) ?? 1) : undefined
      if (options.binary === 'varbinary') return { type: n === undefined ? 'VARBINARY' : `VARBINARY(${n})` }
      return { type: n === undefined ? 'STRING' : varcharFor(renderedBinaryBytes(n, options.binaryEncoding)) }
    }
    case 'geometry':
    case 'point':
    case 'linestring':
    case 'polygon':
    case 'multipoint':
    case 'multilinestring':
    case 'multipolygon':
    case 'geometrycollection':
      return { skip: `spatial column (${full}) has no canonical rendering` }
    default:
      return { skip: `type ${full} is not supported` }
  }
}
