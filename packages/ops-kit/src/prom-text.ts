// Reads samples from the Prometheus text format (0.0.4) that the apps serve on /metrics.
export interface Sample {
  name: string
  labels: Record<string, string>
  value: number
}

const line = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})?\s+(\S+)(?:\s+\d+)?$/
const label = /([a-zA-Z_]\w*)="((?:[^"\\]|\\.)*)"/g

export function parsePrometheusText(text: string): Sample[] {
  const out: Sample[] = []
  for (const raw of text.split('\n')) {
    const l = raw.trim()
    if (l === '' || l.startsWith('#')) continue
    const m = line.exec(l)
    if (!m) continue
    const labels: Record<string, string> = {}
    for (const lm of (m[2] ?? '').matchAll(label)) {
      labels[lm[1]!] = lm[2]!.replace(/\\n/g, '\n').replace(/\\(["\\])/g, '$1')
    }
    const v =
      m[3] === '+Inf' ? Number.POSITIVE_INFINITY : m[3] === '-Inf' ? Number.NEGATIVE_INFINITY : Number(m[3])
    out.push({ name: m[1]!, labels, value: v })
  }
  return out
}
