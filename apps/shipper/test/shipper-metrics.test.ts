// Regression: sync_binlog_paused had no source label. Root cause: each source's binlog reader
// wrote the gauge through the process's one metrics sink without labels (the reader does
// not know which source it reads), so with two sources in one process the last reader to
// pause or resume set the only series, and a paused source could show 0.
import { createMetricsRegistry, createMetricsSink } from '@sync/service-kit'
import { describe, expect, it } from 'vitest'
import { metricHelp, readerMetrics } from '../src/shipper-metrics.ts'

function registryWithSink() {
  const registry = createMetricsRegistry({ prefix: 'sync_' })
  return { registry, sink: createMetricsSink(registry, metricHelp) }
}

const series = (text: string, name: string) =>
  text
    .split('\n')
    .filter((l) => l.startsWith(`${name}{`) || l.startsWith(`${name} `))
    .sort()

describe('readerMetrics', () => {
  it('keeps one binlog_paused series per source', () => {
    const { registry, sink } = registryWithSink()
    const a = readerMetrics('rds1', sink)
    const b = readerMetrics('rds2', sink)
    a.gauge('binlog_paused', 1)
    b.gauge('binlog_paused', 0)
    expect(series(registry.render(), 'sync_binlog_paused')).toEqual([
      'sync_binlog_paused{source="rds1"} 1',
      'sync_binlog_paused{source="rds2"} 0',
    ])
    a.gauge('binlog_paused', 0)
    b.gauge('binlog_paused', 1)
    expect(series(registry.render(), 'sync_binlog_paused')).toEqual([
      'sync_binlog_paused{source="rds1"} 0',
      'sync_binlog_paused{source="rds2"} 1',
    ])
    expect(registry.render()).toMatch(/# HELP sync_binlog_paused .*per source\n/)
  })

  it("adds the source to the reader's labelled counters, keeping their own labels", () => {
    const { registry, sink } = registryWithSink()
    readerMetrics('rds1', sink).increment('binlog_errors_total', 1, { code: 'BINLOG_CONNECTION' })
    readerMetrics('rds2', sink).increment('binlog_errors_total', 2, { code: 'BINLOG_CONNECTION' })
    expect(series(registry.render(), 'sync_binlog_errors_total')).toEqual([
      'sync_binlog_errors_total{code="BINLOG_CONNECTION",source="rds1"} 1',
      'sync_binlog_errors_total{code="BINLOG_CONNECTION",source="rds2"} 2',
    ])
  })
})
