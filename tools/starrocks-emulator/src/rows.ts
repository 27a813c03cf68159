// The BE's JSON reader (§3): shape detection from the first byte, strip_outer_array and
// json_root, simple (by key) or matched (jsonpaths, by position) rows, conversion and the
// NOT NULL / strict-mode filtering that feeds NumberFilteredRows and the error log.
import type { TableSchema } from './catalog.ts'
import { ConversionError, convertValue, type SqlValue } from './convert.ts'
import { extractJsonPath, type JsonPath, parseJsonPath } from './json-path.ts'
import {
  JsonNumber,
  JsonObject,
  type JsonRecord,
  JsonSyntaxError,
  type JsonValue,
  parseArrayRecords,
  parseDocumentStream,
  skipWhitespace,
} from './json-text.ts'
import type { ColumnExpr, LoadPlan } from './plan.ts'

/** A failure of the whole load (Status "Fail"), as opposed to a filtered row. */
export class LoadFailure extends Error {}

export interface ReadOptions {
  stripOuterArray: boolean
  jsonRoot?: string
  strictMode: boolean
  doris: boolean
  readJsonByLine: boolean
}

export interface ConvertedRow {
  /** Parallel to schema.columns; undefined where the column is not loaded. */
  values: Array<SqlValue | undefined>
  isDelete: boolean
}

export interface ReadResult {
  total: number
  rows: ConvertedRow[]
  filtered: Array<{ message: string; raw: string }>
}

function records(body: string, o: ReadOptions): JsonRecord[] {
  const start = skipWhitespace(body, 0)
  if (start >= body.length) return []
  const first = body[start]
  if (first !== '{' && first !== '[') throw new LoadFailure(`illegal json started with ${first}`)
  let recs: JsonRecord[]
  try {
    if (first === '[') {
      const { records: r, end } = parseArrayRecords(body, start)
      if (end < body.length) throw new JsonSyntaxError('trailing content after the array', end)
      recs = r
    } else recs = parseDocumentStream(body)
  } catch (err) {
    if (!(err instanceof JsonSyntaxError)) throw err
    const what =
      first === '[' ? 'Failed to parse json as array' : 'Failed to iterate document stream as object'
    throw new LoadFailure(`${what}. error: ${err.message}`)
  }
  if (o.doris && first === '{' && recs.length > 1 && !o.readJsonByLine)
    throw new LoadFailure(
      'JSON data contains several documents: set read_json_by_line=true to read one row per line',
    )
  if (o.jsonRoot !== undefined) {
    const root: JsonPath = parseJsonPath(o.jsonRoot)
    const out: JsonRecord[] = []
    for (const r of first === '[' ? recs : recs) {
      const v = extractJsonPath(r.value, root)
      if (o.stripOuterArray) {
        if (!Array.isArray(v))
          throw new LoadFailure(`the value at json_root should be array type, value: ${r.raw.slice(0, 50)}`)
        for (const e of v) out.push({ value: e, raw: r.raw })
      } else out.push({ value: v ?? null, raw: r.raw })
    }
    return out
  }
  if (first === '[' && !o.stripOuterArray) {
    throw new LoadFailure(
      o.doris
        ? 'JSON data is array-object, `strip_outer_array` must be TRUE.'
        : 'The value is array type in json document stream, you can set strip_outer_array=true to parse each element of the array as individual rows',
    )
  }
  if (first === '{' && o.stripOuterArray)
    throw new LoadFailure(
      `the value should be array type with strip_outer_array=true, value: ${body.slice(start, start + 50)}`,
    )
  return recs
}

function evalExpr(e: ColumnExpr, src: Array<JsonValue | undefined>): JsonValue {
  return e.kind === 'const' ? e.value : (src[e.source] ?? null)
}

function isDeleteOp(v: JsonValue): boolean {
  if (v === null) return false
  if (typeof v === 'string') {
    if (/^\s*upsert\s*$/i.test(v)) return false
    if (/^\s*delete\s*$/i.test(v)) return true
    return Number(v) !== 0
  }
  if (v instanceof JsonNumber) return Number(v.text) !== 0
  return v === true
}

export function readRows(body: string, schema: TableSchema, plan: LoadPlan, o: ReadOptions): ReadResult {
  const recs = records(body, o)
  const rows: ConvertedRow[] = []
  const filtered: ReadResult['filtered'] = []
  const n = plan.sourceColumns.length
  for (const rec of recs) {
    if (!(rec.value instanceof JsonObject)) {
      throw new LoadFailure(
        `Failed to iterate json array as object. error: INCORRECT_TYPE: The JSON element does not have the requested type. value: ${rec.raw.slice(0, 50)}`,
      )
    }
    const obj = rec.value
    const src: Array<JsonValue | undefined> = new Array(n)
    if (plan.jsonPaths) {
      for (let i = 0; i < n; i++) {
        const p = plan.jsonPaths[i]
        src[i] = p ? extractJsonPath(obj, p) : undefined
      }
    } else {
      for (let i = 0; i < n; i++) src[i] = obj.get(plan.sourceColumns[i]!)
    }
    let error: string | undefined
    const values: Array<SqlValue | undefined> = new Array(schema.columns.length)
    for (let c = 0; c < schema.columns.length && !error; c++) {
      const t = plan.targets[c]!
      if (t.kind === 'absent') continue
      const col = schema.columns[c]!
      const raw = t.kind === 'source' ? (src[t.index] ?? null) : evalExpr(t.expr, src)
      let v: SqlValue | ConversionError = convertValue(raw, col.name, col.type)
      if (v instanceof ConversionError) {
        if (o.strictMode) error = v.message
        v = null
      }
      if (v === null && !col.nullable && !error) error = `NULL value in non-nullable column '${col.name}'`
      values[c] = v
    }
    if (error) {
      filtered.push({ message: error, raw: rec.raw })
      continue
    }
    const isDelete = plan.allDeletes || (plan.op ? isDeleteOp(evalExpr(plan.op, src)) : false)
    rows.push({ values, isDelete })
  }
  return { total: recs.length, rows, filtered }
}
