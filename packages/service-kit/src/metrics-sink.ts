import type { Labels, MetricsRegistry } from './metrics.ts'

/** The metrics interface the packages accept (counters and gauges by name). */
export interface MetricsSink {
  increment(name: string, by?: number, labels?: Record<string, string>): void
  gauge(name: string, value: number, labels?: Record<string, string>): void
}

/**
 * Adapts a registry to the packages' sink: each name becomes a counter `<name>_total` or a
 * gauge `<name>` on first use, with `help` taken from `describe` when given.
 */
export function createMetricsSink(
  registry: MetricsRegistry,
  describe: Record<string, string> = {},
): MetricsSink {
  const clean = (name: string) => name.replace(/[^a-zA-Z0-9_:]/g, '_')
  const counters = new Map<string, ReturnType<MetricsRegistry['counter']>>()
  const gauges = new Map<string, ReturnType<MetricsRegistry['gauge']>>()
  return {
    increment(name, by = 1, labels) {
      let c = counters.get(name)
      if (!c) {
        const n = clean(name)
        c = registry.counter(n.endsWith('_total') ? n : `${n}_total`, describe[name] ?? name)
        counters.set(name, c)
      }
      c.inc(labels as Labels | undefined, by)
    },
    gauge(name, value, labels) {
      let g = gauges.get(name)
      if (!g) {
        g = registry.gauge(clean(name), describe[name] ?? name)
        gauges.set(name, g)
      }
      g.set(labels as Labels | undefined, value)
    },
  }
}
