// One load = one label, tried up to retry.maxAttempts times:
//   attempt → [FE hop: PUT with Expect, the load headers, empty body → 307 Location]
//           → BE PUT with the same headers and the body → reply
//   Success / Publish Timeout / Label Already Exists+FINISHED → result
//   retriable error (connection, timeout, 5xx, RUNNING label, other Fail) → back off, next endpoint
//   anything else → thrown at once.
// Reusing the label on every attempt is what makes a retry after an unknown outcome safe.
import { randomUUID } from 'node:crypto'
import { backoffDelay } from './backoff.ts'
import { bodyShape, serializeRows } from './body.ts'
import { StreamLoadError, type StreamLoadErrorFields } from './errors.ts'
import { buildLoadHeaders, checkLoadRequest, type LoadRequest } from './headers.ts'
import { requestTimeoutMs, resolveOptions, type StreamLoadClientOptions } from './options.ts'
import { classifyReply, parseReply, replyError } from './response.ts'
import { createTransport, networkError } from './transport.ts'
import { rewriteHost, stripUserInfo } from './urls.ts'

export interface LoadResult {
  status: 'Success' | 'Publish Timeout' | 'Label Already Exists'
  label: string
  /** -1 for Label Already Exists (the server does not say which transaction loaded it). */
  txnId: number
  /** false for Publish Timeout (committed, visible later) and Label Already Exists (committed). */
  visible: boolean
  totalRows: number
  loadedRows: number
  filteredRows: number
  unselectedRows: number
  loadBytes: number
  errorUrl?: string
  attempts: number
  /** The BE that answered. */
  endpoint: string
  /** The reply body as parsed JSON. */
  response: Record<string, unknown>
}

export interface StreamLoadClient {
  load(request: LoadRequest): Promise<LoadResult>
  close(): Promise<void>
}

