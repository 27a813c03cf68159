import { describe, expect, it } from 'vitest'
import {
  createTableMatcher,
  parseRuleSet,
  type TableMatcherLogger,
  type TableMatcherMetrics,
} from '../src/index.ts'
import { seedFile, shardRuleFiles } from './fixtures/rule-files.ts'

function recorders() {
  const warnings: Array<Record<string, unknown>> = []
  const counts = new Map<string, number>()
  const logger: TableMatcherLogger = { warn: (fields) => void warnings.push(fields) }
  const metrics: TableMatcherMetrics = {
    increment: (name, labels, value = 1) => {
      const key = `${name}${labels ? JSON.stringify(labels) : ''}`
      counts.set(key, (counts.get(key) ?? 0) + value)
    },
  }
  return { warnings, counts, logger, metrics }
}

// Realistic shard names, one scheme each, and what the rules above say about them.
const shards: Array<[string, string, string | undefined, Record<string, string>, string | undefined]> = [
  ['shop', 't_order_0001', 'order_range', { shard: '0001' }, 'stream.ods_order'],
  ['shop', 't_order_9999', 'order_range', { shard: '9999' }, 'stream.ods_order'],
  ['shop', 't_order_bak', undefined, {}, undefined],
  ['other', 't_order_0001', undefined, {}, undefined],
  ['shop', 'order_org123', 'order_org', { org_id: '123' }, 'shop_ods_order_org'],
  [
    'shop',
    'order_org12_202401',
    'order_org_month',
    { org_id: '12', period: '202401' },
    'ods_order_org_month',
  ],
  ['shop', 'log_2024', 'log_year', { year: '2024' }, 'ods_log'],
  ['shop_7', 'log_2023', 'log_year', { year: '2023' }, 'ods_log'],
  ['shop_93', 'log_2023', undefined, {}, undefined],
  ['shop', 'log_2024_bak', undefined, {}, undefined],
  ['shop', 'order_202401', 'order_month', { period: '202401' }, 'ods_order_month'],
  ['shop', 'order_2024011', undefined, {}, undefined],
  ['shop', 't_user', 'shop.t_user', {}, 'mzt_ods_cjm_stream.ods_t_user'],
]

describe('createTableMatcher: match', () => {
  const matcher = createTableMatcher(parseRuleSet(shardRuleFiles()))

  it.each(shards)('%s.%s → %s', (db, table, rule, captures, topic) => {
    const plan = matcher.match(db, table)
    expect(plan?.rule).toBe(rule)
    if (plan === undefined) return
    expect(plan.captures).toEqual(captures)
    expect(plan.target.topic).toBe(topic)
    expect(plan.database).toBe(db)
    expect(plan.table).toBe(table)
    expect(matcher.match(db, table)).toBe(plan)
  })

  it('composes primary keys for merged shards', () => {
    expect(matcher.match('shop', 't_order_0001')?.keyColumns).toEqual(['table_name', 'id'])
    expect(matcher.match('shop', 'order_org12_202401')?.keyColumns).toEqual(['db_name', 'table_name', 'id'])
    expect(matcher.match('shop', 'order_org123')?.keyColumns).toEqual(['org_id', 'id'])
  })

  it('lets an exact key win over a pattern that also accepts the table', () => {
    const files = [
      ...shardRuleFiles(),
      seedFile('shop.t_order_0007.json', {
        key: 'shop.t_order_0007',
        topic: 'special.t_order_0007',
        column_mapping: { Id: 'id' },
      }),
    ]
    const m = createTableMatcher(parseRuleSet(files))
    expect(m.match('shop', 't_order_0007')?.rule).toBe('shop.t_order_0007')
    expect(m.match('shop', 't_order_0008')?.rule).toBe('order_range')
  })

  it('throws TM_AMBIGUOUS for a new table two pattern rules accept, every time, and counts it once', () => {
    const { counts, logger, metrics } = recorders()
    // With Python's re.match anchoring, order_org(\d+) also accepts order_org12_202401.
    const m = createTableMatcher(parseRuleSet(shardRuleFiles(), { anchoring: 'start' }), { logger, metrics })
    const expected = {
      code: 'TM_AMBIGUOUS',
      table: 'shop.order_org12_202401',
      rules: ['order_org', 'order_org_month'],
    }
    expect(() => m.match('shop', 'order_org12_202401')).toThrow(expect.objectContaining(expected))
    expect(() => m.match('shop', 'order_org12_202401')).toThrow(expect.objectContaining(expected))
    expect(counts.get('table_matcher_match_errors_total{"code":"TM_AMBIGUOUS"}')).toBe(1)
    expect(m.match('shop', 'order_org12')?.rule).toBe('order_org')
  })

  it('matches a table created after start on first sight', () => {
    const m = createTableMatcher(parseRuleSet(shardRuleFiles()))
    expect(m.match('shop', 'order_org1')?.rule).toBe('order_org')
    expect(m.match('shop', 'order_org77777')?.captures).toEqual({ org_id: '77777' })
  })

  it('rejects option typos and rule sets it did not validate', () => {
    const set = parseRuleSet(shardRuleFiles())
    expect(() => createTableMatcher(set, { loger: {} } as never)).toThrow(
      expect.objectContaining({ code: 'TM_OPTIONS' }),
    )
    expect(() => createTableMatcher({ ...set })).toThrow(expect.objectContaining({ code: 'TM_OPTIONS' }))
  })
})

