// A recording HTTP proxy in front of each emulator BE: the FE redirects Stream Loads to the
// tap (the emulator advertises the tap's address), the tap forwards them and notes what
// the StarRocks side answered. The fault suite reads it to prove a fault really fired
// (a 5xx sent, a load the client gave up on, a "Publish Timeout" reply) and to kill the
// sinker while a load is in flight.
//
// `Expect: 100-continue` is passed through: the tap forwards the head at once and sends
// `100 Continue` to the client only when the BE does, so the BE's header checks still
// decide whether the body is sent.
import {
  Agent,
  createServer,
  type IncomingMessage,
  request,
  type Server,
  type ServerResponse,
} from 'node:http'
import type { AddressInfo } from 'node:net'

export interface TappedLoad {
  label: string
  /** The BE's HTTP status (undefined while in flight, or when the BE never answered). */
  httpStatus?: number
  /** `Status` of the JSON reply ("Success", "Publish Timeout", "Label Already Exists", …). */
  loadStatus?: string
  /** The client closed the request before the reply was sent (a client timeout, a kill). */
  clientGaveUp: boolean
  startedAt: number
  endedAt?: number
}

export interface LoadTap {
  /** `host:port` of each tap, in BE order: what the emulator must advertise. */
  addresses: string[]
  /** Points tap `i` at the BE it stands for. */
  setUpstream(i: number, url: string): void
  readonly loads: readonly TappedLoad[]
  /** Loads received whose reply has not been sent yet. */
  inFlight(): TappedLoad[]
  close(): Promise<void>
}

function handle(upstream: () => URL | undefined, agent: Agent, record: (l: TappedLoad) => void) {
  return (req: IncomingMessage, res: ServerResponse, expectContinue: boolean) => {
    const target = upstream()
    if (!target) {
      res.writeHead(502).end('tap: no upstream BE')
      return
    }
    const label = String(req.headers.label ?? '')
    const load: TappedLoad = { label, clientGaveUp: false, startedAt: Date.now() }
    if (label) record(load)
    const up = request({
      host: target.hostname,
      port: target.port,
      method: req.method,
      path: req.url,
      headers: req.headers,
      agent,
    })
    if (expectContinue) up.on('continue', () => res.writeContinue())
    req.pipe(up)
    res.on('close', () => {
      if (!res.writableFinished) {
        load.clientGaveUp = true
        load.endedAt ??= Date.now()
        up.destroy()
      }
    })
    up.on('response', (reply) => {
      load.httpStatus = reply.statusCode
      const chunks: Buffer[] = []
      reply.on('data', (c: Buffer) => chunks.push(c))
      reply.on('end', () => {
        try {
          const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { Status?: string }
          if (typeof body.Status === 'string') load.loadStatus = body.Status
        } catch {
          // an HTML error page or an empty body: the HTTP status says it
        }
        load.endedAt = Date.now()
        res.writeHead(reply.statusCode ?? 502, reply.headers)
        res.end(Buffer.concat(chunks))
      })
    })
    up.on('error', () => {
      load.endedAt ??= Date.now()
      res.destroy()
    })
  }
}

/** Starts `count` taps on free loopback ports. */
export async function startLoadTap(count: number): Promise<LoadTap> {
  const loads: TappedLoad[] = []
  const upstreams: Array<URL | undefined> = []
  const agent = new Agent({ keepAlive: true })
  const servers: Server[] = []
  const addresses: string[] = []
  for (let i = 0; i < count; i++) {
    const h = handle(
      () => upstreams[i],
      agent,
      (l) => loads.push(l),
    )
    const server = createServer({ keepAlive: true })
    server.on('request', (req, res) => h(req, res, false))
    server.on('checkContinue', (req, res) => h(req, res, true))
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
    servers.push(server)
    addresses.push(`127.0.0.1:${(server.address() as AddressInfo).port}`)
  }
  return {
    addresses,
    setUpstream(i, url) {
      upstreams[i] = new URL(url)
    },
    loads,
    inFlight: () => loads.filter((l) => l.endedAt === undefined),
    async close() {
      agent.destroy()
      await Promise.all(
        servers.map(
          (s) =>
            new Promise<void>((r) => {
              s.close(() => r())
              s.closeAllConnections()
            }),
        ),
      )
    },
  }
}
