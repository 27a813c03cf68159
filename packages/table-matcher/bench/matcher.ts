// Benchmark: 5,274 physical tables behind 56 rules shaped like the seed's shard schemes.
// Each measurement is paired with the seed shipper's algorithm (exact dict, then a linear
// scan of re.match-style regexes per lookup; column mapping by dict lookups per row),
// written in JavaScript and measured in the same run.
// Run: pnpm exec tsx bench/matcher.ts
import { cpus } from 'node:os'
import { createTableMatcher, parseRuleSet, type RuleFile } from '../src/index.ts'

const columnNames = [
  'Id',
  'OrderNo',
  'OrgID',
  'UserId',
  'CompanyName',
  'Amount',
  'Status',
  'PayType',
  'createTime',
  'UpdateTime',
  'remark',
  'ADDRESS',
  'phone',
  'Province',
  'city',
  'district',
  'SkuCount',
  'is_deleted',
  'Version',
  'ExtJson',
]
const legacySnake = (n: string) => n.replace(/(?<!^)(?=[A-Z])/g, '_').toLowerCase()
const mapping = Object.fromEntries(columnNames.map((c) => [c, legacySnake(c)]))

interface Spec {
  regex?: string
  key: string
  tables: string[]
}
const specs: Spec[] = []
const pad = (n: number, w: number) => String(n).padStart(w, '0')
const months = Array.from({ length: 60 }, (_, i) => `${2020 + Math.floor(i / 12)}${pad((i % 12) + 1, 2)}`)
for (let i = 0; i < 20; i++) specs.push({ key: `shop.t_dict_${i}`, tables: [`t_dict_${i}`] })
for (let i = 0; i < 8; i++) {
  specs.push({
    key: `range_${i}`,
    regex: `shop\\.t_range${i}_(?P<shard>\\d{4})`,
    tables: Array.from({ length: 128 }, (_, n) => `t_range${i}_${pad(n, 4)}`),
  })
}
for (let i = 0; i < 8; i++) {
  specs.push({
    key: `org_${i}`,
    regex: `shop\\.org${i}_org(?P<org_id>\\d+)`,
    tables: Array.from({ length: 200 }, (_, n) => `org${i}_org${n + 1}`),
  })
}
for (let i = 0; i < 6; i++) {
  specs.push({
    key: `year_${i}`,
    regex: `shop\\.year${i}_(?P<year>\\d{4})`,
    tables: Array.from({ length: 10 }, (_, n) => `year${i}_${2015 + n}`),
  })
}
for (let i = 0; i < 8; i++) {
  specs.push({
    key: `month_${i}`,
    regex: `shop\\.month${i}_(?P<period>\\d{6})`,
    tables: months.map((m) => `month${i}_${m}`),
  })
}
for (let i = 0; i < 6; i++) {
  const count = i === 5 ? 350 : 348
  const tables = Array.from(
    { length: count },
    (_, n) => `orgm${i}_org${(n % 29) + 1}_${months[Math.floor(n / 29) % 60]}`,
  )
  specs.push({
    key: `org_month_${i}`,
    regex: `shop\\.orgm${i}_org(?P<org_id>\\d+)_(?P<period>\\d{6})`,
    tables,
  })
}
const files: RuleFile[] = specs.map((s) => ({
  file: `${s.key}.json`,
  text: JSON.stringify({
    key: s.key,
    topic: `mzt_ods_cjm_stream.ods_${s.key}`,
    need_table: s.regex !== undefined,
    complete_regex: s.regex === undefined,
    regex: s.regex ?? '',
    column_mapping: mapping,
  }),
}))
const names = specs.flatMap((s) => s.tables.map((t) => ['shop', t] as const))
if (specs.length !== 56 || names.length !== 5274)
  throw new Error(`model has ${specs.length} rules, ${names.length} tables`)

// The seed shipper's PrefixTrie.search and _map_columns, in JavaScript.
const seedExact = new Map(specs.filter((s) => !s.regex).map((s) => [s.key, s]))
const seedPatterns = specs
  .filter((s) => s.regex)
  .map((s) => ({ spec: s, re: new RegExp(`^(?:${s.regex!.replaceAll('(?P<', '(?<')})`) }))
function seedSearch(text: string): Spec | undefined {
  const exact = seedExact.get(text)
  if (exact) return exact
  for (const p of seedPatterns) if (p.re.exec(text)) return p.spec
  return undefined
}
function seedMapColumns(values: Record<string, unknown>, table: string): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const column in values) if (column in mapping) out[mapping[column]!] = values[column]
  out.table_name = table
  return out
}

