import { createTableMatcher, parseRuleSet } from '@sync/table-matcher'
import { describe, expect, it } from 'vitest'
import { createSnapshotLoader, isSnapshotError, type SnapshotLoaderOptions } from '../src/index.ts'

const matcher = createTableMatcher(parseRuleSet([]))
const base: SnapshotLoaderOptions = {
  connection: { host: '127.0.0.1', user: 'u', password: 'secret-pw' },
  matcher,
  sink: { send: async () => {}, partitionCount: async () => 1 },
  cipher: { sealToJson: (s) => String(s) },
}

function optionErrorOf(options: unknown): { code: string; message: string; option?: string } {
  try {
    createSnapshotLoader(options as SnapshotLoaderOptions)
  } catch (err) {
    if (isSnapshotError(err)) return { code: err.code, message: err.message, option: err.option }
    throw err
  }
  throw new Error('accepted')
}

describe('createSnapshotLoader options', () => {
  it('accepts the smallest valid options', () => {
    expect(typeof createSnapshotLoader(base).run).toBe('function')
  })

  it.each([
    [{ chunkRows: 0 }, 'options.chunkRows', '0'],
    [{ chunkRows: 1.5 }, 'options.chunkRows', '1.5'],
    [{ sendBatchRows: -1 }, 'options.sendBatchRows', '-1'],
    [{ maxInFlightSends: 100 }, 'options.maxInFlightSends', '100'],
    [{ maxInFlightBytes: 100 }, 'options.maxInFlightBytes', '100'],
    [{ format: 'avro' }, 'options.format', '"avro"'],
    [{ positionMode: 'gtid' }, 'options.positionMode', '"gtid"'],
    [{ batchTopicSuffix: 'a b' }, 'options.batchTopicSuffix', '"a b"'],
    [{ checksum: 'yes' }, 'options.checksum', '"yes"'],
    [{ chunkSize: 10 }, 'options.chunkSize', '"chunkSize"'],
    [{ sink: { send: async () => {} } }, 'options.sink', 'an object'],
    [{ connection: { host: 'h', user: 'u', pass: 'x' } }, 'options.connection.pass', '"pass"'],
  ])('rejects %j naming %s and the value received', (patch, option, received) => {
    const e = optionErrorOf({ ...base, ...patch })
    expect(e.code).toBe('SNAP_OPTIONS')
    expect(e.option).toBe(option)
    expect(e.message).toContain(option)
    expect(e.message).toContain(`received ${received}`)
  })

  it('never echoes the password', () => {
    const e = optionErrorOf({ ...base, connection: { host: '', user: 'u', password: 'secret-pw' } })
    expect(e.message).not.toContain('secret-pw')
  })

  it('rejects bad scopes and run options before connecting', async () => {
    const loader = createSnapshotLoader(base)
    const codes = await Promise.all(
      [
        loader.run({} as never),
        loader.run({ table: { database: 'd' } } as never),
        loader.run({ rule: 'r' }, { progress: () => {} } as never),
        loader.run({ rule: 'r' }, { snapshotId: 'has space' }),
      ].map((p) =>
        p.then(
          () => 'ok',
          (e: { code?: string }) => e.code,
        ),
      ),
    )
    expect(codes).toEqual(['SNAP_OPTIONS', 'SNAP_OPTIONS', 'SNAP_OPTIONS', 'SNAP_OPTIONS'])
  })

  it('ends at once with SNAP_ABORTED when the signal is already aborted', async () => {
    const err = await createSnapshotLoader(base)
      .run({ rule: 'r' }, { signal: AbortSignal.abort() })
      .catch((e: unknown) => e)
    expect(isSnapshotError(err) && err.code).toBe('SNAP_ABORTED')
  })
})
