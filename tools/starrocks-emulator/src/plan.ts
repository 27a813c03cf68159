// The FE's load planning (`streamLoadPut`, §1.3 row 12 and §2.3): the `columns` header,
// `jsonpaths`, `partial_update` and `merge_condition`, checked against the table schema.
import type { TableSchema } from './catalog.ts'
import { splitTopLevel } from './ddl.ts'
import { type JsonPath, parseJsonPath } from './json-path.ts'
import { JsonNumber, type JsonValue, parseJsonValue } from './json-text.ts'

export const OP = '__op'
export const DORIS_DELETE_SIGN = '__DORIS_DELETE_SIGN__'

/** A derived column's expression: a constant or a reference to a source column. */
export type ColumnExpr = { kind: 'const'; value: JsonValue } | { kind: 'ref'; source: number }

/** Where each table column's value comes from. */
export type ColumnSource =
  | { kind: 'source'; index: number }
  | { kind: 'expr'; expr: ColumnExpr }
  | { kind: 'absent' }

export interface LoadPlan {
  sourceColumns: string[]
  jsonPaths?: JsonPath[]
  /** Parallel to schema.columns. */
  targets: ColumnSource[]
  /** The op (StarRocks `__op`, Doris delete sign), if any. */
  op?: ColumnExpr
  /** Doris `merge_type: DELETE`: every row is a delete. */
  allDeletes: boolean
  partialUpdate: boolean
  mergeCondition?: string
}

export class PlanError extends Error {}

const unquote = (s: string) => s.trim().replace(/^`(.*)`$/s, '$1')

function parseExpr(text: string, sources: string[]): ColumnExpr {
  const t = text.trim()
  const str = /^'((?:[^'\\]|\\.)*)'$|^"((?:[^"\\]|\\.)*)"$/s.exec(t)
  if (str) return { kind: 'const', value: str[1] ?? str[2] ?? '' }
  if (/^-?\d+(\.\d+)?$/.test(t)) return { kind: 'const', value: new JsonNumber(t) }
  if (/^null$/i.test(t)) return { kind: 'const', value: null }
  const idx = sources.findIndex((s) => s.toLowerCase() === unquote(t).toLowerCase())
  if (idx >= 0) return { kind: 'ref', source: idx }
  throw new PlanError(`The emulator only supports constants and column references in columns, received: ${t}`)
}

export interface PlanHeaders {
  columns?: string
  jsonpaths?: string
  partialUpdate: boolean
  mergeCondition?: string
  doris: boolean
  mergeType?: string
  hiddenColumns?: string
}