let sink = 0
function rate(_label: string, ops: number, fn: (n: number) => void): number {
  fn(Math.min(ops, 200_000)) // warm-up
  const start = process.hrtime.bigint()
  fn(ops)
  const seconds = Number(process.hrtime.bigint() - start) / 1e9
  return ops / seconds
}
const fmt = (n: number) => (n >= 1e6 ? `${(n / 1e6).toFixed(2)} M/s` : `${(n / 1e3).toFixed(0)} k/s`)

// 1. Parse 56 files and compile the 5,274 plans (first sight of every table).
const t0 = process.hrtime.bigint()
const parsed = parseRuleSet(files)
const parseMs = Number(process.hrtime.bigint() - t0) / 1e6
const matcher = createTableMatcher(parsed)
for (const [db, t] of names) if (matcher.match(db, t) === undefined) throw new Error(`${db}.${t} unmatched`)
const compileMs = Number(process.hrtime.bigint() - t0) / 1e6
// Same again in a warm process (a hot reload recompiles plans lazily, like this).
const t2 = process.hrtime.bigint()
const again = createTableMatcher(parseRuleSet(files))
for (const [db, t] of names) sink += again.match(db, t)!.keyColumns.length
const warmMs = Number(process.hrtime.bigint() - t2) / 1e6
const t1 = process.hrtime.bigint()
for (const [db, t] of names) if (seedSearch(`${db}.${t}`) === undefined) throw new Error('seed unmatched')
const seedScanMs = Number(process.hrtime.bigint() - t1) / 1e6

// 2. Cached match versus the seed's per-event linear scan.
const lookups = 5_000_000
const matchRate = rate('match', lookups, (n) => {
  for (let i = 0; i < n; i++) {
    const [db, t] = names[i % names.length]!
    sink += matcher.match(db, t)!.keyColumns.length
  }
})
const seedLookups = 300_000
const seedRate = rate('seed search', seedLookups, (n) => {
  for (let i = 0; i < n; i++) {
    const [db, t] = names[i % names.length]!
    sink += seedSearch(`${db}.${t}`) ? 1 : 0
  }
})

// 3. mapRow of a 20-column row versus the seed's dict-lookup mapping.
const plan = matcher.match('shop', 'orgm3_org7_202101')!
const rows = Array.from({ length: 1024 }, (_, i) =>
  Object.fromEntries(columnNames.map((c, j) => [c, j % 3 === 0 ? i + j : `v${i}-${j}`])),
)
const rowCount = 3_000_000
const mapRate = rate('mapRow', rowCount, (n) => {
  for (let i = 0; i < n; i++) sink += plan.mapRow(rows[i & 1023]!).id === undefined ? 1 : 0
})
const seedMapRate = rate('seed map', rowCount, (n) => {
  for (let i = 0; i < n; i++)
    sink += seedMapColumns(rows[i & 1023]!, 'orgm3_org7_202101').id === undefined ? 1 : 0
})
const interpreted = createTableMatcher(parseRuleSet(files), { codegen: false }).match(
  'shop',
  'orgm3_org7_202101',
)!
const loopRate = rate('mapRow loop', rowCount, (n) => {
  for (let i = 0; i < n; i++) sink += interpreted.mapRow(rows[i & 1023]!).id === undefined ? 1 : 0
})

const cpu = cpus()
console.log(`machine: ${cpu.length} cores (${cpu[0]?.model.trim()}), Node ${process.version}`)
console.log(`parse alone: ${parseMs.toFixed(1)} ms; warm rebuild: ${warmMs.toFixed(1)} ms`)
console.log(
  `model: ${specs.length} rules, ${names.length} physical tables, ${columnNames.length}-column rows`,
)
console.log('| measurement | this package | seed algorithm (same run) | ratio |')
console.log('| --- | --- | --- | --- |')
console.log(
  `| parse 56 rules + compile 5,274 plans | ${compileMs.toFixed(1)} ms | ${seedScanMs.toFixed(1)} ms (one linear scan of all names) | ${(compileMs / seedScanMs).toFixed(1)}× the time |`,
)
console.log(
  `| cached match | ${fmt(matchRate)} | ${fmt(seedRate)} (PrefixTrie.search) | ${(matchRate / seedRate).toFixed(0)}× |`,
)
console.log(
  `| mapRow, 20 columns (codegen) | ${fmt(mapRate)} | ${fmt(seedMapRate)} (_map_columns) | ${(mapRate / seedMapRate).toFixed(1)}× |`,
)
console.log(
  `| mapRow, 20 columns (codegen: false) | ${fmt(loopRate)} | ${fmt(seedMapRate)} (_map_columns) | ${(loopRate / seedMapRate).toFixed(1)}× |`,
)
if (sink === -1) console.log('')
