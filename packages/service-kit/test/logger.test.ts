import { describe, expect, it } from 'vitest'
import { createJsonLogger } from '../src/logger.ts'

function capture(opts: Parameters<typeof createJsonLogger>[0] = {}) {
  const lines: string[] = []
  const log = createJsonLogger({ ...opts, write: (l) => lines.push(l), clock: () => 0 })
  return { log, lines, parsed: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>) }
}

describe('createJsonLogger', () => {
  it('writes one JSON object per line with level, message and fields', () => {
    const { log, lines, parsed } = capture({ base: { app: 'shipper' } })
    log.child({ source: 'rds1' }).info('started', { rows: 3 })
    expect(lines).toHaveLength(1)
    expect(lines[0]!.endsWith('\n')).toBe(true)
    expect(parsed()[0]).toEqual({
      time: '1970-01-01T00:00:00.000Z',
      level: 'info',
      msg: 'started',
      app: 'shipper',
      source: 'rds1',
      rows: 3,
    })
  })

  it('drops lines below the level', () => {
    const { log, lines } = capture({ level: 'warn' })
    log.info('no')
    log.debug('no')
    log.warn('yes')
    expect(lines).toHaveLength(1)
  })

  it('never writes a secret: by field name, inside strings, or inside an error cause', () => {
    const secret = 'S3cr3t-pa55word'
    const key = '00112233445566778899aabbccddeeff'
    const { log, lines } = capture({ secrets: [secret, key] })
    const err = new Error(`connect failed for user with ${secret}`, {
      cause: new Error(`key ${key} rejected`),
    })
    log.error('boom', {
      password: 'inline-value-9',
      aesKey: key,
      url: `mysql://u:${secret}@h`,
      err,
      nested: { token: 'abcd1234' },
    })
    const text = lines.join('')
    expect(text).not.toContain(secret)
    expect(text).not.toContain(key)
    expect(text).not.toContain('inline-value-9')
    expect(text).not.toContain('abcd1234')
    expect(text).toContain('[redacted]')
    expect(text).toContain('connect failed')
  })
})
