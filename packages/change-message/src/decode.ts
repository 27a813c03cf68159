import type { ChangeOp, ChangeSource, OutputFormat } from './change.ts'
import { ChangeMessageError } from './errors.ts'
import { type RawHeaders, readHeaders, sourceFromHeaders } from './headers.ts'
import { parseJsonLossless, stringifyCanonical } from './json-text.ts'

/** The part of an envelope cipher the decoder uses (see @sync/crypto-envelope). */
export interface OpeningCipher {
  openToString(envelope: string | Uint8Array): string
}

export interface ChangeDecoderOptions {
  /** Omit to read unencrypted values (a legacy DataX job run without a key). */
  cipher?: OpeningCipher
}

export interface IncomingMessage {
  value: Buffer | Uint8Array | string | null | undefined
  headers?: RawHeaders | undefined
}

export interface DecodedChange {
  format: OutputFormat
  op: ChangeOp
  /** Target column → value, without `__op`; integers beyond 2^53 as bigint. */
  row: Record<string, unknown>
  /** The row as canonical JSON text with `__op` last: what a Stream Load JSON body carries. */
  rowJson: string
  source: Partial<ChangeSource>
  headers: Record<string, string>
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

/** StarRocks' rule: a missing `__op` is an upsert, any non-zero one a delete. */
function opOf(raw: unknown, origin: string | undefined): ChangeOp {
  if (raw === undefined || raw === null || raw === 0 || raw === '0') return 'upsert'
  if (raw === 1 || raw === '1' || (typeof raw === 'number' && raw !== 0)) return 'delete'
  throw new ChangeMessageError('CM_SHAPE', `"__op" must be 0 or 1, received ${JSON.stringify(raw)}`, {
    origin,
  })
}

function withOp(row: Record<string, unknown>, op: ChangeOp): string {
  const text = stringifyCanonical(row)
  const n = op === 'delete' ? 1 : 0
  return text === '{}' ? `{"__op":${n}}` : `${text.slice(0, -1)},"__op":${n}}`
}

export function createChangeDecoder(options: ChangeDecoderOptions = {}) {
  for (const k of Object.keys(options)) {
    if (k !== 'cipher') throw new ChangeMessageError('CM_OPTIONS', `unknown option "${k}"`)
  }
  const cipher = options.cipher

  return {
    /**
     * Opens and reads one Kafka message of either format. Throws ChangeMessageError
     * (never retriable) for anything that is not a change: send it to the dead-letter topic.
     * `origin` (e.g. "orders-0@1234") is added to the error to name the message.
     */
    decode(message: IncomingMessage, origin?: string): DecodedChange {
      const headers = readHeaders(message.headers)
      if (message.value === null || message.value === undefined) {
        throw new ChangeMessageError('CM_SHAPE', 'the message has no value (a tombstone?)', { origin })
      }
      let plaintext: string
      if (cipher) {
        try {
          plaintext = cipher.openToString(message.value)
        } catch (cause) {
          const code = (cause as { code?: string }).code
          throw new ChangeMessageError('CM_DECRYPT', `cannot open the envelope${code ? ` (${code})` : ''}`, {
            cause,
            origin,
          })
        }
      } else {
        plaintext =
          typeof message.value === 'string' ? message.value : Buffer.from(message.value).toString('utf8')
      }
      let parsed: unknown
      try {
        parsed = parseJsonLossless(plaintext)
      } catch (cause) {
        throw new ChangeMessageError('CM_PARSE', `the plaintext is not JSON: ${(cause as Error).message}`, {
          cause,
          origin,
        })
      }
      if (!isObject(parsed)) {
        throw new ChangeMessageError('CM_SHAPE', 'the plaintext is not a JSON object', { origin })
      }
      const fromHeaders = sourceFromHeaders(headers)
      const isDebezium =
        typeof parsed.op === 'string' && ('after' in parsed || 'before' in parsed) && !('__op' in parsed)
      if (isDebezium) {
        const op: ChangeOp = parsed.op === 'd' ? 'delete' : 'upsert'
        const image = op === 'delete' ? parsed.before : parsed.after
        if (!isObject(image)) {
          throw new ChangeMessageError(
            'CM_SHAPE',
            `a debezium "${String(parsed.op)}" change needs "${op === 'delete' ? 'before' : 'after'}"`,
            { origin },
          )
        }
        const src = isObject(parsed.source) ? parsed.source : {}
        const source: Partial<ChangeSource> = { ...fromHeaders }
        if (typeof src.db === 'string') source.database = src.db
        if (typeof src.table === 'string') source.table = src.table
        if (typeof src.ts_ms === 'number') source.timestamp = src.ts_ms
        return { format: 'debezium', op, row: image, rowJson: withOp(image, op), source, headers }
      }
      const op = opOf(parsed.__op, origin)
      const row = { ...parsed }
      delete row.__op
      return { format: 'seed', op, row, rowJson: withOp(row, op), source: fromHeaders, headers }
    },
  }
}

export type ChangeDecoder = ReturnType<typeof createChangeDecoder>
