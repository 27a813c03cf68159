// A small Prometheus registry: counters, gauges and histograms with labels, rendered in
// the text exposition format (version 0.0.4). Enough for our apps' metrics, with no
// dependency and no global state.

export type Labels = Record<string, string | number>

type Kind = 'counter' | 'gauge' | 'histogram'

interface Family {
  name: string
  help: string
  kind: Kind
  series: Map<string, { labels: Labels; value: number; buckets?: number[]; sum?: number; count?: number }>
  bounds?: number[]
  collect?: () => Array<{ labels?: Labels; value: number }>
}

const nameRe = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/

// Keys of frozen label objects, which callers on hot paths keep and pass again and again
// (e.g. one per source and rule for every row event): a frozen object cannot change, so its
// key is computed once.
const frozenKeys = new WeakMap<Labels, string>()

function labelKey(labels: Labels | undefined): string {
  if (!labels) return ''
  const frozen = Object.isFrozen(labels)
  if (frozen) {
    const known = frozenKeys.get(labels)
    if (known !== undefined) return known
  }
  const key = Object.keys(labels)
    .sort()
    .map((k) => `${k}=${labels[k]}`)
    .join('\u0000')
  if (frozen) frozenKeys.set(labels, key)
  return key
}

function escapeLabel(v: string | number): string {
  return String(v).replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"')
}

function formatLabels(labels: Labels | undefined, extra?: [string, string]): string {
  const parts = Object.keys(labels ?? {})
    .sort()
    .map((k) => `${k}="${escapeLabel(labels![k]!)}"`)
  if (extra) parts.push(`${extra[0]}="${extra[1]}"`)
  return parts.length ? `{${parts.join(',')}}` : ''
}

function formatNumber(n: number): string {
  if (n === Number.POSITIVE_INFINITY) return '+Inf'
  if (n === Number.NEGATIVE_INFINITY) return '-Inf'
  return String(n)
}

export const defaultLatencyBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30]

export function createMetricsRegistry(options: { prefix?: string } = {}) {
  const prefix = options.prefix ?? ''
  const families = new Map<string, Family>()

  function family(name: string, help: string, kind: Kind, bounds?: number[]): Family {
    const full = prefix + name
    if (!nameRe.test(full))
      throw new TypeError(`metric name must match ${nameRe}, received ${JSON.stringify(full)}`)
    const existing = families.get(full)
    if (existing) {
      if (existing.kind !== kind) throw new TypeError(`metric ${full} is already a ${existing.kind}`)
      return existing
    }
    const f: Family = { name: full, help, kind, series: new Map(), ...(bounds ? { bounds } : {}) }
    families.set(full, f)
    return f
  }

  function series(f: Family, labels?: Labels) {
    const key = labelKey(labels)
    let s = f.series.get(key)
    if (!s) {
      s = { labels: { ...labels }, value: 0 }
      if (f.bounds) {
        s.buckets = f.bounds.map(() => 0)
        s.sum = 0
        s.count = 0
      }
      f.series.set(key, s)
    }
    return s
  }

  return {
    counter(name: string, help: string) {
      const f = family(name, help, 'counter')
      return {
        inc(labels?: Labels, by = 1) {
          if (by < 0) throw new RangeError(`counter ${f.name} cannot decrease (by ${by})`)
          series(f, labels).value += by
        },
        get: (labels?: Labels) => f.series.get(labelKey(labels))?.value ?? 0,
      }
    },
    gauge(name: string, help: string, collect?: () => Array<{ labels?: Labels; value: number }>) {
      const f = family(name, help, 'gauge')
      if (collect) f.collect = collect
      return {
        set(labels: Labels | undefined, value: number) {
          series(f, labels).value = value
        },
        inc(labels?: Labels, by = 1) {
          series(f, labels).value += by
        },
        get: (labels?: Labels) => f.series.get(labelKey(labels))?.value ?? 0,
      }
    },
    histogram(name: string, help: string, bounds: number[] = defaultLatencyBuckets) {
      const sorted = [...bounds].sort((a, b) => a - b)
      const f = family(name, help, 'histogram', sorted)
      return {
        observe(labels: Labels | undefined, value: number) {
          const s = series(f, labels)
          for (let i = 0; i < sorted.length; i++) if (value <= sorted[i]!) s.buckets![i]! += 1
          s.sum! += value
          s.count! += 1
        },
        /** The smallest bucket bound holding the q-quantile (an upper estimate). */
        quantile(labels: Labels | undefined, q: number): number | undefined {
          const s = f.series.get(labelKey(labels))
          if (!s?.count) return undefined
          const rank = q * s.count
          for (let i = 0; i < sorted.length; i++) if (s.buckets![i]! >= rank) return sorted[i]
          return Number.POSITIVE_INFINITY
        },
      }
    },
    /** The exposition text for GET /metrics. */
    render(): string {
      const out: string[] = []
      for (const f of families.values()) {
        out.push(`# HELP ${f.name} ${f.help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')}`)
        out.push(`# TYPE ${f.name} ${f.kind}`)
        if (f.collect) for (const c of f.collect()) series(f, c.labels).value = c.value
        for (const s of f.series.values()) {
          if (f.kind === 'histogram') {
            f.bounds!.forEach((b, i) => {
              out.push(`${f.name}_bucket${formatLabels(s.labels, ['le', formatNumber(b)])} ${s.buckets![i]}`)
            })
            out.push(`${f.name}_bucket${formatLabels(s.labels, ['le', '+Inf'])} ${s.count}`)
            out.push(`${f.name}_sum${formatLabels(s.labels)} ${formatNumber(s.sum!)}`)
            out.push(`${f.name}_count${formatLabels(s.labels)} ${s.count}`)
          } else {
            out.push(`${f.name}${formatLabels(s.labels)} ${formatNumber(s.value)}`)
          }
        }
      }
      return `${out.join('\n')}\n`
    },
  }
}

export type MetricsRegistry = ReturnType<typeof createMetricsRegistry>
