// TLS and SASL settings reach the Kafka clients of doctor, lag and snapshot. The stack's mock
// broker speaks neither, so a client that really uses them fails where a plain one succeeds;
// test-kit's TLS listener records the client certificate a client presents. The failure is one
// clear finding or line, and the SASL password, the TLS key and its passphrase never show.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createTestDatabase, kafkaBrokers, makeTlsFiles, startTlsListener } from '@sync/test-kit'
import { afterAll, describe, expect, it } from 'vitest'
import { seedRuleDir } from '../helpers/rules.ts'
import { runOps } from '../helpers/run.ts'
import { sourceEnv } from '../helpers/stack.ts'

const brokers = () => kafkaBrokers().join(',')
const password = 'sasl-pw-never-shown-42'

describe('Kafka TLS and SASL', () => {
  it('doctor reaches the plain broker, and fails with TLS on, naming the cluster', async () => {
    const plain = await runOps(['doctor', '--only', 'kafka', '--json'], { env: { KAFKA_BROKERS: brokers() } })
    expect(plain.code).toBe(0)
    const tls = await runOps(['doctor', '--only', 'kafka', '--kafka-ssl'], {
      env: { KAFKA_BROKERS: brokers() },
    })
    expect(tls.code).toBe(3)
    expect(tls.stdout).toMatch(/^FAIL kafka +connect: cannot reach Kafka at 127\.0\.0\.1:\d+/m)
  })

  it('doctor and lag use SASL from the config file with the password in a file, and never echo it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ops-sasl-'))
    writeFileSync(join(dir, 'pw'), `${password}\n`)
    const config = join(dir, 'ops.json')
    writeFileSync(
      config,
      JSON.stringify({
        kafka: {
          brokers: kafkaBrokers(),
          sasl: { mechanism: 'scram-sha-256', username: 'sync', password: { file: join(dir, 'pw') } },
        },
      }),
    )
    const doctor = await runOps(['doctor', '--only', 'kafka', '--config', config])
    expect(doctor.code).toBe(3)
    expect(doctor.stdout).toMatch(/^FAIL kafka +connect: Kafka at [\d.:,]+: \S/m)
    const lag = await runOps(['lag', '--group', 'g', '--config', config])
    expect(lag.code).toBe(1)
    expect(lag.stderr.trim().split('\n')).toHaveLength(1)
    expect(lag.stderr).toMatch(/^sync-ops lag: Kafka at 127\.0\.0\.1:\d+/)
    for (const r of [doctor, lag]) expect(r.stdout + r.stderr).not.toContain(password)
  })

  it('names a bad SASL field of the config file and exits 2', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ops-sasl-'))
    const config = join(dir, 'ops.json')
    writeFileSync(
      config,
      JSON.stringify({
        kafka: { brokers: ['k:1'], sasl: { mechanism: 'gssapi', username: 'u', password: password } },
      }),
    )
    const r = await runOps(['lag', '--group', 'g', '--config', config])
    expect(r.code).toBe(2)
    expect(r.stderr).toContain(
      'kafka.sasl.mechanism must be one of plain, scram-sha-256, scram-sha-512, received "gssapi"',
    )
    expect(r.stderr).not.toContain(password)
  })
})

