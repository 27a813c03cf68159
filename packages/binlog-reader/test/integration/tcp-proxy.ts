// A tiny TCP proxy that can stop forwarding on its open connections (a frozen peer,
// without firewall rules), while new connections still pass; it can also hold new
// connections for a while before dialling the server, and count what is open.
import net from 'node:net'

export interface FreezingProxy {
  port: number
  /** Stops moving bytes on every connection open now. */
  freeze(): void
  /** Freezes the first connection whose client sends bytes matching `pattern` (those bytes are not sent). */
  freezeWhenClientSends(pattern: RegExp): void
  /** Client connections currently open through the proxy. */
  openConnections(): number
  /** Milliseconds a new connection waits before the proxy dials the server (default 0). */
  connectDelayMs: number
  close(): Promise<void>
}

export async function startFreezingProxy(targetHost: string, targetPort: number): Promise<FreezingProxy> {
  const pairs = new Set<{ client: net.Socket; upstream: net.Socket | undefined; frozen: boolean }>()
  const proxy = { connectDelayMs: 0 }
  let trigger: RegExp | undefined
  const server = net.createServer((client) => {
    const pair: { client: net.Socket; upstream: net.Socket | undefined; frozen: boolean } = {
      client,
      upstream: undefined,
      frozen: false,
    }
    pairs.add(pair)
    const pending: Buffer[] = []
    const end = () => {
      pairs.delete(pair)
      client.destroy()
      pair.upstream?.destroy()
    }
    client.on('data', (d: Buffer) => {
      if (pair.frozen) return
      if (trigger?.test(d.toString('latin1'))) {
        trigger = undefined
        pair.frozen = true
        return
      }
      if (pair.upstream) pair.upstream.write(d)
      else pending.push(d)
    })
    client.on('error', end)
    client.on('close', end)
    const dial = () => {
      if (!pairs.has(pair)) return
      const upstream = net.connect(targetPort, targetHost)
      pair.upstream = upstream
      for (const d of pending.splice(0)) upstream.write(d)
      upstream.on('data', (d) => {
        if (!pair.frozen) client.write(d)
      })
      upstream.on('error', end)
      upstream.on('close', end)
    }
    if (proxy.connectDelayMs > 0) setTimeout(dial, proxy.connectDelayMs)
    else dial()
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return Object.assign(proxy, {
    port: (server.address() as net.AddressInfo).port,
    freeze() {
      for (const pair of pairs) pair.frozen = true
    },
    freezeWhenClientSends(pattern: RegExp) {
      trigger = pattern
    },
    openConnections: () => pairs.size,
    async close() {
      for (const pair of pairs) {
        pair.client.destroy()
        pair.upstream?.destroy()
      }
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  })
}
