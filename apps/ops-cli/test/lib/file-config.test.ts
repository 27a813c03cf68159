import { describe, expect, it } from 'vitest'
import { parseFileConfig } from '../../src/lib/file-config.ts'

describe('parseFileConfig', () => {
  it('accepts the documented example', async () => {
    const { readFileSync } = await import('node:fs')
    const json = JSON.parse(readFileSync(new URL('../../config.example.json', import.meta.url), 'utf8'))
    expect(parseFileConfig(json).errors).toEqual([])
  })

  it('names each bad field and never shows a secret', () => {
    const { errors } = parseFileConfig({
      mysql: { host: '', port: 70000, password: { literal: 'topsecret' } },
      kafka: { brokers: [] },
      extra: 1,
    })
    expect(errors).toEqual([
      'mysql.host must be a non-empty string, received ""',
      'mysql.port must be an integer 1..65535, received 70000',
      'mysql.password must be a string, { "env": NAME } or { "file": PATH }',
      'kafka.brokers must be a non-empty array of "host:port" strings, received []',
      'unknown field extra (known: mysql, starrocks, kafka, key, connect, rules)',
    ])
    expect(errors.join()).not.toContain('topsecret')
  })
})
