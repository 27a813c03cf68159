import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { makeTlsFiles } from '@sync/test-kit'
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import { loadConfig, parseConfig } from '../src/config.ts'

const key = 'ab'.repeat(32)
const valid = () => ({
  sources: [{ id: 'rds1', host: 'db', user: 'repl', password: { env: 'PW' }, serverId: 4101 }],
  rulesDir: 'rules',
  kafka: { brokers: ['k1:9092'] },
  encryption: { key: { env: 'KEY' } },
})
const env = { PW: 'hunter22', KEY: key }

const dirs: string[] = []
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true })
})

describe('shipper config', () => {
  it('fills defaults, resolves secrets and relative paths', () => {
    const r = parseConfig(valid(), env, '/etc/shipper')
    if (!r.ok) throw new Error(r.errors.join('\n'))
    const c = r.config
    expect(c.sources[0]).toMatchObject({
      id: 'rds1',
      connection: { host: 'db', port: 3306, user: 'repl', password: 'hunter22' },
      serverId: 4101,
      start: 'now',
      rulesDir: '/etc/shipper/rules',
    })
    expect(c.kafka).toMatchObject({
      brokers: ['k1:9092'],
      idempotent: false,
      worker: false,
      compression: 'none',
      ssl: false,
    })
    expect(c.format).toBe('seed')
    expect(c.checkpoint).toEqual({ store: 'file', dir: '/etc/shipper/checkpoints', intervalMs: 1000 })
    expect(c.secrets).toEqual(['hunter22', key])
    expect(Object.isFrozen(c.sources[0])).toBe(true)
  })

  it('reports every bad field with what it received', () => {
    const raw = valid() as Record<string, unknown>
    raw.sources = [
      {
        id: 'a b',
        host: '',
        user: 'u',
        password: { env: 'MISSING' },
        serverId: 1,
        start: { file: 'f', pos: 2 },
      },
    ]
    raw.format = 'avro'
    raw.colour = 'blue'
    raw.kafka = { brokers: [], compression: 'lz4' }
    const r = parseConfig(raw, env, '/')
    expect(r.ok).toBe(false)
    const errors = r.ok ? [] : r.errors
    expect(errors).toEqual(
      expect.arrayContaining([
        'colour must be one of the known fields (sources, rulesDir, kafka, encryption, format, checkpoint, batch, rules, metrics, log, shutdownTimeoutMs), received "colour"',
        'sources[0].id must be letters, digits, _ . -, received "a b"',
        'sources[0].host must be a non-empty string, received ""',
        'sources[0].password: environment variable MISSING is not set',
        'sources[0].serverId must be an integer 2..4294967295, received 1',
        'sources[0].start.pos must be an integer 4..9007199254740991, received 2',
        'kafka.brokers must be a non-empty array of non-empty strings, received an array of 0',
        'kafka.compression must be one of "none", "gzip", received "lz4"',
        'format must be one of "seed", "debezium", received "avro"',
      ]),
    )
    expect(errors.join('\n')).not.toContain('hunter22')
  })

  it('rejects duplicate source ids and server ids, and a short key without echoing it', () => {
    const raw = valid() as Record<string, unknown>
    const s = (raw.sources as unknown[])[0]
    raw.sources = [s, s]
    raw.encryption = { key: 'abcd' }
    const r = parseConfig(raw, env, '/')
    const errors = r.ok ? [] : r.errors
    expect(errors).toContain('sources[1].id "rds1" is used by another source')
    expect(errors).toContain('sources[1].serverId 4101 is used by another source; each reader needs its own')
    expect(errors).toContain('encryption.key must be a hex AES key of 16, 24 or 32 bytes (value not shown)')
  })

  it('takes brokers, format, port and level from the environment', () => {
    const r = parseConfig(
      valid(),
      {
        ...env,
        KAFKA_BROKERS: 'a:1, b:2',
        SHIPPER_FORMAT: 'debezium',
        SHIPPER_METRICS_PORT: '0',
        SHIPPER_LOG_LEVEL: 'debug',
      },
      '/',
    )
    if (!r.ok) throw new Error(r.errors.join('\n'))
    expect(r.config.kafka.brokers).toEqual(['a:1', 'b:2'])
    expect(r.config.format).toBe('debezium')
    expect(r.config.metrics.port).toBe(0)
    expect(r.config.log.level).toBe('debug')
    const bad = parseConfig(valid(), { ...env, SHIPPER_FORMAT: 'xml' }, '/')
    expect(bad.ok ? [] : bad.errors).toContain('SHIPPER_FORMAT must be "seed" or "debezium", received "xml"')
  })

  it('keeps checkpoints on a Kafka topic when asked, and requires the topic', () => {
    const ok = parseConfig(
      { ...valid(), checkpoint: { store: 'kafka', topic: 'shipper-checkpoints' } },
      env,
      '/x',
    )
    if (!ok.ok) throw new Error(ok.errors.join('\n'))
    expect(ok.config.checkpoint).toMatchObject({ store: 'kafka', topic: 'shipper-checkpoints' })
    const fromEnv = parseConfig(
      { ...valid(), checkpoint: { store: 'kafka' } },
      { ...env, SHIPPER_CHECKPOINT_TOPIC: 'cp' },
      '/x',
    )
    expect(fromEnv.ok && fromEnv.config.checkpoint.topic).toBe('cp')
    const missing = parseConfig({ ...valid(), checkpoint: { store: 'kafka' } }, env, '/x')
    expect(missing.ok ? [] : missing.errors).toEqual([
      'checkpoint.topic must be a non-empty string (required), received nothing',
    ])
    const wrong = parseConfig({ ...valid(), checkpoint: { store: 'zookeeper' } }, env, '/x')
    expect(wrong.ok ? [] : wrong.errors).toEqual([
      'checkpoint.store must be one of "file", "kafka", received "zookeeper"',
    ])
  })

  it('accepts several keys with an active one', () => {
    const raw = valid() as Record<string, unknown>
    raw.encryption = { keys: { k1: key, k2: 'cd'.repeat(16) }, activeKid: 'k2' }
    const r = parseConfig(raw, env, '/')
    if (!r.ok) throw new Error(r.errors.join('\n'))
    expect(r.config.encryption).toEqual({
      keys: { k1: key, k2: 'cd'.repeat(16) },
      activeKid: 'k2',
      fastSeal: true,
    })
  })

  it('takes encryption.fastSeal (default true) and refuses a non-boolean', () => {
    const raw = valid() as Record<string, unknown>
    const on = parseConfig(raw, env, '/')
    if (!on.ok) throw new Error(on.errors.join('\n'))
    expect(on.config.encryption.fastSeal).toBe(true)
    raw.encryption = { key: { env: 'KEY' }, fastSeal: false }
    const off = parseConfig(raw, env, '/')
    if (!off.ok) throw new Error(off.errors.join('\n'))
    expect(off.config.encryption.fastSeal).toBe(false)
    raw.encryption = { key: { env: 'KEY' }, fastSeal: 'no' }
    const bad = parseConfig(raw, env, '/')
    expect(bad.ok).toBe(false)
    if (!bad.ok) expect(bad.errors.join('\n')).toMatch(/encryption\.fastSeal/)
  })

  it('loads a file named by --config or SHIPPER_CONFIG, and explains a missing one', async () => {
    const d = await mkdtemp(join(tmpdir(), 'cfg-'))
    dirs.push(d)
    await writeFile(join(d, 'c.json'), JSON.stringify(valid()))
    const a = loadConfig(['--config', 'c.json'], env, d)
    expect(a.ok && a.config.sources[0]?.rulesDir).toBe(join(d, 'rules'))
    const b = loadConfig([], { ...env, SHIPPER_CONFIG: join(d, 'c.json') }, '/')
    expect(b.ok).toBe(true)
    const none = loadConfig([], {}, d)
    expect(none.ok ? [] : none.errors).toEqual([
      'no configuration given: pass --config <file.json> or set SHIPPER_CONFIG',
    ])
    await writeFile(join(d, 'bad.json'), '{')
    const bad = loadConfig(['--config=bad.json'], env, d)
    expect(bad.ok ? '' : bad.errors[0]).toMatch(/is not valid JSON/)
    const unknown = loadConfig(['--verbose'], env, d)
    expect(unknown.ok ? '' : unknown.errors[0]).toContain('unknown argument "--verbose"')
  })
})

