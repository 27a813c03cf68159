import { describe, expect, it } from 'vitest'
import { createStreamLoadClient, StreamLoadError } from '../src/index.ts'
import { requestTimeoutMs, resolveOptions } from '../src/options.ts'

const base = { endpoints: 'IP1:8050,IP2:8050,IP3:8050', user: 'root', database: 'db' }

describe('options', () => {
  it("reads the seed's comma-separated endpoint list", () => {
    expect(resolveOptions(base).endpoints).toEqual(['http://ip1:8050', 'http://ip2:8050', 'http://ip3:8050'])
  })

  it('rejects unknown keys and bad values, naming the option and the value', () => {
    expect(() => createStreamLoadClient({ ...base, batchRows: 1 } as never)).toThrow(
      'options.batchRows is not a known option',
    )
    expect(() => resolveOptions({ ...base, mode: 'x' as never })).toThrow(
      `options.mode must be 'fe' or 'be', received "x"`,
    )
    expect(() => resolveOptions({ ...base, retry: { maxAttempts: 0 } })).toThrow(
      'options.retry.maxAttempts must be an integer >= 1, received 0',
    )
    const err = (() => {
      try {
        resolveOptions({ ...base, endpoints: [] })
      } catch (e) {
        return e
      }
    })()
    expect(err).toBeInstanceOf(StreamLoadError)
    expect(err).toMatchObject({ code: 'SL_INVALID_ARGUMENT', retriable: false })
  })

  it('refuses credentials inside an endpoint', () => {
    expect(() => resolveOptions({ ...base, endpoints: 'http://u:p@fe:8030' })).toThrow(
      /must not carry credentials/,
    )
  })

  it('waits for the BE the load timeout + 60 s unless requestTimeoutMs is set', () => {
    expect(requestTimeoutMs(resolveOptions(base), 600)).toBe(660_000)
    // a load's own timeoutSeconds moves the default with it
    expect(requestTimeoutMs(resolveOptions(base), 90)).toBe(150_000)
    expect(requestTimeoutMs(resolveOptions({ ...base, requestTimeoutMs: 5000 }), 90)).toBe(5000)
    expect(() => resolveOptions({ ...base, requestTimeoutMs: 0 })).toThrow(
      'options.requestTimeoutMs must be an integer >= 1, received 0',
    )
  })
})
