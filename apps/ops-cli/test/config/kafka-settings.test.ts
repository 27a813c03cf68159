// The Kafka section of the CLI's configuration: the shipper's `kafka` shape from the file,
// overridden by env and flags; secrets from env or file, never in an error.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { makeTlsFiles } from '@sync/test-kit'
import { afterAll, describe, expect, it } from 'vitest'
import type { FlagValues } from '../../src/cli/command.ts'
import { kafkaClientOptions, loadSettings, mysqlEndpoint } from '../../src/config.ts'
import type { CliError } from '../../src/errors.ts'
import { parseFileConfig } from '../../src/lib/file-config.ts'

const dir = mkdtempSync(join(tmpdir(), 'ops-cfg-'))
const file = (name: string, json: unknown) => {
  const path = join(dir, name)
  writeFileSync(path, typeof json === 'string' ? json : JSON.stringify(json))
  return path
}
const settings = (config: unknown, env: Record<string, string> = {}, values: FlagValues = {}) =>
  loadSettings({ config: file(`c${Math.random()}.json`, config), ...values }, env)
const failure = (fn: () => unknown): CliError => {
  try {
    fn()
  } catch (err) {
    return err as CliError
  }
  throw new Error('expected a failure')
}

describe('kafka settings', () => {
  it("loads the shipper's kafka section, TLS and SASL with the password from a file", () => {
    const secretFile = file('sasl', 'pa55-from-file\n')
    const s = settings({
      kafka: {
        brokers: ['k1:9093'],
        clientId: 'ops',
        ssl: true,
        sasl: { mechanism: 'scram-sha-512', username: 'sync', password: { file: secretFile } },
        compression: 'gzip',
        idempotent: false,
        requestTimeoutMs: 20000,
      },
    })
    expect(kafkaClientOptions(s)).toEqual({
      brokers: ['k1:9093'],
      clientId: 'ops',
      ssl: true,
      sasl: { mechanism: 'scram-sha-512', username: 'sync', password: 'pa55-from-file' },
      requestTimeoutMs: 20000,
    })
  })

  it('lets env and flags override the file', () => {
    const s = settings(
      { kafka: { brokers: ['k1:9093'], sasl: { username: 'file-user', password: 'x' } } },
      { KAFKA_BROKERS: 'k2:9093', KAFKA_SSL: 'true', KAFKA_SASL_USERNAME: 'env-user', MY_PW: 'pw-env' },
      { 'kafka-sasl-password-env': 'MY_PW', 'kafka-sasl-mechanism': 'scram-sha-256' },
    )
    expect(kafkaClientOptions(s)).toEqual({
      brokers: ['k2:9093'],
      ssl: true,
      sasl: { mechanism: 'scram-sha-256', username: 'env-user', password: 'pw-env' },
    })
  })

  it('takes SASL from env alone, mechanism plain by default; no TLS unless asked', () => {
    const s = loadSettings({}, { KAFKA_BROKERS: 'k:1', KAFKA_SASL_USERNAME: 'u', KAFKA_SASL_PASSWORD: 'p' })
    expect(kafkaClientOptions(s)).toEqual({
      brokers: ['k:1'],
      sasl: { mechanism: 'plain', username: 'u', password: 'p' },
    })
  })

  it('names each bad field of the file and never shows the secret', () => {
    const { errors } = parseFileConfig({
      kafka: {
        brokers: ['k:1'],
        ssl: 'yes',
        sasl: { mechanism: 'gssapi', username: '', password: { literal: 'hunter2' }, extra: 1 },
        requestTimeoutMs: 5,
        acks: -1,
        compression: 'lz4',
      },
      mysql: { ssl: 1 },
    })
    expect(errors).toEqual([
      'kafka.ssl must be true, false or an object (caFile, certFile, keyFile, passphrase, servername, rejectUnauthorized), received "yes"',
      'kafka.sasl.mechanism must be one of plain, scram-sha-256, scram-sha-512, received "gssapi"',
      'kafka.sasl.username must be a non-empty string, received ""',
      'kafka.sasl.password must be a string, { "env": NAME } or { "file": PATH }',
      'unknown field kafka.sasl.extra (known: mechanism, username, password)',
      'kafka.requestTimeoutMs must be an integer 100..600000 (milliseconds), received 5',
      'unknown field kafka.acks (known: brokers, clientId, ssl, sasl, connectionTimeoutMs, requestTimeoutMs, compression, idempotent, worker)',
      // the shipper's producer fields: checked, then ignored
      'kafka.compression must be "none" or "gzip", received "lz4"',
      'mysql.ssl must be true or false, received 1',
    ])
    expect(errors.join()).not.toContain('hunter2')
  })

  it('requires both SASL user and password, naming where to give them', () => {
    const { errors } = parseFileConfig({ kafka: { brokers: ['k:1'], sasl: { username: 'u' } } })
    expect(errors).toEqual(['kafka.sasl.password is required with kafka.sasl'])
    const noPassword = failure(() =>
      kafkaClientOptions(loadSettings({}, { KAFKA_BROKERS: 'k:1', KAFKA_SASL_USERNAME: 'u' })),
    )
    expect(noPassword.code).toBe('OPS_CONFIG')
    expect(noPassword.message).toMatch(/^Kafka SASL needs a password: --kafka-sasl-password-file/)
    const noUser = failure(() =>
      kafkaClientOptions(loadSettings({}, { KAFKA_BROKERS: 'k:1', KAFKA_SASL_MECHANISM: 'plain' })),
    )
    expect(noUser.message).toMatch(/^Kafka SASL needs a user name/)
  })

  it('names a bad env value and a missing password file without showing secrets', () => {
    const bad = failure(() =>
      kafkaClientOptions(loadSettings({}, { KAFKA_BROKERS: 'k:1', KAFKA_SSL: 'maybe' })),
    )
    expect(bad.message).toBe('KAFKA_SSL must be true or false, received "maybe"')
    const mech = failure(() =>
      kafkaClientOptions(loadSettings({ 'kafka-sasl-mechanism': 'md5' }, { KAFKA_BROKERS: 'k:1' })),
    )
    expect(mech.message).toBe(
      '--kafka-sasl-mechanism must be one of plain, scram-sha-256, scram-sha-512, received "md5"',
    )
    const missing = failure(() =>
      kafkaClientOptions(
        loadSettings(
          { 'kafka-sasl-password-file': join(dir, 'nope') },
          { KAFKA_BROKERS: 'k:1', KAFKA_SASL_USERNAME: 'u', KAFKA_SASL_PASSWORD: 'not-this-one' },
        ),
      ),
    )
    expect(missing.code).toBe('OPS_CONFIG')
    expect(missing.message).toContain('--kafka-sasl-password-file')
    expect(missing.message).not.toContain('not-this-one')
  })
})