describe('shipper config: kafka.ssl', () => {
  const tls = makeTlsFiles()
  afterAll(() => tls.remove())

  it('reads the private CA, the client certificate and key (relative to the file) and the passphrase', () => {
    const raw = valid()
    ;(raw.kafka as Record<string, unknown>).ssl = {
      caFile: 'test-ca.pem',
      certFile: 'client.pem',
      keyFile: 'client.key',
      passphrase: { env: 'KAFKA_KEY_PASS' },
    }
    const r = parseConfig(raw, { ...env, KAFKA_KEY_PASS: tls.passphrase }, tls.dir)
    if (!r.ok) throw new Error(r.errors.join('\n'))
    const ssl = r.config.kafka.ssl as Record<string, unknown>
    expect(Object.keys(ssl).sort()).toEqual(['ca', 'cert', 'key', 'passphrase', 'rejectUnauthorized'])
    expect(ssl.rejectUnauthorized).toBe(true)
    expect(String(ssl.ca)).toMatch(/^-----BEGIN CERTIFICATE-----/)
    // the key and its passphrase are blanked from the logs like every other secret
    expect(r.config.secrets).toEqual(expect.arrayContaining([tls.passphrase, ssl.key]))
    expect(Object.isFrozen(ssl)).toBe(true)
  })

  it('names the field and the path of a missing file, and a bad field, never the passphrase', () => {
    const raw = valid()
    ;(raw.kafka as Record<string, unknown>).ssl = {
      caFile: 'no-such-ca.pem',
      certFile: tls.clientCert,
      keyFile: tls.clientKey,
      passphrase: 'literal-passphrase-not-shown',
    }
    const r = parseConfig(raw, env, tls.dir)
    expect(r.ok).toBe(false)
    const errors = r.ok ? [] : r.errors
    expect(errors).toEqual([`kafka.ssl.caFile: cannot read ${join(tls.dir, 'no-such-ca.pem')}: ENOENT`])
    ;(raw.kafka as Record<string, unknown>).ssl = { caFile: tls.ca, verify: false }
    const bad = parseConfig(raw, env, tls.dir)
    expect(bad.ok ? [] : bad.errors).toEqual([
      'unknown field kafka.ssl.verify (known: caFile, certFile, keyFile, passphrase, servername, rejectUnauthorized)',
    ])
    ;(raw.kafka as Record<string, unknown>).ssl = {
      certFile: tls.clientCert,
      keyFile: tls.clientKey,
      passphrase: 'wrong-passphrase-not-shown',
    }
    const wrong = parseConfig(raw, env, tls.dir)
    const text = wrong.ok ? '' : wrong.errors.join('\n')
    expect(text).toMatch(/^kafka\.ssl: the TLS files cannot be used together/)
    expect(text).not.toContain('wrong-passphrase-not-shown')
    expect(text).not.toContain('literal-passphrase-not-shown')
  })
})
