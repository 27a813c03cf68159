import { describe, expect, it } from 'vitest'
import { createMetricsRegistry } from '../src/metrics.ts'
import { startOpsServer } from '../src/ops-server.ts'

describe('startOpsServer', () => {
  it('serves /metrics and a /healthz that turns 503 when a check fails', async () => {
    const metrics = createMetricsRegistry()
    metrics.counter('hits_total', 'hits').inc()
    let ok = true
    const srv = await startOpsServer({
      port: 0,
      host: '127.0.0.1',
      metrics,
      health: () => ({ ok, checks: { kafka: { ok } } }),
    })
    try {
      const base = `http://127.0.0.1:${srv.port}`
      const m = await fetch(`${base}/metrics`)
      expect(m.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/)
      expect(await m.text()).toContain('hits_total 1')
      expect((await fetch(`${base}/healthz`)).status).toBe(200)
      ok = false
      const h = await fetch(`${base}/healthz`)
      expect(h.status).toBe(503)
      expect(await h.json()).toEqual({ ok: false, checks: { kafka: { ok: false } } })
      expect((await fetch(`${base}/nope`)).status).toBe(404)
    } finally {
      await srv.close()
    }
  })
})
