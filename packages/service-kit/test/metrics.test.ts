import { describe, expect, it } from 'vitest'
import { createMetricsRegistry } from '../src/metrics.ts'

describe('createMetricsRegistry', () => {
  it('renders counters and gauges with labels in the Prometheus text format', () => {
    const m = createMetricsRegistry({ prefix: 'sync_' })
    const rows = m.counter('rows_total', 'Rows sent')
    rows.inc({ rule: 'orders' }, 5)
    rows.inc({ rule: 'orders' })
    rows.inc({ rule: 'we"ird\\' })
    m.gauge('lag_seconds', 'Seconds behind').set(undefined, 1.5)
    const text = m.render()
    expect(text).toContain('# TYPE sync_rows_total counter')
    expect(text).toContain('sync_rows_total{rule="orders"} 6')
    expect(text).toContain('sync_rows_total{rule="we\\"ird\\\\"} 1')
    expect(text).toContain('sync_lag_seconds 1.5')
    expect(() => rows.inc(undefined, -1)).toThrow(RangeError)
  })

  it('counts histogram observations into cumulative buckets', () => {
    const m = createMetricsRegistry()
    const h = m.histogram('latency_seconds', 'Latency', [0.1, 1])
    for (const v of [0.05, 0.5, 0.5, 5]) h.observe(undefined, v)
    const text = m.render()
    expect(text).toContain('latency_seconds_bucket{le="0.1"} 1')
    expect(text).toContain('latency_seconds_bucket{le="1"} 3')
    expect(text).toContain('latency_seconds_bucket{le="+Inf"} 4')
    expect(text).toContain('latency_seconds_count 4')
    expect(text).toContain('latency_seconds_sum 6.05')
    expect(h.quantile(undefined, 0.5)).toBe(1)
  })

  it('keeps one series per label set, whether the labels are frozen and reused or new and mutable', () => {
    const m = createMetricsRegistry()
    const rows = m.counter('rows_total', 'Rows')
    const frozen = Object.freeze({ source: 'a', rule: 'orders' })
    for (let i = 0; i < 3; i++) rows.inc(frozen)
    rows.inc({ rule: 'orders', source: 'a' }) // same labels, other object, other key order
    expect(rows.get(frozen)).toBe(4)
    // a mutable object changed between calls counts under its labels of the moment
    const mutable: Record<string, string> = { source: 'a', rule: 'orders' }
    rows.inc(mutable)
    mutable.rule = 'users'
    rows.inc(mutable)
    expect(rows.get({ source: 'a', rule: 'orders' })).toBe(5)
    expect(rows.get({ source: 'a', rule: 'users' })).toBe(1)
    expect(m.render()).toContain('rows_total{rule="users",source="a"} 1')
  })

  it('rejects invalid names and kind clashes', () => {
    const m = createMetricsRegistry()
    expect(() => m.counter('bad-name', 'x')).toThrow(/must match/)
    m.counter('x_total', 'x')
    expect(() => m.gauge('x_total', 'x')).toThrow(/already a counter/)
  })
})

describe('createMetricsSink', () => {
  it('turns package counter and gauge calls into registry series', async () => {
    const { createMetricsSink } = await import('../src/metrics-sink.ts')
    const m = createMetricsRegistry({ prefix: 'sync_' })
    const sink = createMetricsSink(m, { 'binlog.rows': 'Rows read from the binlog' })
    sink.increment('binlog.rows', 3, { table: 't1' })
    sink.increment('binlog.rows', 2, { table: 't1' })
    sink.gauge('lag_seconds', 4)
    const text = m.render()
    expect(text).toContain('# HELP sync_binlog_rows_total Rows read from the binlog')
    expect(text).toContain('sync_binlog_rows_total{table="t1"} 5')
    expect(text).toContain('sync_lag_seconds 4')
  })
})
