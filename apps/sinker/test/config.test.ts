import { join } from 'node:path'
import { makeTlsFiles } from '@sync/test-kit'
import { afterAll, describe, expect, it } from 'vitest'
import { buildConfig } from '../src/config.ts'

const valid = {
  kafka: { brokers: ['k1:9092'], topics: ['ods.orders'] },
  key: { env: 'SYNC_KEY' },
  topic2tableMap: 'ods.orders:orders',
  target: { endpoints: 'fe1:8030,fe2:8030', database: 'ods', user: 'loader', password: { env: 'SR_PW' } },
  deadLetterTopic: 'sinker.dlq',
}
const env = { SYNC_KEY: 'a'.repeat(64), SR_PW: 'pw-secret' }

describe('sinker configuration', () => {
  it('applies defaults, resolves secrets and accepts the seed topic2table map', () => {
    const r = buildConfig(valid, env)
    if (!r.ok) throw new Error(r.errors.join('\n'))
    expect(r.config.topicToTable).toEqual({ 'ods.orders': 'orders' })
    expect(r.config.flush.intervalMs).toBe(1000)
    expect(r.config.target).toMatchObject({
      kind: 'starrocks',
      endpoints: ['fe1:8030', 'fe2:8030'],
      password: 'pw-secret',
    })
    expect(r.config.secrets).toEqual(expect.arrayContaining(['pw-secret', 'a'.repeat(64)]))
    expect(Object.isFrozen(r.config.flush)).toBe(true)
  })

  it('takes brokers and the group from the environment', () => {
    const r = buildConfig(valid, { ...env, KAFKA_BROKERS: 'a:1,b:2', SINKER_GROUP_ID: 'g2' })
    expect(r.ok && r.config.kafka.brokers).toEqual(['a:1', 'b:2'])
    expect(r.ok && r.config.kafka.groupId).toBe('g2')
  })

  it('lists every problem, each naming its field, and never a secret value', () => {
    const r = buildConfig(
      {
        ...valid,
        kafka: { brokers: [], topics: ['ods.orders'], bogus: 1 },
        flush: { rows: 0, intervalMs: 'fast' },
        target: { ...valid.target, kind: 'doris' },
      },
      { SR_PW: 'pw-secret' },
    )
    expect(r.ok).toBe(false)
    const errors = r.ok ? [] : r.errors
    expect(errors).toEqual(
      expect.arrayContaining([
        'kafka.bogus is not a known field',
        'kafka.brokers must be a list of non-empty strings, received []',
        'key: environment variable SYNC_KEY is not set',
        'target.kind must be "starrocks" or "mysql", received "doris"',
        'flush.rows must be an integer 1..4503599627370496, received 0',
        'flush.intervalMs must be an integer 10..4503599627370496, received "fast"',
      ]),
    )
    expect(errors.join('\n')).not.toContain('pw-secret')
  })

  it('spaces the loads of a table by the flush interval on StarRocks (at most 1 s), not on MySQL', () => {
    const flushOf = (raw: Record<string, unknown>) => {
      const r = buildConfig(raw, env)
      if (!r.ok) throw new Error(r.errors.join('\n'))
      return r.config.flush
    }
    expect(flushOf(valid).minTableIntervalMs).toBe(250)
    expect(flushOf({ ...valid, flush: { intervalMs: 100 } }).minTableIntervalMs).toBe(100)
    expect(flushOf({ ...valid, flush: { intervalMs: 60_000 } }).minTableIntervalMs).toBe(250)
    expect(flushOf({ ...valid, flush: { minTableIntervalMs: 0 } }).minTableIntervalMs).toBe(0)
    const mysqlTarget = { kind: 'mysql', host: 'db', database: 'ods', user: 'u', password: 'pw-mysql' }
    expect(flushOf({ ...valid, target: mysqlTarget }).minTableIntervalMs).toBe(0)
  })

  it('takes a topic pattern instead of (or with) topics, and checks it is a regular expression', () => {
    const kafka = { brokers: ['k1:9092'] }
    const r = buildConfig({ ...valid, kafka: { ...kafka, topicPattern: '^ods\\.orders_\\d+$' } }, env)
    if (!r.ok) throw new Error(r.errors.join('\n'))
    expect(r.config.kafka.topics).toEqual([])
    expect(r.config.kafka.topicPattern).toBe('^ods\\.orders_\\d+$')
    const bad = buildConfig({ ...valid, kafka: { ...kafka, topicPattern: 'ods.(orders' } }, env)
    expect(bad.ok ? [] : bad.errors).toEqual([
      'kafka.topicPattern must be a regular expression, received "ods.(orders"',
    ])
    const none = buildConfig({ ...valid, kafka: { ...kafka, topics: [] } }, env)
    expect(none.ok ? [] : none.errors).toEqual([
      'kafka.topics or kafka.topicPattern must name what to consume',
    ])
  })

  it('takes several keys by id with the active one, resolved from the environment', () => {
    const keys = { k2024: { env: 'OLD_KEY' }, k2025: { env: 'NEW_KEY' } }
    const { key: _key, ...withoutKey } = valid
    const env2 = { ...env, OLD_KEY: 'b'.repeat(64), NEW_KEY: 'c'.repeat(64) }
    const r = buildConfig({ ...withoutKey, keys, activeKid: 'k2025' }, env2)
    if (!r.ok) throw new Error(r.errors.join('\n'))
    expect(r.config.keys).toEqual({
      keys: { k2024: 'b'.repeat(64), k2025: 'c'.repeat(64) },
      activeKid: 'k2025',
    })
    expect(r.config.secrets).toEqual(expect.arrayContaining(['b'.repeat(64), 'c'.repeat(64)]))
    const wrong = buildConfig({ ...withoutKey, keys, activeKid: 'k2026' }, env2)
    expect(wrong.ok ? [] : wrong.errors).toEqual([
      'activeKid must name one of keys (k2024, k2025), received "k2026"',
    ])
    const both = buildConfig({ ...valid, keys, activeKid: 'k2025' }, env2)
    expect(both.ok ? [] : both.errors).toEqual(['config.key and config.keys are exclusive: give one'])
  })
})

