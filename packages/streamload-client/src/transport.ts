// The two HTTP hops (§1.6). The FE hop uses node:http, because undici refuses an `Expect`
// header over HTTP/1.1 and the FE rejects a `_stream_load` without one: a PUT with
// `Expect: 100-continue`, every load header (§1.6) and an empty body, answered by a 307 whose Location we read
// ourselves. The BE hop is an undici PUT with the body, re-sending Authorization, which
// undici's redirect handler would have dropped on the cross-origin hop.
import { Agent as HttpAgent, request as httpRequest } from 'node:http'
import { Agent, errors as undiciErrors } from 'undici'
import { StreamLoadError } from './errors.ts'

export interface Transport {
  /** Asks the FE where to load; resolves to the BE URL from the 307 Location. */
  redirect(
    feOrigin: string,
    path: string,
    headers: Record<string, string>,
    timeoutMs: number,
  ): Promise<string>
  put(
    url: string,
    headers: Record<string, string>,
    body: Buffer,
    timeoutMs: number,
  ): Promise<{ status: number; text: string }>
  /** GET `url`; the body (at most `maxBytes` of it) only for a 2xx answer, else it is discarded. */
  fetchText(
    url: string,
    headers: Record<string, string>,
    maxBytes: number,
    timeoutMs: number,
  ): Promise<{ status: number; text?: string }>
  close(): Promise<void>
}

const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ETIMEDOUT',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_CLOSED',
])

/** Maps a network-level failure to SL_TIMEOUT (outcome unknown) or SL_CONNECTION. */
export function networkError(err: unknown, endpoint: string, label: string): StreamLoadError {
  const e = err as { code?: string; message?: string }
  const timeout =
    err instanceof undiciErrors.HeadersTimeoutError ||
    err instanceof undiciErrors.BodyTimeoutError ||
    e.code === 'SL_REDIRECT_TIMEOUT'
  if (timeout) {
    return new StreamLoadError(
      'SL_TIMEOUT',
      `no answer from ${endpoint} in time for label ${label}; outcome unknown`,
      {
        retriable: true,
        label,
        endpoint,
        cause: err,
      },
    )
  }
  const known = e.code !== undefined && CONNECTION_CODES.has(e.code)
  return new StreamLoadError(
    'SL_CONNECTION',
    `connection to ${endpoint} failed: ${e.code ?? e.message ?? 'error'}`,
    {
      retriable: known || e.code === undefined || e.code.startsWith('UND_ERR') || e.code.startsWith('E'),
      label,
      endpoint,
      cause: err,
    },
  )
}

export function createTransport(options: { connections: number; connectTimeoutMs: number }): Transport {
  const agent = new Agent({
    connections: options.connections,
    connectTimeout: options.connectTimeoutMs,
    keepAliveTimeout: 30_000,
  })
  const feAgent = new HttpAgent({ keepAlive: true, maxSockets: options.connections })

  return {
    redirect(feOrigin, path, headers, timeoutMs) {
      return new Promise((resolve, reject) => {
        const req = httpRequest(`${feOrigin}${path}`, {
          method: 'PUT',
          agent: feAgent,
          headers: { ...headers, Expect: '100-continue', 'Content-Length': '0' },
          timeout: timeoutMs,
        })
        req.on('timeout', () => {
          req.destroy(Object.assign(new Error('FE redirect timed out'), { code: 'SL_REDIRECT_TIMEOUT' }))
        })
        req.on('error', reject)
        req.on('response', (res) => {
          const chunks: Buffer[] = []
          res.on('data', (c: Buffer) => chunks.push(c))
          res.on('error', reject)
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8')
            const location = res.headers.location
            if (res.statusCode === 307 && location) return resolve(new URL(location, feOrigin).toString())
            reject(Object.assign(new Error('no redirect'), { feStatus: res.statusCode ?? 0, feBody: text }))
          })
        })
        req.end()
      })
    },

    async put(url, headers, body, timeoutMs) {
      const u = new URL(url)
      const res = await agent.request({
        origin: u.origin,
        path: u.pathname + u.search,
        method: 'PUT',
        headers,
        body,
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
      })
      return { status: res.statusCode, text: await res.body.text() }
    },

    async fetchText(url, headers, maxBytes, timeoutMs) {
      const u = new URL(url)
      const res = await agent.request({
        origin: u.origin,
        path: u.pathname + u.search,
        method: 'GET',
        headers,
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
      })
      if (res.statusCode < 200 || res.statusCode > 299) {
        // a 404/500 page is not the error log; drain it so the connection can be reused
        await res.body.dump({ limit: maxBytes }).catch(() => {})
        return { status: res.statusCode }
      }
      const chunks: Buffer[] = []
      let size = 0
      for await (const chunk of res.body) {
        const buf = chunk as Buffer
        chunks.push(buf.subarray(0, Math.max(0, maxBytes - size)))
        size += buf.length
        if (size >= maxBytes) {
          res.body.destroy()
          break
        }
      }
      return { status: res.statusCode, text: Buffer.concat(chunks).toString('utf8') }
    },

    async close() {
      feAgent.destroy()
      await agent.close()
    },
  }
}
