// The client against an HTTP server on port 0 playing a BE (mode 'be'): the retry loop's
// backoff through the injected clock, what is not retried, the request timeout, and the
// ErrorURL log fetch.
import { afterEach, describe, expect, it } from 'vitest'
import {
  createStreamLoadClient,
  type Logger,
  type StreamLoadClient,
  type StreamLoadClientOptions,
  StreamLoadError,
} from '../src/index.ts'
import { closedPort, type FakeBe, type FakeReply, startFakeBe, success } from './fixtures/fake-be.ts'

const cleanups: Array<() => Promise<void>> = []
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((c) => c()))
})

async function fakeBe(reply: Parameters<typeof startFakeBe>[0]): Promise<FakeBe> {
  const be = await startFakeBe(reply)
  cleanups.push(be.close)
  return be
}

/** A clock whose sleep records the delay and returns at once, advancing now(). */
function recordingClock() {
  const sleeps: number[] = []
  let now = 0
  return {
    sleeps,
    clock: {
      now: () => now,
      sleep: async (ms: number) => {
        sleeps.push(ms)
        now += ms
      },
    },
  }
}

function recordingLogger() {
  const warnings: Array<{ message: string; fields?: Record<string, unknown> }> = []
  const logger: Logger = {
    debug() {},
    info() {},
    warn: (message, fields) => {
      warnings.push({ message, ...(fields ? { fields } : {}) })
    },
    error() {},
  }
  return { logger, warnings }
}

function make(be: FakeBe, options: Partial<StreamLoadClientOptions> = {}): StreamLoadClient {
  const c = createStreamLoadClient({
    endpoints: be.url,
    mode: 'be',
    user: 'root',
    database: 'db',
    ...options,
  })
  cleanups.push(() => c.close())
  return c
}

async function failure(p: Promise<unknown>): Promise<StreamLoadError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(err).toBeInstanceOf(StreamLoadError)
  return err as StreamLoadError
}

const load = (c: StreamLoadClient, label: string) => c.load({ table: 't', label, rows: [{ id: 1 }] })
const busy: FakeReply = { status: 503, body: 'Service Unavailable' }

