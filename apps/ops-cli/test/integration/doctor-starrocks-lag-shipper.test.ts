// doctor's StarRocks checks against the emulator (or a real StarRocks named by STARROCKS_*),
// and lag reading the shipper's own gauge from a live /metrics served the way the shipper
// serves it (service-kit's registry, sink and ops server, prefix sync_).
import { createMetricsRegistry, createMetricsSink, startOpsServer } from '@sync/service-kit'
import { registerCleanup } from '@sync/test-kit'
import { describe, expect, it } from 'vitest'
import { runOps } from '../helpers/run.ts'
import { startStarRocksTarget } from '../helpers/starrocks.ts'

describe('doctor against StarRocks', () => {
  it('logs in over the query port and reaches the FE HTTP port', async () => {
    const sr = await startStarRocksTarget()
    const db = await sr.createDatabase('doc')
    const r = await runOps(['doctor', '--only', 'starrocks', '--sr-http-url', sr.httpUrl, '--json'], {
      env: sr.env(db.name),
    })
    expect(r.code).toBe(0)
    const { ok, findings } = r.json<{
      ok: boolean
      findings: Array<{ check: string; ok: boolean; message: string }>
    }>()
    expect(ok).toBe(true)
    expect(findings.map((f) => [f.check, f.ok])).toEqual([
      ['query port', true],
      ['http', true],
    ])
    expect(findings[0]!.message).toContain(
      `logged in to StarRocks at ${sr.host}:${sr.port} as ${sr.user}, database ${db.name}`,
    )
    expect(r.stdout).not.toContain(sr.password || '\u0000')
  })

  it('turns a wrong password into one clear error finding with a remedy, never echoing it', async () => {
    const sr = await startStarRocksTarget()
    const wrong = `${sr.password}-not-this-9f3`
    const r = await runOps(['doctor', '--only', 'starrocks'], {
      env: { ...sr.env(''), STARROCKS_PASSWORD: wrong },
    })
    expect(r.code).toBe(3)
    expect(r.stdout).toMatch(
      new RegExp(
        `^FAIL starrocks +query port: access denied by StarRocks at ${sr.host.replace(/\./g, '\\.')}:${sr.port}: wrong user or password`,
        'm',
      ),
    )
    expect(r.stdout).toMatch(/^ +fix: check --sr-host\/--sr-port/m)
    expect(r.stdout + r.stderr).not.toContain(wrong)
  })
})

describe('lag from the shipper', () => {
  it('reads sync_shipper_seconds_behind_source per source and fails over --max-seconds', async () => {
    const registry = createMetricsRegistry({ prefix: 'sync_' })
    const metrics = createMetricsSink(registry)
    metrics.gauge('shipper_seconds_behind_source', 12, { source: 'rds-1' })
    metrics.gauge('shipper_seconds_behind_source', 95, { source: 'rds-2' })
    metrics.increment('shipper_rows_sent', 40, { source: 'rds-1', rule: 'orders' })
    const server = await startOpsServer({
      port: 0,
      host: '127.0.0.1',
      metrics: registry,
      health: () => ({ ok: true, checks: {} }),
    })
    registerCleanup(() => server.close())
    const url = `http://127.0.0.1:${server.port}/metrics`

    const r = await runOps(['lag', '--shipper-metrics', url, '--json'])
    expect(r.code).toBe(0)
    const { shipper } = r.json<{
      shipper: Array<{ name: string; labels: Record<string, string>; value: number }>
    }>()
    expect(shipper.map((s) => [s.name, s.labels.source, s.value])).toEqual([
      ['sync_shipper_seconds_behind_source', 'rds-1', 12],
      ['sync_shipper_seconds_behind_source', 'rds-2', 95],
    ])
    const over = await runOps(['lag', '--shipper-metrics', url, '--max-seconds', '60'])
    expect(over.code).toBe(3)
    expect(over.stdout).toMatch(/sync_shipper_seconds_behind_source +source=rds-2 +95/)
    expect((await runOps(['lag', '--shipper-metrics', url, '--max-seconds', '100'])).code).toBe(0)
  })
})
