import type { FieldReader } from './field-reader.ts'
import { type Anchoring, compilePattern } from './python-regex.ts'
import type { Rule } from './rule.ts'
import { checkRuleColumns, defaultTableNameColumn, inferKeyColumns } from './rule-columns.ts'
import { checkTopicTemplate } from './topic-template.ts'

export const seedFields = ['key', 'topic', 'need_table', 'complete_regex', 'regex', 'column_mapping'] as const

/**
 * The seed shipper's format, loaded with its meaning unchanged:
 * - `complete_regex: true`: `key` is an exact `db.table`; `regex` is ignored.
 * - `complete_regex: false`: `regex` is tested against `db.table` (anchoring per option;
 *   `start` reproduces Python's `re.match`); `key` is only the rule's name.
 * - `need_table: true` adds a `table_name` column holding the physical table name.
 * - `column_mapping`: source column → target column; other columns are dropped (and reported).
 * Differences from the Python reader: unknown fields and an empty `regex` on a pattern rule
 * are errors; the first regex in directory order no longer wins (two matches are an error).
 */
export function parseSeedRule(reader: FieldReader, anchoring: Anchoring): Rule {
  reader.rejectUnknown(seedFields)
  const name = reader.nonEmptyString('key', true)
  const topic = reader.nonEmptyString('topic', true)
  const needTable = reader.boolean('need_table', true)
  const complete = reader.boolean('complete_regex', true)
  const regex = reader.string('regex', true)
  const mapping = reader.stringMap('column_mapping', true)
  const where = { file: reader.file, field: '' }

  if (complete && !name.includes('.'))
    reader.fail('TM_BAD_FIELD', 'key', 'an exact key must be "database.table"')
  if (!complete && regex === '') {
    reader.fail(
      'TM_BAD_FIELD',
      'regex',
      'a rule with complete_regex false needs a regex (an empty one would match every table)',
    )
  }
  const qualified = complete ? undefined : compilePattern(regex, anchoring, { ...where, field: 'regex' })
  checkTopicTemplate(topic, qualified?.groups ?? [], { ...where, field: 'topic' })
  const columns = mapping.map(([source, target]) => ({ source, target }))
  const rule: Rule = {
    name,
    file: reader.file,
    format: 'seed',
    exact: complete ? [name] : [],
    ...(qualified ? { qualified } : {}),
    anchoring,
    // The generator named stream topics "<prefix>.<warehouse table>".
    target: { table: topic.slice(topic.lastIndexOf('.') + 1), topic },
    columns,
    unmapped: 'drop',
    snakeCase: 'legacy',
    excludeColumns: [],
    ...(needTable ? { tableNameColumn: defaultTableNameColumn } : {}),
    captureColumns: false,
    captureNames: qualified?.groups ?? [],
    keyColumns: inferKeyColumns(columns),
    keyCompose: 'none',
    binary: 'base64',
  }
  checkRuleColumns(rule, 'column_mapping', 'column_mapping')
  return rule
}
