// kafka.ssl with a private CA and a client certificate reaches the sinker's kafkajs client:
// against a TLS listener with the test CA's broker certificate (the stack's broker speaks no
// TLS), the sinker verifies it, presents its client certificate and sends a Kafka request in
// the tunnel. rejectUnauthorized: false is logged as a warning when the sinker starts.
import { createJsonLogger } from '@sync/service-kit'
import { makeTlsFiles, mysqlOptions, startTlsListener, type TlsFiles, waitFor } from '@sync/test-kit'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { composeSinker } from '../../src/compose.ts'
import { buildConfig } from '../../src/config.ts'

let files: TlsFiles
beforeAll(() => {
  files = makeTlsFiles()
})
afterAll(() => files?.remove())

function configFor(broker: string, ssl: unknown) {
  const my = mysqlOptions('admin')
  const r = buildConfig(
    {
      kafka: { brokers: [broker], groupId: 'tls-test', topics: ['tls-test'], ssl },
      key: 'ab'.repeat(32),
      target: {
        kind: 'mysql',
        host: my.host,
        port: my.port,
        user: my.user,
        password: my.password,
        database: 'mysql',
      },
      deadLetterTopic: 'tls-test-dlq',
      ops: { port: 0, host: '127.0.0.1' },
    },
    { KEY_PASS: files.passphrase },
  )
  if (!r.ok) throw new Error(r.errors.join('\n'))
  return r.config
}

describe('the sinker over Kafka TLS', () => {
  it('verifies the broker against the private CA and presents the client certificate', async () => {
    const listener = await startTlsListener(files)
    const config = configFor(listener.broker, {
      caFile: files.ca,
      certFile: files.clientCert,
      keyFile: files.clientKey,
      passphrase: { env: 'KEY_PASS' },
    })
    const app = await composeSinker(config, { logger: createJsonLogger({ level: 'silent' }), ops: false })
    // start() keeps retrying the broker that hangs up: it is not awaited
    const started = app.start().catch(() => {})
    try {
      await waitFor(() => listener.seen.length > 0, { what: 'a TLS connection', timeoutMs: 20_000 })
    } finally {
      await app.stop(3000).catch(() => {})
      await started
    }
    const first = listener.seen[0]!
    expect({ authorized: first.authorized, clientCn: first.clientCn }).toEqual({
      authorized: true,
      clientCn: 'client',
    })
    expect(first.firstBytes.readInt16BE(4)).toBe(18)
  })

  it('logs a warning at start when the brokers are not verified', async () => {
    const lines: string[] = []
    const config = configFor('127.0.0.1:1', { rejectUnauthorized: false })
    const app = await composeSinker(config, {
      logger: createJsonLogger({ level: 'info', write: (l) => lines.push(l) }),
      ops: false,
    })
    await app.stop(1000).catch(() => {})
    const warning = lines
      .map((l) => JSON.parse(l) as { level: string; msg: string })
      .find((l) => l.level === 'warn')
    expect(warning?.msg).toMatch(
      /^kafka\.ssl\.rejectUnauthorized is false: the Kafka brokers' certificates are NOT verified/,
    )
  })
})
