import { TableMatcherError } from './errors.ts'
import type { FieldReader } from './field-reader.ts'
import { type Anchoring, anchorings, type CompiledPattern, compilePattern } from './python-regex.ts'
import {
  binaryEncodings,
  type IncludeExclude,
  type KeyCompose,
  keyComposes,
  type Rule,
  snakeCaseModes,
  unmappedPolicies,
} from './rule.ts'
import {
  checkRuleColumns,
  defaultDatabaseColumn,
  defaultTableNameColumn,
  inferKeyColumns,
} from './rule-columns.ts'
import { checkTopicTemplate } from './topic-template.ts'

const richFields = [
  'version',
  'name',
  'match',
  'target',
  'columns',
  'unmapped',
  'snake_case',
  'exclude_columns',
  'table_name_column',
  'database_column',
  'capture_columns',
  'primary_key',
  'binary',
]

export interface RichDefaults {
  anchoring: Anchoring
  topic: string
  batchTopic: string | undefined
}

function patterns(reader: FieldReader, key: string, anchoring: Anchoring): IncludeExclude | undefined {
  if (!reader.has(key)) return undefined
  const value = reader.value[key]
  const compile = (list: string[], field: string): CompiledPattern[] =>
    list.map((p, i) => compilePattern(p, anchoring, { file: reader.file, field: `${field}[${i}]` }))
  if (typeof value === 'string' || Array.isArray(value)) {
    return { include: compile(reader.stringList(key), reader.field(key)), exclude: [] }
  }
  const inner = reader.object(key)!
  inner.rejectUnknown(['include', 'exclude'])
  return {
    include: compile(inner.stringList('include'), inner.field('include')),
    exclude: compile(inner.stringList('exclude'), inner.field('exclude')),
  }
}

function optionalColumn(reader: FieldReader, key: string, fallback: string): string | undefined {
  if (!reader.has(key)) return undefined
  const v = reader.value[key]
  if (v === false) return undefined
  if (v === true) return fallback
  return reader.nonEmptyString(key)
}

/** The richer format (`"version": 2`); see the README for every field. */
export function parseRichRule(reader: FieldReader, defaults: RichDefaults): Rule {
  reader.rejectUnknown(richFields)
  if (reader.require('version') !== 2) reader.fail('TM_BAD_FIELD', 'version', 'must be 2')
  const name = reader.nonEmptyString('name', true)
  const match =
    reader.object('match') ?? reader.fail('TM_MISSING_FIELD', 'match', 'required field is missing')
  match.rejectUnknown(['tables', 'regex', 'database', 'table', 'anchoring'])
  const anchoring = match.oneOf('anchoring', anchorings, defaults.anchoring)
  const exact = match.stringList('tables')
  exact.forEach((t, i) => {
    if (!t.includes('.'))
      match.fail('TM_BAD_FIELD', `tables[${i}]`, 'an exact table must be "database.table"')
  })
  const regex = match.nonEmptyString('regex')
  const qualified =
    regex === undefined
      ? undefined
      : compilePattern(regex, anchoring, { file: reader.file, field: match.field('regex') })
  const database = patterns(match, 'database', anchoring)
  const table = patterns(match, 'table', anchoring)
  if (exact.length === 0 && !qualified && !database?.include.length && !table?.include.length) {
    match.fail('TM_MISSING_FIELD', 'tables', 'a rule needs at least one of tables, regex, database or table')
  }
  const captureNames: string[] = []
  for (const p of [qualified, ...(database?.include ?? []), ...(table?.include ?? [])]) {
    for (const g of p?.groups ?? []) if (!captureNames.includes(g)) captureNames.push(g)
  }

  const target =
    reader.object('target') ?? reader.fail('TM_MISSING_FIELD', 'target', 'required field is missing')
  target.rejectUnknown(['table', 'topic', 'batch_topic'])
  const targetTable = target.nonEmptyString('table', true)
  const topic = target.nonEmptyString('topic') ?? defaults.topic
  const batchTopic = target.nonEmptyString('batch_topic') ?? defaults.batchTopic
  checkTopicTemplate(topic, captureNames, { file: reader.file, field: target.field('topic') })
  if (batchTopic !== undefined) {
    checkTopicTemplate(batchTopic, captureNames, { file: reader.file, field: target.field('batch_topic') })
  }

  const columns = reader.stringMap('columns').map(([source, target]) => ({ source, target }))
  let keyColumns = inferKeyColumns(columns)
  let keyCompose: KeyCompose = 'none'
  const pk = reader.value.primary_key
  if (pk !== undefined && (typeof pk === 'string' || Array.isArray(pk))) {
    keyColumns = reader.stringList('primary_key')
  } else if (pk !== undefined) {
    const obj = reader.object('primary_key')!
    obj.rejectUnknown(['columns', 'compose'])
    keyColumns = obj.has('columns') ? obj.stringList('columns') : keyColumns
    keyCompose = obj.oneOf('compose', keyComposes, 'none')
  }
  let tableNameColumn = optionalColumn(reader, 'table_name_column', defaultTableNameColumn)
  let databaseColumn = optionalColumn(reader, 'database_column', defaultDatabaseColumn)
  if (keyCompose === 'table' || keyCompose === 'db_table') tableNameColumn ??= defaultTableNameColumn
  if (keyCompose === 'db_table') databaseColumn ??= defaultDatabaseColumn
  const captureColumns = reader.boolean('capture_columns') ?? true
  if (keyCompose === 'captures' && (!captureColumns || captureNames.length === 0)) {
    throw new TableMatcherError(
      'TM_BAD_FIELD',
      'compose "captures" needs named capture groups and capture_columns',
      {
        file: reader.file,
        field: 'primary_key.compose',
      },
    )
  }
  const rule: Rule = {
    name,
    file: reader.file,
    format: 'rich',
    exact,
    ...(qualified ? { qualified } : {}),
    ...(database ? { database } : {}),
    ...(table ? { table } : {}),
    anchoring,
    target: { table: targetTable, topic, ...(batchTopic === undefined ? {} : { batchTopic }) },
    columns,
    unmapped: reader.oneOf('unmapped', unmappedPolicies, 'snake_case'),
    snakeCase: reader.oneOf('snake_case', snakeCaseModes, 'modern'),
    excludeColumns: reader.stringList('exclude_columns'),
    ...(tableNameColumn === undefined ? {} : { tableNameColumn }),
    ...(databaseColumn === undefined ? {} : { databaseColumn }),
    captureColumns,
    captureNames,
    keyColumns,
    keyCompose,
    binary: reader.oneOf('binary', binaryEncodings, 'base64'),
  }
  checkRuleColumns(rule, 'columns', 'primary_key')
  return rule
}
