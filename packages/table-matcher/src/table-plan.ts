import { TableMatcherError } from './errors.ts'
import { compileProjection, type Row } from './projection.ts'
import { decideColumn, type Resolution } from './resolve.ts'
import type { BinaryEncoding, ColumnPair, Rule, UnmappedPolicy } from './rule.ts'
import { composeKey } from './rule-columns.ts'
import { toSnakeCase } from './snake-case.ts'
import { renderTopic } from './topic-template.ts'

/** What happened to a column without an explicit mapping, the first time it was seen. */
export interface UnmappedColumnEvent {
  rule: string
  database: string
  table: string
  column: string
  action: 'dropped' | 'auto_mapped' | 'rejected'
  /** Target name, when auto-mapped. */
  target?: string
  /** Error code, when rejected. */
  code?: string
  /** False for rules with no explicit mapping, where auto-mapping is the plan, not a surprise. */
  explicitMapping: boolean
}

/** Everything the pipeline needs to ship rows of one physical table. */
export interface TablePlan {
  readonly rule: string
  readonly target: { readonly table: string; readonly topic: string; readonly batchTopic?: string }
  readonly database: string
  readonly table: string
  readonly captures: Readonly<Record<string, string>>
  /** Target key columns, composition columns (table_name, db, captures) first. */
  readonly keyColumns: readonly string[]
  /** Source → target pairs mapped so far (explicit ones, then auto-mapped ones in order seen). */
  readonly columns: readonly ColumnPair[]
  /** Constant columns added to every row (db, table name, captures). */
  readonly extraColumns: Readonly<Record<string, string | null>>
  readonly binaryEncoding: BinaryEncoding
  readonly unmappedPolicy: UnmappedPolicy
  /** Source-named row → target-named row; throws TM_UNMAPPED_COLUMN / TM_COLUMN_CONFLICT per policy. */
  mapRow(row: Row): Row
  /** The key columns' values of a mapped row, in keyColumns order. */
  keyOf(mappedRow: Row): Row
  /** The same plan with the key taken from the table's real primary key (source names). */
  withSourceKey(sourceColumns: readonly string[]): TablePlan
}

export interface PlanEnvironment {
  codegen: boolean
  report(event: UnmappedColumnEvent): void
}

interface Template {
  pairs: ColumnPair[]
  taken: Map<string, string>
  known: Set<string>
  factory: (extras: readonly unknown[]) => (row: Row) => Row
}

const templates = new WeakMap<Rule, Map<string, Template>>()

function templateFor(rule: Rule, extraNames: readonly string[], codegen: boolean): Template {
  let byShape = templates.get(rule)
  if (byShape === undefined) {
    byShape = new Map()
    templates.set(rule, byShape)
  }
  const key = `${codegen}\u0000${extraNames.join('\u0000')}`
  let t = byShape.get(key)
  if (t === undefined) {
    const pairs = [...rule.columns]
    t = {
      pairs,
      taken: new Map(pairs.map((p) => [p.target, p.source])),
      known: new Set([...pairs.map((p) => p.source), ...rule.excludeColumns]),
      factory: compileProjection(pairs, extraNames, codegen),
    }
    byShape.set(key, t)
  }
  return t
}

export function createTablePlan(
  found: Resolution,
  db: string,
  table: string,
  env: PlanEnvironment,
): TablePlan {
  const { rule, captures } = found
  const qualifiedName = `${db}.${table}`
  const extras: Record<string, string | null> = {}
  if (rule.databaseColumn !== undefined) extras[rule.databaseColumn] = db
  if (rule.tableNameColumn !== undefined) extras[rule.tableNameColumn] = table
  if (rule.captureColumns) for (const name of rule.captureNames) extras[name] = captures[name] ?? null
  const extraNames = Object.keys(extras)
  const extraValues = Object.values(extras)
  const values = { ...captures, db, table, target: rule.target.table, rule: rule.name }
  const target = {
    table: rule.target.table,
    topic: renderTopic(rule.target.topic, values),
    ...(rule.target.batchTopic === undefined
      ? {}
      : { batchTopic: renderTopic(rule.target.batchTopic, values) }),
  }

  // Shared by every table of the rule until one of them meets a column of its own.
  const shared = templateFor(rule, extraNames, env.codegen)
  let pairs = shared.pairs
  let taken = shared.taken
  let known = shared.known
  let owned = false
  const own = () => {
    if (owned) return
    pairs = [...pairs]
    taken = new Map(taken)
    known = new Set(known)
    owned = true
  }
  let project = shared.factory(extraValues)
  const rejected = new Map<string, TableMatcherError>()
  const explicitMapping = rule.columns.length > 0 || rule.unmapped !== 'snake_case'

  const unknownColumn = (column: string): void => {
    const prior = rejected.get(column)
    if (prior !== undefined) throw prior
    const decision = decideColumn(rule, column, taken, qualifiedName)
    const event = { rule: rule.name, database: db, table, column, explicitMapping }
    if (decision.kind === 'rejected') {
      rejected.set(column, decision.error)
      env.report({ ...event, action: 'rejected', code: decision.error.code })
      throw decision.error
    }
    own()
    known.add(column)
    if (decision.kind === 'mapped') {
      pairs.push({ source: column, target: decision.target })
      taken.set(decision.target, column)
      project = compileProjection(pairs, extraNames, env.codegen)(extraValues)
      env.report({ ...event, action: 'auto_mapped', target: decision.target })
    } else if (decision.kind === 'dropped') {
      env.report({ ...event, action: 'dropped' })
    }
  }

  const build = (keyColumns: readonly string[]): TablePlan => {
    const keys = [...keyColumns]
    const plan: TablePlan = {
      rule: rule.name,
      target,
      database: db,
      table,
      captures,
      keyColumns: keys,
      get columns() {
        return pairs.slice()
      },
      extraColumns: extras,
      binaryEncoding: rule.binary,
      unmappedPolicy: rule.unmapped,
      mapRow(row) {
        for (const column in row) if (!known.has(column)) unknownColumn(column)
        return project(row)
      },
      keyOf(mappedRow) {
        const out: Row = {}
        for (const k of keys) out[k] = mappedRow[k]
        return out
      },
      withSourceKey(sourceColumns) {
        const targets = sourceColumns.map((source) => {
          const explicit = rule.columns.find((c) => c.source === source)
          if (explicit !== undefined) return explicit.target
          if (rule.unmapped === 'snake_case' && !rule.excludeColumns.includes(source)) {
            const seen = pairs.find((p) => p.source === source)
            return seen?.target ?? toSnakeCase(source, { legacy: rule.snakeCase === 'legacy' })
          }
          throw new TableMatcherError(
            'TM_UNMAPPED_COLUMN',
            `key column "${source}" of ${qualifiedName} is not mapped by rule "${rule.name}"`,
            {
              rules: [rule.name],
              table: qualifiedName,
              column: source,
            },
          )
        })
        return build(composeKey(rule, targets))
      },
    }
    return Object.freeze(plan)
  }
  return build(composeKey(rule, rule.keyColumns))
}
