import { describe, expect, it } from 'vitest'
import { parseRuleSet, type RuleFile } from '../src/index.ts'
import { richFile, seedFile, shardRuleFiles } from './fixtures/rule-files.ts'

const rejects = (files: RuleFile[], expected: Record<string, unknown>, options = {}) =>
  expect(() => parseRuleSet(files, options)).toThrow(expect.objectContaining(expected))

describe('parseRuleSet: the seed format', () => {
  it('loads the documented example unchanged', () => {
    const doc = {
      key: 'database.table',
      topic: 'topic_name',
      need_table: false,
      complete_regex: true,
      regex: '',
      column_mapping: { Id: 'id', CompanyName: 'company_name' },
    }
    const set = parseRuleSet([{ file: 'database.table.json', text: JSON.stringify(doc) }])
    const [rule] = set.rules
    expect(rule?.exact).toEqual(['database.table'])
    expect(rule?.target.topic).toBe('topic_name')
    expect(rule?.columns).toEqual([
      { source: 'Id', target: 'id' },
      { source: 'CompanyName', target: 'company_name' },
    ])
    expect(rule?.unmapped).toBe('drop')
  })

  it.each([
    ['missing field', { need_table: undefined }, 'TM_MISSING_FIELD', 'need_table'],
    ['wrong type', { need_table: 'yes' }, 'TM_BAD_FIELD', 'need_table'],
    ['typo', { colum_mapping: {} }, 'TM_UNKNOWN_FIELD', 'colum_mapping'],
    ['pattern rule without regex', { complete_regex: false, regex: '' }, 'TM_BAD_FIELD', 'regex'],
    ['regex that does not compile', { complete_regex: false, regex: 'shop\\.(' }, 'TM_BAD_REGEX', 'regex'],
    ['exact key without a dot', { key: 'shop' }, 'TM_BAD_FIELD', 'key'],
    ['mapping value not a string', { column_mapping: { Id: 1 } }, 'TM_BAD_FIELD', 'column_mapping.Id'],
    [
      'two sources, one target',
      { column_mapping: { UserID: 'user_id', userId: 'user_id' } },
      'TM_COLUMN_CONFLICT',
      'column_mapping.userId',
    ],
    [
      'mapping onto table_name with need_table',
      { need_table: true, column_mapping: { tn: 'table_name' } },
      'TM_COLUMN_CONFLICT',
      'column_mapping.tn',
    ],
    ['reserved target', { column_mapping: { op: '__op' } }, 'TM_BAD_FIELD', 'column_mapping.op'],
  ])('rejects a file with a %s, naming file and field', (_, fields, code, field) => {
    const good = seedFile('ok.json', { key: 'shop.a', topic: 't.a' })
    const bad = seedFile('bad.json', { key: 'shop.b', topic: 't.b', ...fields })
    rejects([good, bad], { code, file: 'bad.json', field })
  })

  it('rejects invalid JSON with the file name', () => {
    rejects([{ file: 'broken.json', text: '{"key": ' }], { code: 'TM_JSON', file: 'broken.json' })
  })
})

describe('parseRuleSet: the rich format', () => {
  it('loads the shard rules with captures, targets and key composition', () => {
    const set = parseRuleSet(shardRuleFiles())
    const org = set.rules.find((r) => r.name === 'order_org_month')
    expect(org?.captureNames).toEqual(['org_id', 'period'])
    expect(org?.tableNameColumn).toBe('table_name')
    expect(org?.databaseColumn).toBe('db_name')
    expect(set.exact.get('shop.t_user')?.name).toBe('shop.t_user')
  })

  it.each([
    ['unknown placeholder', { target: { table: 't', topic: '{nope}.x' } }, 'TM_BAD_FIELD', 'target.topic'],
    ['illegal topic characters', { target: { table: 't', topic: 'a b' } }, 'TM_BAD_FIELD', 'target.topic'],
    ['no pattern at all', { match: { table: { exclude: ['x'] } } }, 'TM_MISSING_FIELD', 'match.tables'],
    ['bad policy', { unmapped: 'guess' }, 'TM_BAD_FIELD', 'unmapped'],
    ['bad table pattern', { match: { table: ['ok', '('] } }, 'TM_BAD_REGEX', 'match.table[1]'],
    [
      'key column never produced',
      { unmapped: 'drop', columns: { Id: 'id' }, primary_key: ['pk'] },
      'TM_BAD_FIELD',
      'primary_key',
    ],
    [
      'capture colliding with a mapped column',
      { columns: { Org: 'org_id' } },
      'TM_COLUMN_CONFLICT',
      'columns.Org',
    ],
    ['mapped and excluded', { columns: { A: 'a' }, exclude_columns: ['A'] }, 'TM_BAD_FIELD', 'columns'],
    ['wrong version', { version: 3 }, 'TM_BAD_FIELD', 'version'],
  ])('rejects %s', (_, fields, code, field) => {
    const file = richFile('r.json', {
      name: 'r',
      match: { table: 'o(?<org_id>\\d+)' },
      target: { table: 't' },
      ...fields,
    })
    rejects([file], { code, file: 'r.json', field })
  })
})

describe('parseRuleSet: the whole set', () => {
  it('rejects duplicate names and duplicate exact keys, naming both', () => {
    rejects(
      [
        seedFile('a.json', { key: 'shop.x', topic: 't' }),
        richFile('b.json', { name: 'shop.x', match: { tables: 'shop.y' }, target: { table: 'y' } }),
      ],
      {
        code: 'TM_DUPLICATE_RULE',
        file: 'b.json',
      },
    )
    rejects(
      [
        seedFile('a.json', { key: 'shop.x', topic: 't' }),
        richFile('b.json', { name: 'b', match: { tables: 'shop.x' }, target: { table: 'y' } }),
      ],
      {
        code: 'TM_DUPLICATE_RULE',
        rules: ['shop.x', 'b'],
        table: 'shop.x',
      },
    )
  })

  it('rejects a known table matched by two pattern rules, naming both rules and the table', () => {
    const files = [
      ...shardRuleFiles(),
      richFile('all-orders.json', {
        name: 'all_orders',
        match: { regex: 'shop\\.order_.*' },
        target: { table: 'x' },
      }),
    ]
    expect(() => parseRuleSet(files)).not.toThrow()
    rejects(
      files,
      { code: 'TM_AMBIGUOUS', table: 'shop.order_org5', rules: ['all_orders', 'order_org'] },
      { knownTables: ['shop.order_org5'] },
    )
  })

  it('finds auto-mapping collisions of known columns at load time', () => {
    const options = { knownTables: [{ database: 'shop', table: 'log_2024', columns: ['UserID', 'user_id'] }] }
    rejects(
      shardRuleFiles(),
      { code: 'TM_COLUMN_CONFLICT', column: 'user_id', table: 'shop.log_2024' },
      options,
    )
  })

  it('rejects unknown options', () => {
    rejects([], { code: 'TM_OPTIONS' }, { anchor: 'start' })
  })
})
