// Policy "error" for a column the rule does not map: the row is not shipped without it,
// the source blocks (nothing after the row either, so per-key order holds), health and
// metrics say why, and once the rule maps the column the source resumes from the blocked
// transaction, with no restart of the process and nothing lost.

import { createJsonLogger } from '@sync/service-kit'
import { createTestDatabase, createTestTopic, registerCleanup, waitFor } from '@sync/test-kit'
import { describe, expect, it } from 'vitest'
import { startShipper } from '../../src/compose.ts'
import { parseConfig } from '../../src/config.ts'
import { metricValue, newKey, readTopics, stackConfig, tempDir, writeRule } from './helpers.ts'

describe('unmapped column with policy "error"', () => {
  it('blocks the source at the row, and resumes from it after the rule maps the column', async () => {
    const db = await createTestDatabase('ship_unmapped')
    const topic = await createTestTopic('strict', 2)
    const rulesDir = await tempDir('rules')
    const key = newKey()
    const rule = (columns: Record<string, string>) => ({
      version: 2,
      name: 'strict_items',
      match: { tables: `${db.name}.items` },
      target: { table: 'items', topic },
      columns,
      unmapped: 'error',
    })
    await writeRule(rulesDir, 'items.json', rule({ id: 'id', v: 'v' }))
    await db.query('CREATE TABLE items (id INT PRIMARY KEY, v INT)')
    const raw = stackConfig({
      rulesDir,
      checkpointDir: await tempDir('cp'),
      key,
      extra: { rules: { watch: false } },
    })
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
    const metrics = async () => (await fetch(`http://127.0.0.1:${shipper.opsPort}/metrics`)).text()

    await db.query('INSERT INTO items VALUES (1, 10)')
    await db.query('ALTER TABLE items ADD COLUMN Extra VARCHAR(8)')
    await db.query("INSERT INTO items VALUES (2, 20, 'x')")
    await db.query('UPDATE items SET v = 11 WHERE id = 1') // after the blocked row: held back too
    await waitFor(() => shipper.sources[0]?.state() === 'blocked', {
      what: 'source blocked',
      timeoutMs: 20_000,
    })

    const check = shipper.health().checks['source:src1']
    expect(check?.ok).toBe(false)
    expect(check?.detail).toBe(
      `blocked: a row cannot be mapped: items.json: column "Extra" of ${db.name}.items has no mapping in rule "strict_items"`,
    )
    let text = await metrics()
    expect(metricValue(text, 'sync_shipper_source_blocked', { source: 'src1' })).toBe(1)
    expect(metricValue(text, 'sync_shipper_source_up', { source: 'src1' })).toBe(1)
    expect(
      metricValue(text, 'sync_shipper_errors_total', { source: 'src1', code: 'TM_UNMAPPED_COLUMN' }),
    ).toBe(1)
    expect(
      metricValue(text, 'sync_table_matcher_unmapped_columns_total', {
        rule: 'strict_items',
        action: 'rejected',
      }),
    ).toBe(1)
    const logged = lines.map((l) => JSON.parse(l) as Record<string, unknown>)
    expect(logged).toContainEqual(
      expect.objectContaining({
        level: 'error',
        msg: 'source blocked: a row cannot be mapped; fix the rules (reloaded on change or SIGHUP)',
        code: 'TM_UNMAPPED_COLUMN',
      }),
    )
    expect(logged).toContainEqual(
      expect.objectContaining({
        level: 'warn',
        column: 'Extra',
        action: 'rejected',
        code: 'TM_UNMAPPED_COLUMN',
      }),
    )
    // only the row before the blocked one went out
    const before = await readTopics([topic], key, (m) => m.length >= 1)
    await new Promise((r) => setTimeout(r, 500))
    expect(before.map((m) => m.change.row)).toEqual([{ id: 1, v: 10 }])
    expect(metricValue(await metrics(), 'sync_shipper_rows_sent_total', { source: 'src1' })).toBe(1)

    // the fix: the rule maps the new column; a reload (as SIGHUP does) unblocks the source
    await writeRule(rulesDir, 'items.json', rule({ id: 'id', v: 'v', Extra: 'extra' }))
    await shipper.reloadRules('SIGHUP')
    await waitFor(() => shipper.health().checks['source:src1']?.ok, {
      what: 'source running again',
      timeoutMs: 20_000,
    })
    const all = await readTopics([topic], key, (m) => m.length >= 3)
    expect(all.map((m) => m.change.row)).toEqual([
      { id: 1, v: 10 },
      { id: 2, v: 20, extra: 'x' },
      { id: 1, v: 11, extra: null },
    ])
    text = await metrics()
    expect(metricValue(text, 'sync_shipper_source_blocked', { source: 'src1' })).toBe(0)
    expect(metricValue(text, 'sync_shipper_reader_restarts_total', { source: 'src1' })).toBe(1)
    expect(metricValue(text, 'sync_shipper_rows_sent_total', { source: 'src1', rule: 'strict_items' })).toBe(
      3,
    )
  })
})