export function createStreamLoadClient(options: StreamLoadClientOptions): StreamLoadClient {
  const o = resolveOptions(options)
  if (o.requestTimeoutMs !== undefined && o.requestTimeoutMs < o.loadTimeoutSeconds * 1000) {
    // accepted, for the reason given at requestTimeoutMs() in options.ts, but not silently
    o.logger?.warn(
      `options.requestTimeoutMs (${o.requestTimeoutMs}) is below the load timeout ` +
        `(loadTimeoutSeconds ${o.loadTimeoutSeconds}): a load still running on the BE is abandoned ` +
        'and sent again under its label',
      { requestTimeoutMs: o.requestTimeoutMs, loadTimeoutSeconds: o.loadTimeoutSeconds },
    )
  }
  const transport = createTransport(o)
  const authorization = `Basic ${Buffer.from(`${o.user}:${o.password}`).toString('base64')}`
  let cursor = 0
  let closed = false

  /** The ErrorURL log as error fields: `errorLog` from a 2xx answer only, else why it is missing. */
  async function errorLogFields(
    errorUrl: string,
    label: string,
  ): Promise<Pick<StreamLoadErrorFields, 'errorLog' | 'errorLogFailure' | 'errorLogHttpStatus'>> {
    let missing: { errorLogFailure: string; errorLogHttpStatus?: number }
    try {
      const url = rewriteHost(errorUrl, o.hostRewrite)
      const log = await transport.fetchText(
        url,
        { Authorization: authorization },
        o.maxErrorLogBytes,
        o.connectTimeoutMs,
      )
      // a 404/500 page kept as errorLog would read as the rows' errors
      if (log.text !== undefined) return { errorLog: log.text }
      missing = { errorLogFailure: `HTTP ${log.status}`, errorLogHttpStatus: log.status }
    } catch (err) {
      const e = err as { code?: string; message?: string }
      missing = { errorLogFailure: e.message || e.code || String(err) }
    }
    o.logger?.warn('could not fetch the stream load error log', { label, errorUrl, ...missing })
    return missing
  }

  async function attemptOnce(
    path: string,
    headers: Record<string, string>,
    body: Buffer,
    label: string,
    timeoutMs: number,
  ) {
    const endpoint = o.endpoints[cursor % o.endpoints.length]!
    let target = `${endpoint}${path}`
    if (o.mode === 'fe') {
      try {
        const location = await transport.redirect(
          endpoint,
          path,
          { ...headers, Authorization: authorization },
          o.connectTimeoutMs,
        )
        target = rewriteHost(stripUserInfo(location), o.hostRewrite)
      } catch (err) {
        const fe = err as { feStatus?: number; feBody?: string }
        if (fe.feStatus === undefined) throw networkError(err, endpoint, label)
        const reply = parseReply(fe.feBody ?? '')
        const message = reply?.message ?? (fe.feBody ?? '').slice(0, 200)
        const code =
          fe.feStatus === 401 || fe.feStatus === 403
            ? 'SL_AUTH'
            : fe.feStatus >= 500
              ? 'SL_HTTP'
              : 'SL_FE_REJECTED'
        const retriable = fe.feStatus >= 500 || /no backend alive/i.test(message)
        throw new StreamLoadError(
          code,
          `FE ${endpoint} did not redirect label ${label} (HTTP ${fe.feStatus}): ${message}`,
          {
            retriable,
            label,
            httpStatus: fe.feStatus,
            endpoint,
            serverMessage: message,
            ...(reply ? { status: reply.status } : {}),
          },
        )
      }
    }
    const beOrigin = new URL(target).origin
    let res: { status: number; text: string }
    try {
      res = await transport.put(target, { ...headers, Authorization: authorization }, body, timeoutMs)
    } catch (err) {
      throw networkError(err, beOrigin, label)
    }
    const reply = parseReply(res.text)
    if (!reply) {
      throw new StreamLoadError(
        'SL_HTTP',
        `unexpected HTTP ${res.status} from ${beOrigin} for label ${label}: ${res.text.slice(0, 200)}`,
        {
          retriable: res.status >= 500 || res.status === 429 || res.status === 200,
          label,
          httpStatus: res.status,
          endpoint: beOrigin,
        },
      )
    }
    const outcome = classifyReply(reply)
    if (!outcome.ok) {
      const error = replyError(reply, outcome, { label, endpoint: beOrigin, httpStatus: res.status })
      if (outcome.code === 'SL_FILTERED_ROWS' && reply.errorUrl && o.maxErrorLogBytes > 0) {
        Object.assign(error, await errorLogFields(reply.errorUrl, label))
      }
      throw error
    }
    const result: Omit<LoadResult, 'attempts'> = {
      status: outcome.status,
      label,
      txnId: reply.txnId,
      visible: outcome.visible,
      totalRows: reply.totalRows,
      loadedRows: reply.loadedRows,
      filteredRows: reply.filteredRows,
      unselectedRows: reply.unselectedRows,
      loadBytes: reply.loadBytes,
      endpoint: beOrigin,
      response: reply.raw,
      ...(reply.errorUrl ? { errorUrl: reply.errorUrl } : {}),
    }
    return result
  }

  return {
    async load(req) {
      if (closed)
        throw new StreamLoadError('SL_CLOSED', 'the stream load client is closed', { retriable: false })
      checkLoadRequest(req, o.flavour)
      const label = req.label ?? `sl-${randomUUID()}`
      const text = req.rows ? serializeRows(req.rows) : req.body!
      const shape = req.rows ? 'array' : bodyShape(text)
      const body =
        typeof text === 'string'
          ? Buffer.from(text, 'utf8')
          : Buffer.from(text.buffer, text.byteOffset, text.byteLength)
      const timeoutSeconds = req.timeoutSeconds ?? o.loadTimeoutSeconds
      const timeoutMs = requestTimeoutMs(o, timeoutSeconds)
      const headers = buildLoadHeaders(req, o, label, shape, timeoutSeconds)
      const db = req.database ?? o.database
      const path = `/api/${encodeURIComponent(db)}/${encodeURIComponent(req.table)}/_stream_load`
      const started = o.clock.now()
      const { retry } = o
      let last: StreamLoadError | undefined
      for (let attempt = 1; attempt <= retry.maxAttempts; attempt++) {
        try {
          const r = await attemptOnce(path, headers, body, label, timeoutMs)
          o.metrics?.count('streamload_loads_total', 1, { outcome: r.status })
          o.metrics?.count('streamload_rows_loaded_total', r.loadedRows)
          o.metrics?.observe('streamload_load_ms', o.clock.now() - started)
          o.logger?.debug('stream load done', {
            label,
            table: req.table,
            status: r.status,
            attempts: attempt,
            rows: r.loadedRows,
          })
          return { ...r, attempts: attempt }
        } catch (err) {
          if (!(err instanceof StreamLoadError)) throw err
          o.metrics?.count('streamload_attempt_failures_total', 1, { code: err.code })
          if (!err.retriable) {
            o.metrics?.count('streamload_loads_total', 1, { outcome: err.code })
            throw new StreamLoadError(err.code, err.message, { ...err, attempts: attempt, cause: err.cause })
          }
          last = err
          if (err.code !== 'SL_LABEL_RUNNING') cursor++ // fail over to the next endpoint
          o.logger?.warn('stream load attempt failed, retrying', {
            label,
            table: req.table,
            attempt,
            code: err.code,
            error: err.message,
          })
          if (attempt < retry.maxAttempts) {
            await o.clock.sleep(backoffDelay(retry, attempt))
          }
        }
      }
      o.metrics?.count('streamload_loads_total', 1, { outcome: 'SL_RETRIES_EXHAUSTED' })
      throw new StreamLoadError(
        'SL_RETRIES_EXHAUSTED',
        `stream load of label ${label} failed after ${retry.maxAttempts} attempts: ${last?.message}`,
        {
          retriable: true,
          label,
          attempts: retry.maxAttempts,
          cause: last,
          ...(last?.httpStatus === undefined ? {} : { httpStatus: last.httpStatus }),
        },
      )
    },
    async close() {
      closed = true
      await transport.close()
    },
  }
}
