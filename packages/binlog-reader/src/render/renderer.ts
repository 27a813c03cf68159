// One MySQL value → its one canonical rendering (shared/DESIGN.md "Canonical row rendering"),
// whether it came from zongji (binlog) or mysql2 (SELECT). Both sides hand over the same
// raw forms (dateStrings text, exact DECIMAL/BIGINT text, Buffers for bytes), so one
// function per kind renders both.

import { BinlogError, optionError } from '../errors.ts'
import { type Metrics, noopMetrics } from '../types.ts'
import type { ColumnSpec } from './column-spec.ts'
import { canonicalJsonText } from './json-text.ts'
import { renderBit, renderDecimal, renderDouble, renderFloat32, renderInteger } from './numbers.ts'
import { RawJson, type RenderedRow, type RenderedValue } from './raw-json.ts'
import {
  createZoneConverter,
  renderDate,
  renderDateTime,
  renderTime,
  renderTimestamp,
  type ZoneConverter,
} from './temporal.ts'

export const binaryEncodings = { base64: 'base64', hex: 'hex', utf8: 'utf8' } as const
export type BinaryEncoding = keyof typeof binaryEncodings

export interface ValueRendererOptions {
  /** Zone TIMESTAMP values are shown in: 'UTC', '+08:00' or an IANA name. Required: the source's zone. */
  timeZone: string
  /** BINARY/VARBINARY/BLOB encoding; default 'base64'. */
  binaryEncoding?: BinaryEncoding
  /** Counts zero/invalid dates rendered as null (`binlog_invalid_dates_total`). */
  metrics?: Metrics
}

export interface RenderCallOptions {
  /** Overrides the renderer's binaryEncoding for this call (e.g. a rule's choice). */
  binaryEncoding?: BinaryEncoding
  /** For error messages. */
  database?: string
  table?: string
}

export interface ValueRenderer {
  readonly timeZone: string
  renderValue(spec: ColumnSpec, value: unknown, call?: RenderCallOptions): RenderedValue
  /** Renders the columns of `specs` from `row` (keyed by column name), in spec order. */
  renderRow(specs: readonly ColumnSpec[], row: Record<string, unknown>, call?: RenderCallOptions): RenderedRow
}

const knownOptions = new Set(['timeZone', 'binaryEncoding', 'metrics'])

