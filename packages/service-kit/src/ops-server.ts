import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { MetricsRegistry } from './metrics.ts'

export interface HealthReport {
  ok: boolean
  /** Per-part detail shown in /healthz (sources, Kafka, StarRocks, …). */
  checks: Record<string, { ok: boolean; detail?: string }>
}

export interface OpsServerOptions {
  port: number
  host?: string
  metrics: MetricsRegistry
  health: () => HealthReport
}

/** Serves GET /metrics (Prometheus text) and GET /healthz (200 when ok, else 503, JSON). */
export async function startOpsServer(
  options: OpsServerOptions,
): Promise<{ port: number; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0]
    if (req.method === 'GET' && path === '/metrics') {
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' })
      res.end(options.metrics.render())
      return
    }
    if (req.method === 'GET' && (path === '/healthz' || path === '/health')) {
      const report = options.health()
      res.writeHead(report.ok ? 200 : 503, { 'content-type': 'application/json' })
      res.end(JSON.stringify(report))
      return
    }
    res.writeHead(404, { 'content-type': 'text/plain' })
    res.end('not found: try /metrics or /healthz\n')
  })
  server.keepAliveTimeout = 5_000
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port, options.host ?? '0.0.0.0', () => resolve())
  })
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