describe('sinker configuration: kafka.ssl', () => {
  const tls = makeTlsFiles()
  afterAll(() => tls.remove())
  const withSsl = (ssl: unknown) => ({ ...valid, kafka: { ...valid.kafka, ssl } })

  it('keeps true and false, and reads a private CA and a client certificate with its passphrase', () => {
    const on = buildConfig(withSsl(true), env)
    expect(on.ok && on.config.kafka.ssl).toBe(true)
    const off = buildConfig(valid, env)
    expect(off.ok && off.config.kafka.ssl).toBe(false)
    const r = buildConfig(
      withSsl({
        caFile: tls.ca,
        certFile: tls.clientCert,
        keyFile: tls.clientKey,
        passphrase: { file: join(tls.dir, 'pass') },
        servername: 'kafka.internal',
      }),
      env,
    )
    // no passphrase file yet: named, with its path
    expect(r.ok ? [] : r.errors).toEqual([
      `kafka.ssl.passphrase: cannot read secret file ${join(tls.dir, 'pass')}: ENOENT`,
    ])
    const ok = buildConfig(
      withSsl({
        caFile: tls.ca,
        certFile: tls.clientCert,
        keyFile: tls.clientKey,
        passphrase: { env: 'KEY_PASS' },
        servername: 'kafka.internal',
      }),
      { ...env, KEY_PASS: tls.passphrase },
    )
    if (!ok.ok) throw new Error(ok.errors.join('\n'))
    const ssl = ok.config.kafka.ssl as Record<string, unknown>
    expect(Object.keys(ssl).sort()).toEqual([
      'ca',
      'cert',
      'key',
      'passphrase',
      'rejectUnauthorized',
      'servername',
    ])
    expect(ok.config.secrets).toEqual(expect.arrayContaining([tls.passphrase, ssl.key]))
  })

  it('names each bad field and a missing file with its path, never the passphrase', () => {
    const missing = join(tls.dir, 'nope.pem')
    const r = buildConfig(withSsl({ caFile: missing }), env)
    expect(r.ok ? [] : r.errors).toEqual([`kafka.ssl.caFile: cannot read ${missing}: ENOENT`])
    const bad = buildConfig(
      withSsl({ certFile: tls.clientCert, passphrase: 'pass-not-shown', rejectUnauthorized: 0 }),
      env,
    )
    const errors = bad.ok ? [] : bad.errors
    expect(errors).toEqual([
      'kafka.ssl.rejectUnauthorized must be true or false, received 0',
      'kafka.ssl.keyFile is required with kafka.ssl.certFile',
      'kafka.ssl.passphrase needs kafka.ssl.keyFile',
    ])
    expect(errors.join('\n')).not.toContain('pass-not-shown')
  })
})