describe('retry backoff (injected clock)', () => {
  it('sleeps initialDelayMs·multiplier^n, jittered into [nominal/2, nominal], capped at maxDelayMs', async () => {
    const be = await fakeBe(() => busy)
    const { clock, sleeps } = recordingClock()
    const retry = { maxAttempts: 12, initialDelayMs: 100, maxDelayMs: 2000, multiplier: 2 }
    const err = await failure(load(make(be, { clock, retry }), 'bo_1'))

    const nominal = [100, 200, 400, 800, 1600, 2000, 2000, 2000, 2000, 2000, 2000]
    expect(sleeps).toHaveLength(nominal.length) // no sleep after the last attempt
    sleeps.forEach((ms, i) => {
      expect(ms).toBeGreaterThanOrEqual(nominal[i]! / 2)
      expect(ms).toBeLessThanOrEqual(nominal[i]!)
    })
    // with multiplier 2 the jitter ranges touch but do not overlap: the delays grow until the cap
    for (let i = 1; i < 5; i++) expect(sleeps[i]!).toBeGreaterThanOrEqual(sleeps[i - 1]!)
    // jittered: six capped delays drawn from [1000, 2000] are not all the same value
    expect(new Set(sleeps.slice(5)).size).toBeGreaterThan(1)

    expect(err).toMatchObject({ code: 'SL_RETRIES_EXHAUSTED', retriable: true, attempts: 12, label: 'bo_1' })
    expect(err.cause).toMatchObject({
      code: 'SL_HTTP',
      retriable: true,
      httpStatus: 503,
      attempts: undefined,
    })
    expect(be.seen).toHaveLength(12)
    expect(new Set(be.seen.map((r) => r.headers.label))).toEqual(new Set(['bo_1']))
  })

  it('retries under the same label until the BE answers, sleeping between attempts only', async () => {
    const be = await fakeBe((req, i) => (i < 2 ? busy : { body: success(req.headers.label) }))
    const { clock, sleeps } = recordingClock()
    const r = await load(make(be, { clock, retry: { initialDelayMs: 40, multiplier: 10 } }), 'bo_2')
    expect(r).toMatchObject({ status: 'Success', attempts: 3, label: 'bo_2' })
    expect(sleeps).toHaveLength(2)
    expect(sleeps[0]).toBeGreaterThanOrEqual(20)
    expect(sleeps[0]).toBeLessThanOrEqual(40)
    expect(sleeps[1]).toBeGreaterThanOrEqual(200)
    expect(sleeps[1]).toBeLessThanOrEqual(400)
    expect(be.seen.map((s) => s.headers.label)).toEqual(['bo_2', 'bo_2', 'bo_2'])
  })

  it.each<[string, FakeReply, string, number]>([
    [
      'Access denied',
      { body: { TxnId: -1, Status: 'Fail', Message: 'Access denied for user root' } },
      'SL_AUTH',
      200,
    ],
    [
      'an unknown table',
      { body: { TxnId: -1, Status: 'Fail', Message: "Unknown table 't'" } },
      'SL_BAD_REQUEST',
      200,
    ],
    ['a 404 page', { status: 404, body: 'Not Found' }, 'SL_HTTP', 404],
  ])('does not retry %s (%s): one request, no sleep, attempts 1', async (_, reply, code, httpStatus) => {
    const be = await fakeBe(() => reply)
    const { clock, sleeps } = recordingClock()
    const err = await failure(load(make(be, { clock }), 'nr_1'))
    expect(err).toMatchObject({ code, retriable: false, attempts: 1, httpStatus, label: 'nr_1' })
    expect(be.seen).toHaveLength(1)
    expect(sleeps).toEqual([])
  })
})

describe('request timeout', () => {
  it('waits past the load timeout by default (load timeout + 60 s)', async () => {
    // the BE answers 3 s into a load with a 1 s timeout: a request timeout equal to the load
    // timeout would have given up (undici's headers timer fires within about a second of its deadline)
    const be = await fakeBe((req) => ({ body: success(req.headers.label), delayMs: 3000 }))
    const { logger, warnings } = recordingLogger()
    const r = await load(make(be, { loadTimeoutSeconds: 1, logger }), 'rt_1')
    expect(r).toMatchObject({ status: 'Success', attempts: 1 })
    expect(be.seen).toHaveLength(1)
    expect(be.seen[0]!.headers.timeout).toBe('1')
    expect(warnings).toEqual([])
  })

  it('applies an explicit requestTimeoutMs below the load timeout, with a warning naming it', async () => {
    const be = await fakeBe((req) => ({ body: success(req.headers.label), delayMs: 6000 }))
    const { logger, warnings } = recordingLogger()
    const { clock } = recordingClock()
    const c = make(be, { requestTimeoutMs: 200, retry: { maxAttempts: 2 }, logger, clock })
    expect(warnings[0]).toEqual({
      message:
        'options.requestTimeoutMs (200) is below the load timeout (loadTimeoutSeconds 600): a load ' +
        'still running on the BE is abandoned and sent again under its label',
      fields: { requestTimeoutMs: 200, loadTimeoutSeconds: 600 },
    })
    const started = Date.now()
    const err = await failure(load(c, 'rt_2'))
    // both attempts gave up long before the BE's answer (undici checks this timer about once a second)
    expect(Date.now() - started).toBeLessThan(4500)
    expect(err).toMatchObject({ code: 'SL_RETRIES_EXHAUSTED', attempts: 2 })
    expect(err.cause).toMatchObject({ code: 'SL_TIMEOUT', retriable: true, label: 'rt_2' })
    expect(be.seen).toHaveLength(2)
  })

  it('does not warn when requestTimeoutMs covers the load timeout', async () => {
    const be = await fakeBe((req) => ({ body: success(req.headers.label) }))
    const { logger, warnings } = recordingLogger()
    make(be, { requestTimeoutMs: 1000, loadTimeoutSeconds: 1, logger })
    expect(warnings).toEqual([])
  })
})