describe('Kafka TLS with a private CA and a client certificate', () => {
  const tls = makeTlsFiles()
  afterAll(() => tls.remove())

  it('reads the files named in the config file, the passphrase from a file', () => {
    const passFile = file('key-pass', `${tls.passphrase}\n`)
    const s = settings({
      kafka: {
        brokers: ['k1:9093'],
        ssl: {
          caFile: tls.ca,
          certFile: tls.clientCert,
          keyFile: tls.clientKey,
          passphrase: { file: passFile },
          servername: 'kafka.internal',
        },
      },
    })
    const ssl = kafkaClientOptions(s).ssl as Record<string, unknown>
    expect(ssl).toEqual({
      rejectUnauthorized: true,
      ca: readFileSync(tls.ca, 'utf8'),
      cert: readFileSync(tls.clientCert, 'utf8'),
      key: readFileSync(tls.clientKey, 'utf8'),
      passphrase: tls.passphrase,
      servername: 'kafka.internal',
    })
  })

  it('lets KAFKA_SSL_* variables set or override each field, and KAFKA_SSL=false turn it off', () => {
    const env = {
      KAFKA_BROKERS: 'k:1',
      KAFKA_SSL_CA_FILE: tls.ca,
      KAFKA_SSL_CERT_FILE: tls.clientCert,
      KAFKA_SSL_KEY_FILE: tls.clientKey,
      KAFKA_SSL_KEY_PASSPHRASE: tls.passphrase,
    }
    const fromEnv = kafkaClientOptions(loadSettings({}, env)).ssl as Record<string, unknown>
    expect(Object.keys(fromEnv).sort()).toEqual(['ca', 'cert', 'key', 'passphrase', 'rejectUnauthorized'])
    expect(fromEnv.passphrase).toBe(tls.passphrase)
    const overridden = kafkaClientOptions(
      settings(
        { kafka: { ssl: { caFile: join(dir, 'not-this-ca.pem') } } },
        { KAFKA_BROKERS: 'k:1', KAFKA_SSL_CA_FILE: tls.ca },
      ),
    ).ssl as Record<string, unknown>
    expect(overridden.ca).toBe(readFileSync(tls.ca, 'utf8'))
    expect(kafkaClientOptions(loadSettings({}, { ...env, KAFKA_SSL: 'false' })).ssl).toBeUndefined()
  })

  it('names the variable or the field and the path of an unreadable file, never a secret', () => {
    const missing = join(dir, 'missing-ca.pem')
    const fromEnv = failure(() =>
      kafkaClientOptions(loadSettings({}, { KAFKA_BROKERS: 'k:1', KAFKA_SSL_CA_FILE: missing })),
    )
    expect(fromEnv.code).toBe('OPS_CONFIG')
    expect(fromEnv.message).toBe(`KAFKA_SSL_CA_FILE: cannot read ${missing}: ENOENT`)
    const fromFile = failure(() =>
      kafkaClientOptions(settings({ kafka: { brokers: ['k:1'], ssl: { caFile: missing } } })),
    )
    expect(fromFile.message).toBe(`kafka.ssl.caFile: cannot read ${missing}: ENOENT`)
    const wrongPass = failure(() =>
      kafkaClientOptions(
        loadSettings(
          {},
          {
            KAFKA_BROKERS: 'k:1',
            KAFKA_SSL_CERT_FILE: tls.clientCert,
            KAFKA_SSL_KEY_FILE: tls.clientKey,
            KAFKA_SSL_KEY_PASSPHRASE: 'wrong-passphrase-not-shown',
          },
        ),
      ),
    )
    expect(wrongPass.message).toMatch(
      /^kafka\.ssl: the TLS files cannot be used together \(KAFKA_SSL_CERT_FILE .*, KAFKA_SSL_KEY_FILE .*, KAFKA_SSL_KEY_PASSPHRASE\): /,
    )
    expect(wrongPass.message).not.toContain('wrong-passphrase-not-shown')
    expect(wrongPass.message).not.toContain('PRIVATE KEY')
    const lonelyKey = failure(() =>
      kafkaClientOptions(loadSettings({}, { KAFKA_BROKERS: 'k:1', KAFKA_SSL_KEY_FILE: tls.clientKey })),
    )
    expect(lonelyKey.message).toBe('kafka.ssl.certFile is required with KAFKA_SSL_KEY_FILE')
  })

  it('warns when the brokers are not verified', async () => {
    const warned = new Promise<Error>((resolve) => process.once('warning', resolve))
    const ssl = kafkaClientOptions(
      loadSettings({}, { KAFKA_BROKERS: 'k:1', KAFKA_SSL_REJECT_UNAUTHORIZED: 'false' }),
    ).ssl
    expect(ssl).toEqual({ rejectUnauthorized: false })
    const warning = await warned
    expect(warning.message).toMatch(
      /^KAFKA_SSL_REJECT_UNAUTHORIZED is false: the Kafka brokers' certificates are NOT verified/,
    )
  })
})

describe('MySQL TLS', () => {
  it('turns on certificate-verifying TLS from the file, env or flag', () => {
    expect(mysqlEndpoint(settings({ mysql: { ssl: true } })).ssl).toEqual({ rejectUnauthorized: true })
    expect(mysqlEndpoint(loadSettings({}, { MYSQL_SSL: '1' })).ssl).toEqual({ rejectUnauthorized: true })
    expect(mysqlEndpoint(loadSettings({ 'mysql-ssl': true }, {})).ssl).toEqual({ rejectUnauthorized: true })
    expect(mysqlEndpoint(loadSettings({}, {})).ssl).toBeUndefined()
  })
})
