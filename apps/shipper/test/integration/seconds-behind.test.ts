// shipper_seconds_behind_source from a real shipper: 0 while nothing waits, and while Kafka
// is down, the source time of the last acknowledged transaction behind now. That
// transaction's binlog time is pinned with SET TIMESTAMP, so the expected value is known
// to the millisecond of the scrape. The outage runs on a private mock cluster.

import { createJsonLogger } from '@sync/service-kit'
import { createTestDatabase, registerCleanup, startPrivateKafkaMock, waitFor } from '@sync/test-kit'
import { describe, expect, it } from 'vitest'
import { startShipper } from '../../src/compose.ts'
import { parseConfig } from '../../src/config.ts'
import { metricValue, newKey, stackConfig, tempDir, writeRule } from './helpers.ts'

describe('seconds behind the source', () => {
  it('is 0 when idle and grows from the last acknowledged transaction while Kafka is down', async () => {
    const kafka = await startPrivateKafkaMock(1)
    const topic = await kafka.createTopic('behind', 2)
    const db = await createTestDatabase('ship_behind')
    const rulesDir = await tempDir('rules')
    await writeRule(rulesDir, 'items.json', {
      key: `${db.name}.items`,
      topic,
      need_table: false,
      complete_regex: true,
      regex: '',
      column_mapping: { id: 'id' },
    })
    await db.query('CREATE TABLE items (id INT PRIMARY KEY)')
    const raw = stackConfig({ rulesDir, checkpointDir: await tempDir('cp'), key: newKey() })
    raw.kafka = {
      ...(raw.kafka as object),
      brokers: kafka.brokers,
      requestTimeoutMs: 1000,
      connectionTimeoutMs: 500,
    }
    const parsed = parseConfig(raw, {}, '/')
    if (!parsed.ok) throw new Error(parsed.errors.join('\n'))
    const shipper = await startShipper(parsed.config, {
      log: createJsonLogger({ level: 'silent' }),
      retry: { initialDelayMs: 100, maxDelayMs: 300 },
    })
    registerCleanup(() => shipper.stop(5000).then(() => undefined))
    await waitFor(() => shipper.health().checks['source:src1']?.ok, {
      what: 'source running',
      timeoutMs: 20_000,
    })
    const scrape = async () => {
      const before = Date.now()
      const text = await (await fetch(`http://127.0.0.1:${shipper.opsPort}/metrics`)).text()
      return { before, after: Date.now(), text }
    }
    const behind = (text: string) =>
      metricValue(text, 'sync_shipper_seconds_behind_source', { source: 'src1' })
    const sent = (text: string) => metricValue(text, 'sync_shipper_rows_sent_total', { source: 'src1' })

    // a transaction written "100 s ago" (its binlog event time), shipped at once
    const eventTime = Math.floor(Date.now() / 1000) - 100
    await db.query(`SET TIMESTAMP = ${eventTime}`)
    await db.query('INSERT INTO items VALUES (1)')
    await db.query('SET TIMESTAMP = DEFAULT')
    await waitFor(async () => sent((await scrape()).text) === 1, { what: 'row 1 acknowledged' })
    await waitFor(async () => behind((await scrape()).text) === 0, { what: 'idle' })
    expect((await scrape()).text).toContain('# TYPE sync_shipper_seconds_behind_source gauge')

    // Kafka goes away; a new row waits, and the lag counts from row 1's time
    await kafka.control.brokerDown(1)
    await db.query('INSERT INTO items VALUES (2)')
    await waitFor(() => shipper.health().checks.kafka?.ok === false, {
      what: 'kafka unhealthy',
      timeoutMs: 20_000,
    })
    await new Promise((r) => setTimeout(r, 1000))
    const during = await scrape()
    expect(sent(during.text)).toBe(1)
    expect(behind(during.text)).toBeGreaterThanOrEqual((during.before - eventTime * 1000) / 1000)
    expect(behind(during.text)).toBeLessThanOrEqual((during.after - eventTime * 1000) / 1000)
    expect(behind(during.text)).toBeGreaterThan(100)

    await kafka.control.brokerUp(1)
    await waitFor(async () => sent((await scrape()).text) === 2, {
      what: 'row 2 acknowledged',
      timeoutMs: 30_000,
    })
    await waitFor(async () => behind((await scrape()).text) === 0, { what: 'idle again' })
  })
})
