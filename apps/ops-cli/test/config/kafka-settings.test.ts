// The Kafka section of the CLI's configuration: the shipper's `kafka` shape from the file,
// overridden by env and flags; secrets from env or file, never in an error.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { makeTlsFiles } from '@sync/test-kit'
import { afterAll, describe, expect, it } from 'vitest'
import type { FlagValues } from '../../src/cli/command.ts'
import { kafkaClientOptions, kafkaSecrets, loadSettings, mysqlEndpoint } from '../../src/config.ts'
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

describe('Kafka TLS from flags', () => {
  const tls = makeTlsFiles()
  afterAll(() => tls.remove())
  const pem = (path: string) => readFileSync(path, 'utf8')

  it('sets each field from its --kafka-ssl-* flag, the passphrase from a file or a named variable', () => {
    const passFile = file('flag-key-pass', `${tls.passphrase}\n`)
    const flags = {
      'kafka-ssl-ca-file': tls.ca,
      'kafka-ssl-cert-file': tls.clientCert,
      'kafka-ssl-key-file': tls.clientKey,
      'kafka-ssl-servername': 'kafka.internal',
    }
    const ssl = kafkaClientOptions(
      loadSettings({ ...flags, 'kafka-ssl-key-passphrase-file': passFile }, { KAFKA_BROKERS: 'k:1' }),
    ).ssl
    expect(ssl).toEqual({
      rejectUnauthorized: true,
      ca: pem(tls.ca),
      cert: pem(tls.clientCert),
      key: pem(tls.clientKey),
      passphrase: tls.passphrase,
      servername: 'kafka.internal',
    })
    const fromNamedEnv = kafkaClientOptions(
      loadSettings(
        { ...flags, 'kafka-ssl-key-passphrase-env': 'MY_KEY_PASS' },
        { KAFKA_BROKERS: 'k:1', MY_KEY_PASS: tls.passphrase },
      ),
    ).ssl as Record<string, unknown>
    expect(fromNamedEnv.passphrase).toBe(tls.passphrase)
  })

  it('ranks each flag over its variable, and the variable over the config file', () => {
    const config = {
      kafka: {
        brokers: ['k:1'],
        ssl: {
          caFile: join(dir, 'file-ca.pem'),
          certFile: tls.clientCert,
          keyFile: tls.clientKey,
          passphrase: 'wrong-from-file',
          servername: 'file.internal',
          rejectUnauthorized: false,
        },
      },
    }
    const env = {
      KAFKA_SSL_CA_FILE: join(dir, 'env-ca.pem'),
      KAFKA_SSL_KEY_PASSPHRASE: 'wrong-from-env',
      KAFKA_SSL_SERVERNAME: 'env.internal',
      KAFKA_SSL_REJECT_UNAUTHORIZED: 'false',
    }
    const ssl = kafkaClientOptions(
      settings(config, env, {
        'kafka-ssl-ca-file': tls.ca,
        'kafka-ssl-key-passphrase-file': file('rank-key-pass', tls.passphrase),
        'kafka-ssl-servername': 'flag.internal',
        'kafka-ssl-reject-unauthorized': 'true',
      }),
    ).ssl as Record<string, unknown>
    expect(ssl).toMatchObject({
      ca: pem(tls.ca),
      passphrase: tls.passphrase,
      servername: 'flag.internal',
      rejectUnauthorized: true,
    })
    // without the flags, the variables win over the file (the env CA does not exist: named)
    const envOverFile = failure(() => kafkaClientOptions(settings(config, env)))
    expect(envOverFile.message).toBe(`KAFKA_SSL_CA_FILE: cannot read ${join(dir, 'env-ca.pem')}: ENOENT`)
    const fromEnv = kafkaClientOptions(
      settings(config, { ...env, KAFKA_SSL_CA_FILE: tls.ca, KAFKA_SSL_KEY_PASSPHRASE: tls.passphrase }),
    ).ssl as Record<string, unknown>
    expect(fromEnv).toMatchObject({ servername: 'env.internal', rejectUnauthorized: false })
    // and a field no flag or variable sets keeps the file's value
    const fromFile = kafkaClientOptions(
      settings(config, { KAFKA_SSL_CA_FILE: tls.ca, KAFKA_SSL_KEY_PASSPHRASE: tls.passphrase }),
    ).ssl as Record<string, unknown>
    expect(fromFile).toMatchObject({ servername: 'file.internal', rejectUnauthorized: false })
  })

  it('turns TLS on from a flag even when KAFKA_SSL=false, as a flag outranks the environment', () => {
    const ssl = kafkaClientOptions(
      loadSettings({ 'kafka-ssl-ca-file': tls.ca }, { KAFKA_BROKERS: 'k:1', KAFKA_SSL: 'false' }),
    ).ssl
    expect(ssl).toEqual({ rejectUnauthorized: true, ca: pem(tls.ca) })
    expect(
      kafkaClientOptions(
        loadSettings({}, { KAFKA_BROKERS: 'k:1', KAFKA_SSL: 'false', KAFKA_SSL_CA_FILE: tls.ca }),
      ).ssl,
    ).toBeUndefined()
  })

  it('names the flag in every error, never the passphrase or the key', () => {
    const missing = join(dir, 'missing-flag-ca.pem')
    expect(
      failure(() =>
        kafkaClientOptions(loadSettings({ 'kafka-ssl-ca-file': missing }, { KAFKA_BROKERS: 'k:1' })),
      ).message,
    ).toBe(`--kafka-ssl-ca-file: cannot read ${missing}: ENOENT`)
    const verify = failure(() =>
      kafkaClientOptions(
        loadSettings({ 'kafka-ssl-reject-unauthorized': 'maybe' }, { KAFKA_BROKERS: 'k:1' }),
      ),
    )
    expect(verify.code).toBe('OPS_CONFIG')
    expect(verify.message).toBe('--kafka-ssl-reject-unauthorized must be true or false, received "maybe"')
    const lonelyCert = failure(() =>
      kafkaClientOptions(loadSettings({ 'kafka-ssl-cert-file': tls.clientCert }, { KAFKA_BROKERS: 'k:1' })),
    )
    // the missing field has no source yet, so it is named as in the config file
    expect(lonelyCert.message).toBe('kafka.ssl.keyFile is required with --kafka-ssl-cert-file')
    const noVariable = failure(() =>
      kafkaClientOptions(
        loadSettings(
          {
            'kafka-ssl-cert-file': tls.clientCert,
            'kafka-ssl-key-file': tls.clientKey,
            'kafka-ssl-key-passphrase-env': 'UNSET_KEY_PASS',
          },
          { KAFKA_BROKERS: 'k:1' },
        ),
      ),
    )
    expect(noVariable.message).toBe(
      '--kafka-ssl-key-passphrase-env: environment variable UNSET_KEY_PASS is not set',
    )
    const wrongPass = failure(() =>
      kafkaClientOptions(
        loadSettings(
          {
            'kafka-ssl-cert-file': tls.clientCert,
            'kafka-ssl-key-file': tls.clientKey,
            'kafka-ssl-key-passphrase-file': file('wrong-key-pass', 'wrong-flag-passphrase-not-shown'),
          },
          { KAFKA_BROKERS: 'k:1', KAFKA_SSL_KEY_PASSPHRASE: tls.passphrase },
        ),
      ),
    )
    expect(wrongPass.message).toMatch(
      /^kafka\.ssl: the TLS files cannot be used together \(--kafka-ssl-cert-file .*, --kafka-ssl-key-file .*, --kafka-ssl-key-passphrase-file\): /,
    )
    for (const shown of ['wrong-flag-passphrase-not-shown', tls.passphrase, 'PRIVATE KEY'])
      expect(wrongPass.message).not.toContain(shown)
  })

  it('warns naming the flag when it turns verification off', async () => {
    // collected, not awaited once: an earlier test's file setting may warn on the same tick
    const warnings: string[] = []
    const onWarning = (w: Error) => warnings.push(w.message)
    process.on('warning', onWarning)
    try {
      const ssl = kafkaClientOptions(
        loadSettings(
          { 'kafka-ssl-reject-unauthorized': 'false' },
          { KAFKA_BROKERS: 'k:1', KAFKA_SSL_REJECT_UNAUTHORIZED: 'true' },
        ),
      ).ssl
      expect(ssl).toEqual({ rejectUnauthorized: false })
      await new Promise((resolve) => setImmediate(resolve))
    } finally {
      process.off('warning', onWarning)
    }
    expect(warnings.filter((w) => w.startsWith('--kafka-ssl-reject-unauthorized is false: '))).toHaveLength(1)
  })

  it("lists the SASL password, the client key and its passphrase as the output's secrets", () => {
    const options = kafkaClientOptions(
      loadSettings(
        {
          'kafka-ssl-cert-file': tls.clientCert,
          'kafka-ssl-key-file': tls.clientKey,
          'kafka-ssl-key-passphrase-env': 'MY_KEY_PASS',
        },
        {
          KAFKA_BROKERS: 'k:1',
          MY_KEY_PASS: tls.passphrase,
          KAFKA_SASL_USERNAME: 'u',
          KAFKA_SASL_PASSWORD: 'sasl-pw',
        },
      ),
    )
    expect(kafkaSecrets(options).sort()).toEqual(['sasl-pw', tls.passphrase, pem(tls.clientKey)].sort())
    expect(kafkaSecrets({ brokers: ['k:1'], ssl: true })).toEqual([])
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