export function planLoad(schema: TableSchema, h: PlanHeaders): LoadPlan {
  const isPk = schema.model === 'PRIMARY'
  const byName = new Map(schema.columns.map((c, i) => [c.name.toLowerCase(), i]))
  const sourceColumns: string[] = []
  const derived: Array<[string, string]> = []
  if (h.columns?.trim()) {
    for (const entry of splitTopLevel(h.columns)) {
      const eq = entry.indexOf('=')
      if (eq < 0) {
        const name = unquote(entry)
        if (sourceColumns.some((s) => s.toLowerCase() === name.toLowerCase()))
          throw new PlanError(`Duplicate column: ${name}`)
        sourceColumns.push(name)
      } else {
        const target = unquote(entry.slice(0, eq))
        if (derived.some(([t]) => t.toLowerCase() === target.toLowerCase()))
          throw new PlanError(`Duplicate column mapping: ${target}`)
        if (!byName.has(target.toLowerCase()) && target !== OP && target !== DORIS_DELETE_SIGN)
          throw new PlanError(`Mapping column is not in table. column: ${target}`)
        derived.push([target, entry.slice(eq + 1)])
      }
    }
  } else {
    for (const c of schema.columns) if (!c.autoIncrement) sourceColumns.push(c.name)
    if (h.doris && h.hiddenColumns?.split(',').some((c) => c.trim() === DORIS_DELETE_SIGN))
      sourceColumns.push(DORIS_DELETE_SIGN)
  }
  const opName = h.doris ? DORIS_DELETE_SIGN : OP
  const mentioned = sourceColumns.includes(opName) || derived.some(([t]) => t === opName)
  // §2.3: for JSON loads into PK tables the FE adds an `__op` source slot when none is named
  if (!h.doris && isPk && !mentioned) sourceColumns.push(OP)

  const exprs = new Map(derived.map(([t, e]) => [t.toLowerCase(), parseExpr(e, sourceColumns)]))
  let op: ColumnExpr | undefined
  if (exprs.has(opName.toLowerCase())) op = exprs.get(opName.toLowerCase())
  else if (sourceColumns.includes(opName)) op = { kind: 'ref', source: sourceColumns.indexOf(opName) }
  if (op && !isPk && schema.model !== 'UNIQUE')
    throw new PlanError(`${opName} is only supported by primary key tables`)

  const targets: ColumnSource[] = schema.columns.map((c) => {
    const e = exprs.get(c.name.toLowerCase())
    if (e) return { kind: 'expr', expr: e }
    const i = sourceColumns.findIndex((s) => s.toLowerCase() === c.name.toLowerCase())
    return i >= 0 ? { kind: 'source', index: i } : { kind: 'absent' }
  })

  if (h.partialUpdate) {
    if (!isPk) throw new PlanError('Only primary key table support partial update')
    for (const k of schema.keys) {
      if (targets[byName.get(k.toLowerCase())!]!.kind === 'absent')
        throw new PlanError(`key column ${k} not in partial update columns`)
    }
  } else {
    schema.columns.forEach((c, i) => {
      if (targets[i]!.kind === 'absent' && !c.nullable && !c.hasDefault && !c.autoIncrement)
        throw new PlanError(`Column has no default value. column: ${c.name}`)
    })
  }

  let mergeCondition: string | undefined
  if (h.mergeCondition?.trim()) {
    const name = h.mergeCondition.trim()
    if (!isPk) throw new PlanError(`Conditional update only support primary key table ${schema.name}`)
    const i = byName.get(name.toLowerCase())
    if (i === undefined)
      throw new PlanError(`Merge condition column ${name} does not exist in table ${schema.name}`)
    const col = schema.columns[i]!
    if (schema.keys.some((k) => k.toLowerCase() === name.toLowerCase()))
      throw new PlanError(`Merge condition column ${name} should not be primary key!`)
    if (['CHAR', 'VARCHAR', 'STRING', 'JSON', 'BINARY', 'VARBINARY'].includes(col.type.kind))
      throw new PlanError('Merge condition column has invalid type maybe bitmap/hll/percentile/json/varchar!')
    if (h.partialUpdate && targets[i]!.kind === 'absent')
      throw new PlanError(`Merge condition column ${name} must be one of the partial update columns`)
    mergeCondition = col.name
  }

  let jsonPaths: JsonPath[] | undefined
  if (h.jsonpaths?.trim()) {
    let list: JsonValue
    try {
      list = parseJsonValue(h.jsonpaths)
    } catch {
      throw new PlanError(`Invalid json path: ${h.jsonpaths}`)
    }
    if (!Array.isArray(list) || list.some((p) => typeof p !== 'string'))
      throw new PlanError(`Invalid json path: ${h.jsonpaths}`)
    jsonPaths = (list as string[]).map(parseJsonPath)
  }

  const mergeType = h.mergeType?.trim().toUpperCase()
  if (mergeType && !['APPEND', 'DELETE', 'MERGE'].includes(mergeType))
    throw new PlanError(`Invalid merge_type ${h.mergeType}`)
  return {
    sourceColumns,
    ...(jsonPaths ? { jsonPaths } : {}),
    targets,
    ...(op ? { op } : {}),
    allDeletes: mergeType === 'DELETE',
    partialUpdate: h.partialUpdate,
    ...(mergeCondition ? { mergeCondition } : {}),
  }
}