describe('ErrorURL log', () => {
  const LOG = 'Error: NULL value in non-nullable column \'id\'. Row: {"id":null}\n'

  /** A BE that filters rows and serves its error log with `logReply`. */
  async function filteringBe(logReply: FakeReply, errorUrl?: (be: string) => string) {
    let url = ''
    const be = await fakeBe((req) => {
      if (req.method === 'GET') return logReply
      return {
        body: {
          TxnId: 57,
          Label: String(req.headers.label),
          Status: 'Fail',
          Message: 'too many filtered rows',
          NumberTotalRows: 2,
          NumberLoadedRows: 1,
          NumberFilteredRows: 1,
          ErrorURL: errorUrl ? errorUrl(url) : `${url}/api/_load_error_log?file=error_log_57`,
        },
      }
    })
    url = be.url
    return be
  }

  it('keeps the body of a 200 answer as errorLog, fetched with the credentials', async () => {
    const be = await filteringBe({ body: LOG })
    const err = await failure(load(make(be, { password: 'pw' }), 'el_1'))
    expect(err).toMatchObject({ code: 'SL_FILTERED_ROWS', retriable: false, attempts: 1, filteredRows: 1 })
    expect(err.errorLog).toBe(LOG)
    expect(err.errorLogHttpStatus).toBeUndefined()
    expect(err.errorLogFailure).toBeUndefined()
    expect(be.seen.map((r) => `${r.method} ${r.url}`)).toEqual([
      'PUT /api/db/t/_stream_load',
      'GET /api/_load_error_log?file=error_log_57',
    ])
    expect(be.seen[1]!.headers.authorization).toBe(`Basic ${Buffer.from('root:pw').toString('base64')}`)
  })

  it.each([
    [404, 'Not Found'],
    [500, '<html><body>Internal Server Error: log reader crashed</body></html>'],
  ])(
    'does not keep the body of a %i answer; records that the log could not be fetched',
    async (status, page) => {
      const be = await filteringBe({ status, body: page })
      const { logger, warnings } = recordingLogger()
      const err = await failure(load(make(be, { logger }), 'el_2'))
      expect(err).toMatchObject({
        code: 'SL_FILTERED_ROWS',
        attempts: 1,
        errorUrl: `${be.url}/api/_load_error_log?file=error_log_57`,
        errorLogHttpStatus: status,
        errorLogFailure: `HTTP ${status}`,
      })
      expect(err.errorLog).toBeUndefined()
      expect(JSON.stringify({ ...err, message: err.message })).not.toContain(page)
      expect(warnings).toEqual([
        {
          message: 'could not fetch the stream load error log',
          fields: {
            label: 'el_2',
            errorUrl: `${be.url}/api/_load_error_log?file=error_log_57`,
            errorLogFailure: `HTTP ${status}`,
            errorLogHttpStatus: status,
          },
        },
      ])
    },
  )

  it('records a connection failure of the log fetch and still reports the filtered rows', async () => {
    const port = await closedPort()
    const be = await filteringBe(
      { body: LOG },
      () => `http://127.0.0.1:${port}/api/_load_error_log?file=error_log_57`,
    )
    const err = await failure(load(make(be), 'el_3'))
    expect(err).toMatchObject({ code: 'SL_FILTERED_ROWS', retriable: false, attempts: 1 })
    expect(err.errorLog).toBeUndefined()
    expect(err.errorLogHttpStatus).toBeUndefined()
    expect(err.errorLogFailure).toMatch(/ECONNREFUSED/)
    expect(be.seen).toHaveLength(1)
  })
})
