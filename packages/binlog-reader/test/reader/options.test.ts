import { describe, expect, it } from 'vitest'
import { createBinlogReader } from '../../src/index.ts'

const base = { connection: { host: 'h', user: 'u' }, serverId: 1234, start: 'now' as const }

describe('createBinlogReader options', () => {
  it('requires a serverId, with no default', () => {
    const { serverId: _, ...rest } = base
    expect(() => createBinlogReader(rest as never)).toThrow(/options.serverId .*required.*received undefined/)
    expect(() => createBinlogReader({ ...base, serverId: 1 })).toThrow(
      /options.serverId must be an integer from 2/,
    )
  })
  it('rejects unknown options naming the option, and any startAtEnd', () => {
    expect(() => createBinlogReader({ ...base, startAtEnd: true } as never)).toThrow(/options.startAtEnd/)
    expect(() =>
      createBinlogReader({ ...base, connection: { ...base.connection, pasword: 'x' } } as never),
    ).toThrow(/options.connection.pasword/)
  })
  it('rejects malformed start positions', () => {
    expect(() => createBinlogReader({ ...base, start: { file: 'f', pos: 0 } })).toThrow(/options.start/)
    expect(() => createBinlogReader({ ...base, start: 'end' as never })).toThrow(/received "end"/)
    expect(() => createBinlogReader({ ...base, start: { gtid: '0-1-5' } })).not.toThrow()
  })
  it('rejects a stall timeout not longer than the heartbeat', () => {
    expect(() => createBinlogReader({ ...base, heartbeatMs: 1000, stallTimeoutMs: 900 })).toThrow(
      /stallTimeoutMs/,
    )
  })
})
