// Shipper lag read from a live /metrics endpoint served over HTTP.
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import type { OpsKitError } from '../src/errors.ts'
import type { PartitionLag } from '../src/kafka-lag.ts'
import { isLagOverLimits, readShipperLag } from '../src/shipper-lag.ts'

let server: Server | undefined
afterEach(() => new Promise<void>((r) => (server ? server.close(() => r()) : r())))

async function serve(status: number, text: string): Promise<string> {
  server = createServer((_req, res) => {
    res.writeHead(status, { 'Content-Type': 'text/plain; version=0.0.4' })
    res.end(text)
  })
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r))
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`
}

describe('readShipperLag', () => {
  it('keeps the lag samples and drops the rest', async () => {
    const url = await serve(
      200,
      'sync_shipper_rows_total{source="a"} 10\nsync_shipper_seconds_behind_source{source="a"} 3\n',
    )
    expect(await readShipperLag(url)).toEqual([
      { name: 'sync_shipper_seconds_behind_source', labels: { source: 'a' }, value: 3 },
    ])
  })

  it('reports an HTTP error status as OPSKIT_REMOTE naming the URL', async () => {
    const url = await serve(503, 'down')
    const err = (await readShipperLag(url).catch((e: unknown) => e)) as OpsKitError
    expect(err.code).toBe('OPSKIT_REMOTE')
    expect(err.message).toBe(`shipper metrics at ${url}: HTTP 503`)
  })
})

describe('isLagOverLimits', () => {
  const p = (lag: number): PartitionLag => ({
    group: 'g',
    topic: 't',
    partition: 0,
    committed: 0,
    high: lag,
    low: 0,
    lag,
  })
  const s = (name: string, value: number) => ({ name, labels: {}, value })
  it('compares partitions with maxLag and only seconds samples with maxSeconds', () => {
    expect(isLagOverLimits([p(5)], [], { maxLag: 5 })).toBe(false)
    expect(isLagOverLimits([p(6)], [], { maxLag: 5 })).toBe(true)
    expect(isLagOverLimits([], [s('sync_shipper_seconds_behind_source', 61)], { maxSeconds: 60 })).toBe(true)
    expect(isLagOverLimits([], [s('sync_shipper_queue_delay_rows', 61)], { maxSeconds: 60 })).toBe(false)
    expect(isLagOverLimits([p(1000)], [], {})).toBe(false)
  })
})