describe('createTableMatcher: unmapped columns', () => {
  it('reports each unmapped column once per table and column, and counts it', () => {
    const { warnings, counts, logger, metrics } = recorders()
    const m = createTableMatcher(parseRuleSet(shardRuleFiles()), { logger, metrics })
    const row = { Id: 1, OrderNo: 'A1', createTime: '2024-01-01 00:00:00', Legacy: 'x' }
    const a = m.match('shop', 'order_202401')!
    const b = m.match('shop', 'order_202402')!
    // The capture group (?P<period>…) becomes a column; Legacy has no mapping and policy "drop".
    expect(a.mapRow(row)).toEqual({
      id: 1,
      order_no: 'A1',
      create_time: '2024-01-01 00:00:00',
      period: '202401',
    })
    a.mapRow(row)
    b.mapRow(row)
    expect(warnings.map((w) => [w.table, w.column, w.action])).toEqual([
      ['order_202401', 'Legacy', 'dropped'],
      ['order_202402', 'Legacy', 'dropped'],
    ])
    expect(counts.get('table_matcher_unmapped_columns_total{"rule":"order_month","action":"dropped"}')).toBe(
      2,
    )
    expect(m.unmappedColumns()).toHaveLength(2)
  })
})

describe('table exclusions', () => {
  // exclusions are anchored like every pattern (whole name by default)
  it('leaves out the tables a rule excludes, while its pattern keeps the rest', () => {
    const set = parseRuleSet([
      {
        file: 'orders.json',
        text: JSON.stringify({
          version: 2,
          name: 'orders_by_month',
          match: {
            database: 'shop',
            table: {
              include: ['order_(?<period>\\d{6})(?:_\\w+)?'],
              exclude: ['order_\\d{6}_(?:bak|tmp)', 'order_1999\\d{2}'],
            },
          },
          target: { table: 'ods_order' },
        }),
      },
    ])
    const matcher = createTableMatcher(set)
    expect(matcher.match('shop', 'order_202401')?.target.table).toBe('ods_order')
    expect(matcher.match('shop', 'order_202401_archive')?.target.table).toBe('ods_order')
    for (const excluded of ['order_202401_bak', 'order_202402_tmp', 'order_199912'])
      expect(matcher.match('shop', excluded), excluded).toBeUndefined()
  })
})