export function createValueRenderer(options: ValueRendererOptions): ValueRenderer {
  if (typeof options !== 'object' || options === null) throw optionError('options', 'an object', options)
  for (const key of Object.keys(options)) {
    if (!knownOptions.has(key)) throw optionError(`options.${key}`, 'a known option', key)
  }
  if (typeof options.timeZone !== 'string') {
    throw optionError('options.timeZone', "a zone name such as 'UTC' or 'Asia/Shanghai'", options.timeZone)
  }
  let zone: ZoneConverter
  try {
    zone = createZoneConverter(options.timeZone)
  } catch {
    throw optionError('options.timeZone', 'a valid IANA zone or ±HH:MM offset', options.timeZone)
  }
  const defaultEncoding = options.binaryEncoding ?? 'base64'
  if (!(defaultEncoding in binaryEncodings)) {
    throw optionError('options.binaryEncoding', "'base64', 'hex' or 'utf8'", options.binaryEncoding)
  }
  const metrics = options.metrics ?? noopMetrics

  const invalidDate = (spec: ColumnSpec, call: RenderCallOptions | undefined): null => {
    metrics.increment('binlog_invalid_dates_total', 1, {
      column: spec.name,
      ...(call?.table ? { table: `${call.database}.${call.table}` } : {}),
    })
    return null
  }

  const renderValue = (spec: ColumnSpec, value: unknown, call?: RenderCallOptions): RenderedValue => {
    if (value === null) return null
    try {
      switch (spec.kind) {
        case 'int':
          return renderInteger(value)
        case 'decimal':
          return renderDecimal(value)
        case 'float':
          return renderFloat32(value)
        case 'double':
          return renderDouble(value)
        case 'date':
          return renderDate(asText(value)) ?? invalidDate(spec, call)
        case 'datetime':
          return renderDateTime(asText(value)) ?? invalidDate(spec, call)
        case 'timestamp':
          return renderTimestamp(asText(value), zone) ?? invalidDate(spec, call)
        case 'time': {
          const text = renderTime(asText(value))
          if (text === null) throw new BinlogError('BINLOG_RENDER', `not a TIME value: ${String(value)}`)
          return text
        }
        case 'year': {
          // zongji decodes YEAR as raw + 1900, so the zero year 0000 arrives as 1900, a value
          // YEAR never holds (its range is 1901-2155 and 0000)
          const year = Number(value)
          if (!Number.isInteger(year)) throw new BinlogError('BINLOG_RENDER', `not a YEAR: ${String(value)}`)
          return year === 1900 ? 0 : year
        }
        case 'year2': {
          // YEAR(2) keeps 70-99 as 19xx and 00-69 as 20xx; the binlog holds the full year
          const year = Number(value)
          if (!Number.isInteger(year)) throw new BinlogError('BINLOG_RENDER', `not a YEAR: ${String(value)}`)
          return year >= 100 ? year : year >= 70 ? 1900 + year : 2000 + year
        }
        case 'text':
          return asText(value)
        case 'enum':
          // The invalid-value index 0 (stored as '') comes out of zongji as undefined
          return value === undefined ? '' : asText(value)
        case 'set':
          return asText(value)
        case 'json':
          return new RawJson(canonicalJsonText(asText(value)))
        case 'binary':
          return encodeBinary(value, call?.binaryEncoding ?? defaultEncoding)
        case 'bit':
          return renderBit(value)
        default:
          throw new BinlogError(
            'BINLOG_UNSUPPORTED',
            `column type ${spec.typeName} has no canonical rendering`,
            {
              retriable: false,
            },
          )
      }
    } catch (err) {
      if (err instanceof BinlogError && err.column === undefined) {
        throw new BinlogError(err.code, `${where(spec, call)}: ${err.message}`, {
          cause: err,
          retriable: err.retriable,
          column: spec.name,
          database: call?.database,
          table: call?.table,
        })
      }
      throw err
    }
  }

  return {
    timeZone: options.timeZone,
    renderValue,
    renderRow(specs, row, call) {
      const out: RenderedRow = {}
      for (const spec of specs) {
        const v = row[spec.name]
        // fast paths for the commonest already-canonical values
        if (v === null) out[spec.name] = null
        else if (spec.kind === 'int' && typeof v === 'number' && Number.isSafeInteger(v)) out[spec.name] = v
        else if (spec.kind === 'text' && typeof v === 'string') out[spec.name] = v
        else if (spec.kind === 'datetime' && typeof v === 'string')
          out[spec.name] = renderDateTime(v) ?? invalidDate(spec, call)
        else out[spec.name] = renderValue(spec, v, call)
      }
      return out
    },
  }
}

function where(spec: ColumnSpec, call: RenderCallOptions | undefined): string {
  const table = call?.table ? `${call.database}.${call.table}.` : ''
  return `column ${table}${spec.name} (${spec.typeName})`
}

function asText(value: unknown): string {
  if (typeof value === 'string') return value
  if (Buffer.isBuffer(value)) return value.toString('utf8')
  if (value === undefined)
    throw new BinlogError('BINLOG_RENDER', 'value is missing (the decoder returned none)')
  throw new BinlogError('BINLOG_RENDER', `expected text, received ${typeof value}`)
}

function encodeBinary(value: unknown, encoding: BinaryEncoding): string {
  if (!Buffer.isBuffer(value))
    throw new BinlogError('BINLOG_RENDER', `expected bytes, received ${typeof value}`)
  return value.toString(encoding)
}
