// A physical table matches at most one rule, and an overlap is a load-time error: the
// shipper hands the source's table list (information_schema, asked again at each reload)
// to the rule loader. Before, only exact keys and tables already met in the binlog were
// checked, so two overlapping pattern rules loaded fine and the first row of an affected
// table blocked its source at run time.

import { createJsonLogger } from '@sync/service-kit'
import { createTestDatabase, createTestTopic, registerCleanup, waitFor } from '@sync/test-kit'
import { describe, expect, it } from 'vitest'
import { startShipper } from '../../src/compose.ts'
import { parseConfig } from '../../src/config.ts'
import { metricValue, newKey, readTopics, stackConfig, tempDir, writeRule } from './helpers.ts'
import { spawnShipper, writeConfig } from './process-helpers.ts'

const shardRule = (name: string, topic: string, regex: string) => ({
  key: name,
  topic,
  need_table: true,
  complete_regex: false,
  regex,
  column_mapping: { id: 'id', v: 'v' },
})

async function setUp(tables: string[]) {
  const db = await createTestDatabase('ship_overlap')
  for (const t of tables) await db.query(`CREATE TABLE ${t} (id INT PRIMARY KEY, v INT)`)
  const topic = await createTestTopic('overlap', 2)
  const rulesDir = await tempDir('rules')
  const checkpointDir = await tempDir('cp')
  const key = newKey()
  // every organisation's shards, and (overlapping) organisation 1's shards alone
  const allOrgs = shardRule('all_orgs', topic, `${db.name}\\.order_org\\d+_\\d{6}`)
  const org1 = shardRule('org1', topic, `${db.name}\\.order_org1_\\d{6}`)
  await writeRule(rulesDir, 'all-orgs.json', allOrgs)
  const raw = stackConfig({ rulesDir, checkpointDir, key, extra: { rules: { watch: false } } })
  return { db, topic, rulesDir, checkpointDir, key, raw, org1 }
}

describe('overlapping rules are refused at load time', () => {
  it('stops the start, naming both rule files and the existing table', async () => {
    const { db, rulesDir, checkpointDir, raw, org1 } = await setUp(['order_org1_202401'])
    await writeRule(rulesDir, 'org1.json', org1)
    const child = spawnShipper(['--config', await writeConfig(checkpointDir, raw)])
    const timer = setTimeout(() => child.proc.kill('SIGKILL'), 20_000) // it would run on otherwise
    const exit = await child.exited
    clearTimeout(timer)
    expect(exit.code, child.output()).toBe(2)
    const failure = child
      .output()
      .split('\n')
      .find((l) => l.includes('shipper cannot start'))
    expect(failure, child.output()).toBeDefined()
    const line = JSON.parse(failure as string) as { code: string; error: { message: string } }
    expect(line.code).toBe('SHIP_RULES')
    expect(line.error.message).toContain(`table ${db.name}.order_org1_202401 matches both rule`)
    expect(line.error.message).toContain('(all-orgs.json)')
    expect(line.error.message).toContain('(org1.json)')
  })

  it('starts with the same rules when no existing table matches both', async () => {
    // the overlap is only potential: org 2's shard matches one rule
    const { rulesDir, raw, org1 } = await setUp(['order_org2_202401'])
    await writeRule(rulesDir, 'org1.json', org1)
    const parsed = parseConfig(raw, {}, '/')
    if (!parsed.ok) throw new Error(parsed.errors.join('\n'))
    const shipper = await startShipper(parsed.config, { log: createJsonLogger({ level: 'silent' }) })
    registerCleanup(() => shipper.stop(5000).then(() => undefined))
    await waitFor(() => shipper.health().checks['source:src1']?.ok, {
      what: 'source running',
      timeoutMs: 20_000,
    })
    expect(shipper.health().ok).toBe(true)
  })

  it('refuses a reloaded set under which an existing, not yet seen table matches two rules', async () => {
    const { db, topic, rulesDir, key, raw, org1 } = await setUp(['order_org1_202401', 'order_org2_202401'])
    const parsed = parseConfig(raw, {}, '/')
    if (!parsed.ok) throw new Error(parsed.errors.join('\n'))
    const lines: string[] = []
    const shipper = await startShipper(parsed.config, {
      log: createJsonLogger({ level: 'info', write: (l) => void lines.push(l) }),
    })
    registerCleanup(() => shipper.stop(5000).then(() => undefined))
    await waitFor(() => shipper.health().checks['source:src1']?.ok, {
      what: 'source running',
      timeoutMs: 20_000,
    })
    // only org 2's shard has been met in the binlog; org 1's exists but has had no row yet
    await db.query('INSERT INTO order_org2_202401 VALUES (1, 1)')
    await readTopics([topic], key, (m) => m.length >= 1)
    await writeRule(rulesDir, 'org1.json', { ...org1, topic: `${topic}-never` })
    await shipper.reloadRules('test')

    const metrics = await (await fetch(`http://127.0.0.1:${shipper.opsPort}/metrics`)).text()
    expect(metricValue(metrics, 'sync_shipper_rule_reloads_total', { result: 'rejected' })).toBe(1)
    expect(metricValue(metrics, 'sync_shipper_rule_reloads_total', { result: 'ok' })).toBe(0)
    const rejected = lines
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .find((l) => l.msg === 'new rule set rejected; the previous rules stay in use')
    expect(rejected).toMatchObject({ code: 'TM_AMBIGUOUS', table: `${db.name}.order_org1_202401` })
    expect(rejected?.error).toContain('(all-orgs.json)')
    expect(rejected?.error).toContain('(org1.json)')

    // the old set stays: org 1's rows ship under the one rule, and the source never blocks
    await db.query('INSERT INTO order_org1_202401 VALUES (2, 2)')
    const got = await readTopics([topic], key, (m) => m.length >= 2)
    expect(got.map((m) => [m.change.row.table_name, m.change.row.id])).toEqual([
      ['order_org2_202401', 1],
      ['order_org1_202401', 2],
    ])
    expect(shipper.health().checks['source:src1']).toMatchObject({ ok: true })
    expect(shipper.sources[0]?.state()).toBe('running')
  })
})
