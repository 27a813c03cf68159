import type { Change, ChangeOp, ChangeSource, OutputFormat } from './change.ts'
import { ChangeMessageError } from './errors.ts'
import { buildHeaders } from './headers.ts'
import { compileRecordWriter, stringifyCanonical, stringifyStable } from './json-text.ts'

/** The part of an envelope cipher the encoder uses (see @sync/crypto-envelope). */
export interface SealingCipher {
  sealToJson(plaintext: string | Uint8Array): string
}

export interface ChangeEncoderOptions {
  cipher: SealingCipher
  /** 'seed' (default): the row with `__op`, as the deployed sink reads it. 'debezium': before/after/source/op. */
  format?: OutputFormat
}

export interface EncodedMessage {
  key: string
  value: string
  headers: Record<string, string>
}

const debeziumOps = { insert: 'c', update: 'u', delete: 'd', snapshot: 'r' } as const

/** The plaintext of the seed format: target columns, then `__op` (0 upsert, 1 delete). */
export function seedPlaintext(change: Change): string {
  const text = stringifyCanonical(change.row)
  const op = change.op === 'delete' ? 1 : 0
  // The row object is rendered as is and `__op` appended last, as the seed's shipper did.
  return text === '{}' ? `{"__op":${op}}` : `${text.slice(0, -1)},"__op":${op}}`
}

export function debeziumPlaintext(change: Change): string {
  const s = change.source
  const isDelete = change.op === 'delete'
  const op = isDelete ? 'd' : s.kind === 'delete' ? 'c' : debeziumOps[s.kind]
  return stringifyCanonical({
    before: isDelete ? change.row : (change.before ?? null),
    after: isDelete ? null : change.row,
    source: {
      db: s.database,
      table: s.table,
      ts_ms: s.timestamp ?? null,
      file: s.binlogFile ?? null,
      pos: s.binlogPos ?? null,
      gtid: s.gtid ?? null,
      snapshot: s.kind === 'snapshot',
    },
    op,
    ts_ms: s.timestamp ?? null,
  })
}

/** The Kafka key: the target primary key as JSON with sorted keys, so one row always lands on one partition. */
export function encodeKey(key: Record<string, unknown>): string {
  return stringifyStable(key)
}

/**
 * seedPlaintext for the rows of one shape (own keys `columns`, in that order, as
 * Object.keys gives them): the same text, with the column names quoted once.
 */
export function compileSeedPlaintext(
  columns: readonly string[],
  op: ChangeOp = 'upsert',
): (row: Record<string, unknown>) => string {
  return compileRecordWriter(columns, { trailer: `"__op":${op === 'delete' ? 1 : 0}` })
}

/**
 * encodeKey of the key `{ c: row[c] }` for each of `columns`, read straight from the row
 * (no key object): the same text, with the names sorted and quoted once.
 */
export function compileKeyEncoder(columns: readonly string[]): (row: Record<string, unknown>) => string {
  return compileRecordWriter(columns, { sortKeys: true })
}

export function createChangeEncoder(options: ChangeEncoderOptions) {
  const known = new Set(['cipher', 'format'])
  for (const k of Object.keys(options)) {
    if (!known.has(k)) throw new ChangeMessageError('CM_OPTIONS', `unknown option "${k}"`)
  }
  if (!options.cipher || typeof options.cipher.sealToJson !== 'function') {
    throw new ChangeMessageError('CM_OPTIONS', 'options.cipher must have sealToJson(plaintext)')
  }
  const format = options.format ?? 'seed'
  if (format !== 'seed' && format !== 'debezium') {
    throw new ChangeMessageError(
      'CM_OPTIONS',
      `options.format must be "seed" or "debezium", received ${JSON.stringify(format)}`,
    )
  }
  const cipher = options.cipher
  const plaintextOf = format === 'seed' ? seedPlaintext : debeziumPlaintext
  return {
    format,
    encode(change: Change): EncodedMessage {
      return {
        key: encodeKey(change.key),
        value: cipher.sealToJson(plaintextOf(change)),
        headers: buildHeaders(change.op, format, change.source),
      }
    },
    /** encode() without the headers, for callers that share one headers object per op and source. */
    encodeBody(change: Change): { key: string; value: string } {
      return { key: encodeKey(change.key), value: cipher.sealToJson(plaintextOf(change)) }
    },
    /** encode()'s headers: they follow from the op and the source alone. */
    headers(op: ChangeOp, source: ChangeSource): Record<string, string> {
      return buildHeaders(op, format, source)
    },
  }
}

export type ChangeEncoder = ReturnType<typeof createChangeEncoder>
