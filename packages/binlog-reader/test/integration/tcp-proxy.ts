// A tiny TCP proxy that can stop forwarding on its open connections (a frozen peer,
// without firewall rules), while new connections still pass.
import net from 'node:net'

export interface FreezingProxy {
  port: number
  /** Stops moving bytes on every connection open now. */
  freeze(): void
  close(): Promise<void>
}

export async function startFreezingProxy(targetHost: string, targetPort: number): Promise<FreezingProxy> {
  const pairs = new Set<{ client: net.Socket; upstream: net.Socket; frozen: boolean }>()
  const server = net.createServer((client) => {
    const upstream = net.connect(targetPort, targetHost)
    const pair = { client, upstream, frozen: false }
    pairs.add(pair)
    client.on('data', (d) => {
      if (!pair.frozen) upstream.write(d)
    })
    upstream.on('data', (d) => {
      if (!pair.frozen) client.write(d)
    })
    const end = () => {
      pairs.delete(pair)
      client.destroy()
      upstream.destroy()
    }
    client.on('error', end)
    upstream.on('error', end)
    client.on('close', end)
    upstream.on('close', end)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    port: (server.address() as net.AddressInfo).port,
    freeze() {
      for (const pair of pairs) pair.frozen = true
    },
    async close() {
      for (const pair of pairs) {
        pair.client.destroy()
        pair.upstream.destroy()
      }
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}