describe('Kafka TLS from the --kafka-ssl-* flags', () => {
  const tls = makeTlsFiles()
  afterAll(() => tls.remove())
  const passFile = join(tls.dir, 'key-pass')
  writeFileSync(passFile, `${tls.passphrase}\n`)
  const flags = (broker: string) => [
    '--brokers',
    broker,
    '--kafka-ssl-ca-file',
    tls.ca,
    '--kafka-ssl-cert-file',
    tls.clientCert,
    '--kafka-ssl-key-file',
    tls.clientKey,
    '--kafka-ssl-key-passphrase-file',
    passFile,
  ]
  const secrets = () => [tls.passphrase, readFileSync(tls.clientKey, 'utf8'), 'PRIVATE KEY']

  it('doctor and lag verify the broker with the CA and present the client certificate', async () => {
    const listener = await startTlsListener(tls)
    const doctor = await runOps(['doctor', '--only', 'kafka', ...flags(listener.broker)])
    expect(doctor.code).toBe(3)
    expect(doctor.stdout).toMatch(/^FAIL kafka +connect: Kafka at localhost:\d+: /m)
    const afterDoctor = listener.seen.length
    expect(afterDoctor).toBeGreaterThan(0)
    const lag = await runOps(['lag', '--group', 'g', ...flags(listener.broker)])
    expect(lag.code).toBe(1)
    expect(lag.stderr).toMatch(/^sync-ops lag: Kafka at localhost:\d+: /)
    expect(listener.seen.length).toBeGreaterThan(afterDoctor)
    // each handshake completed: the CA verified the broker, the key opened with the passphrase
    expect(listener.seen.map((c) => [c.authorized, c.clientCn])).toEqual(
      listener.seen.map(() => [true, 'client']),
    )
    for (const r of [doctor, lag]) for (const x of secrets()) expect(r.stdout + r.stderr).not.toContain(x)
  })

  // A server's error can echo a secret; here the name the client checks the broker's
  // certificate against is set to the passphrase, and the TLS error quotes it. Each command
  // that builds a Kafka client must have registered the passphrase for blanking.
  it('doctor, lag and snapshot blank the passphrase in an error that quotes it', async () => {
    const listener = await startTlsListener(tls)
    const echo = [...flags(listener.broker), '--kafka-ssl-servername', tls.passphrase]
    const doctor = await runOps(['doctor', '--only', 'kafka', ...echo])
    const lag = await runOps(['lag', '--group', 'g', ...echo])
    const db = await createTestDatabase('snaptls')
    await db.query('CREATE TABLE items (id INT PRIMARY KEY)')
    await db.query('INSERT INTO items VALUES (1), (2)')
    const rules = seedRuleDir(
      {
        key: 'items',
        topic: `${db.name}_stream`,
        needTable: true,
        regex: `${db.name}\\.items`,
        columns: { id: 'id' },
      },
      'ops-tls-rules-',
    )
    const state = join(mkdtempSync(join(tmpdir(), 'ops-tls-state-')), 'state.json')
    const snapshot = (placement: string[]) =>
      runOps(
        [
          'snapshot',
          '--rules',
          rules,
          '--table',
          `${db.name}.items`,
          '--state',
          state,
          ...echo,
          ...placement,
        ],
        {
          env: { ...sourceEnv(), SYNC_ENVELOPE_KEY: 'ab'.repeat(32) },
        },
      )
    const onWorker = await snapshot([])
    const onLoader = await snapshot(['--no-kafka-worker'])
    expect([doctor.code, lag.code, onWorker.code, onLoader.code]).toEqual([3, 1, 1, 1])
    for (const r of [doctor, lag, onWorker, onLoader]) {
      expect(r.stdout + r.stderr).toMatch(/Host: \[redacted\]\. is not in the cert's altnames/)
      for (const x of secrets()) expect(r.stdout + r.stderr).not.toContain(x)
    }
  })

  it('a wrong passphrase or a key file that is not a key stops the command with exit 2, naming the flag', async () => {
    const wrong = join(tls.dir, 'wrong-pass')
    writeFileSync(wrong, 'wrong-passphrase-never-shown\n')
    const wrongPass = await runOps([
      'lag',
      '--group',
      'g',
      ...flags('localhost:1'),
      '--kafka-ssl-key-passphrase-file',
      wrong,
    ])
    expect(wrongPass.code).toBe(2)
    expect(wrongPass.stderr).toMatch(
      /^sync-ops lag: kafka\.ssl: the TLS files cannot be used together \(--kafka-ssl-ca-file \S+, --kafka-ssl-cert-file \S+, --kafka-ssl-key-file \S+, --kafka-ssl-key-passphrase-file\): \S/,
    )
    // the passphrase file given as the key: its content (the passphrase) is never quoted
    const notAKey = await runOps([
      'doctor',
      '--only',
      'kafka',
      ...flags('localhost:1'),
      '--kafka-ssl-key-file',
      passFile,
    ])
    expect(notAKey.code).toBe(2)
    expect(notAKey.stderr).toBe(
      `sync-ops doctor: --kafka-ssl-key-file: ${passFile} is not a PEM file (no "-----BEGIN" line)\n`,
    )
    for (const r of [wrongPass, notAKey]) {
      expect(r.stdout).toBe('')
      for (const x of [...secrets(), 'wrong-passphrase-never-shown']) expect(r.stderr).not.toContain(x)
    }
  })
})
