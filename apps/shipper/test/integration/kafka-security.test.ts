// Kafka TLS and SASL settings reach the shipper's Kafka connections. The stack's mock
// broker speaks neither, so: TLS is checked at the wire (a TCP listener records what the
// shipper's client sends first: a TLS ClientHello with kafka.ssl on, a Kafka ApiVersions
// request with it off; a TLS listener with a private CA's certificate sees the client
// certificate and an ApiVersions request inside the tunnel, also from the worker thread); SASL against the stack's broker, which refuses the SaslHandshake
// request a plain client never sends, and the SASL password (read from a file) appears in
// no log line at debug level, nor in /healthz or /metrics.

import { writeFile } from 'node:fs/promises'
import { createServer, type Socket } from 'node:net'
import { join } from 'node:path'
import { createJsonLogger } from '@sync/service-kit'
import {
  createTestDatabase,
  createTestTopic,
  makeTlsFiles,
  registerCleanup,
  startTlsListener,
  waitFor,
} from '@sync/test-kit'
import { describe, expect, it } from 'vitest'
import { startShipper } from '../../src/compose.ts'
import { parseConfig } from '../../src/config.ts'
import { newKey, stackConfig, tempDir, writeRule } from './helpers.ts'
import { spawnShipper, writeConfig } from './process-helpers.ts'

/** A database with one captured table and its rule: every insert makes the shipper send. */
async function capturedTable(prefix: string) {
  const db = await createTestDatabase(prefix)
  const topic = await createTestTopic('sec', 1)
  const rulesDir = await tempDir('rules')
  await writeRule(rulesDir, 'a.json', {
    key: `${db.name}.a`,
    topic,
    need_table: false,
    complete_regex: true,
    regex: '',
    column_mapping: { id: 'id' },
  })
  await db.query('CREATE TABLE a (id INT PRIMARY KEY)')
  return { db, rulesDir }
}

/** A TCP listener that keeps the first bytes each connection sends, then hangs up. */
async function firstBytesListener() {
  const seen: Buffer[] = []
  const sockets = new Set<Socket>()
  const server = createServer((socket) => {
    sockets.add(socket)
    socket.once('data', (chunk) => {
      seen.push(chunk)
      socket.destroy()
    })
    socket.on('error', () => {})
    socket.on('close', () => sockets.delete(socket))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  registerCleanup(async () => {
    for (const s of sockets) s.destroy()
    await new Promise((resolve) => server.close(resolve))
  })
  return { broker: `127.0.0.1:${(server.address() as { port: number }).port}`, seen }
}

describe('Kafka TLS and SASL', () => {
  it.each([
    [true, 'a TLS ClientHello'],
    [false, 'a plain Kafka ApiVersions request'],
  ])('kafka.ssl %s: the first bytes on the wire are %s', async (ssl) => {
    const { db, rulesDir } = await capturedTable('ship_tls')
    const listener = await firstBytesListener()
    const raw = stackConfig({ rulesDir, checkpointDir: await tempDir('cp'), key: newKey() })
    raw.kafka = { brokers: [listener.broker], clientId: 'tls-test', ssl, connectionTimeoutMs: 1000 }
    const parsed = parseConfig(raw, {}, '/')
    if (!parsed.ok) throw new Error(parsed.errors.join('\n'))
    const shipper = await startShipper(parsed.config, {
      log: createJsonLogger({ level: 'silent' }),
      opsServer: false,
      retry: { initialDelayMs: 200, maxDelayMs: 1000 },
    })
    registerCleanup(() => shipper.stop(3000).then(() => undefined))
    await waitFor(() => shipper.health().checks['source:src1']?.ok, {
      what: 'source running',
      timeoutMs: 20_000,
    })
    await db.query('INSERT INTO a VALUES (1)')
    await waitFor(() => listener.seen.length > 0, { what: 'a connection to the broker' })
    const first = listener.seen[0] as Buffer
    if (ssl) {
      // TLS record: content type 22 (handshake), version 3.x, then handshake type 1 (ClientHello)
      expect([first[0], first[1], first[5]]).toEqual([0x16, 0x03, 0x01])
    } else {
      // Kafka request: int32 size, int16 api key 18 (ApiVersions)
      expect(first.readInt32BE(0)).toBe(first.length - 4)
      expect(first.readInt16BE(4)).toBe(18)
    }
    await waitFor(() => shipper.health().checks.kafka?.ok === false, { what: 'kafka unhealthy' })
  })

  it.each([false, true])(
    'kafka.ssl with a private CA and a client certificate, kafka.worker %s: verified, with the certificate, Kafka inside',
    async (worker) => {
      const { db, rulesDir } = await capturedTable('ship_ptls')
      const tls = makeTlsFiles()
      registerCleanup(() => tls.remove())
      const listener = await startTlsListener(tls)
      const raw = stackConfig({ rulesDir, checkpointDir: await tempDir('cp'), key: newKey() })
      raw.kafka = {
        brokers: [listener.broker],
        clientId: 'tls-test',
        worker,
        connectionTimeoutMs: 1000,
        ssl: {
          caFile: tls.ca,
          certFile: tls.clientCert,
          keyFile: tls.clientKey,
          passphrase: { env: 'KEY_PASS' },
        },
      }
      const parsed = parseConfig(raw, { KEY_PASS: tls.passphrase }, '/')
      if (!parsed.ok) throw new Error(parsed.errors.join('\n'))
      const shipper = await startShipper(parsed.config, {
        log: createJsonLogger({ level: 'silent' }),
        opsServer: false,
        retry: { initialDelayMs: 200, maxDelayMs: 1000 },
      })
      registerCleanup(() => shipper.stop(3000).then(() => undefined))
      await waitFor(() => shipper.health().checks['source:src1']?.ok, {
        what: 'source running',
        timeoutMs: 20_000,
      })
      await db.query('INSERT INTO a VALUES (1)')
      await waitFor(() => listener.seen.length > 0, {
        what: 'a TLS connection to the broker',
        timeoutMs: 20_000,
      })
      const first = listener.seen[0]!
      expect({ authorized: first.authorized, clientCn: first.clientCn }).toEqual({
        authorized: true,
        clientCn: 'client',
      })
      // the decrypted first request: int32 size, int16 api key 18 (ApiVersions)
      expect(first.firstBytes.readInt16BE(4)).toBe(18)
    },
  )

  it('uses SASL from the config with the password in a file, and never prints the password', async () => {
    const { db, rulesDir } = await capturedTable('ship_sasl')
    const dir = await tempDir('sasl')
    const password = `sasl-pw-${process.pid}-never-shown`
    await writeFile(join(dir, 'kafka-password'), `${password}\n`)
    const raw = stackConfig({
      rulesDir,
      checkpointDir: dir,
      key: newKey(),
      extra: { log: { level: 'debug' } },
    })
    raw.kafka = {
      ...(raw.kafka as object),
      sasl: { mechanism: 'scram-sha-256', username: 'sync', password: { file: join(dir, 'kafka-password') } },
    }
    const child = spawnShipper(['--config', await writeConfig(dir, raw)])
    try {
      const port = await waitFor(
        () => {
          const line = child
            .output()
            .split('\n')
            .find((l) => l.includes('"msg":"ops server listening"'))
          return line === undefined ? undefined : (JSON.parse(line) as { port: number }).port
        },
        { what: 'the ops server', timeoutMs: 20_000 },
      )
      await waitFor(() => child.output().includes('"msg":"source starting"'), { what: 'source starting' })
      await new Promise((r) => setTimeout(r, 1000))
      await db.query('INSERT INTO a VALUES (1)')
      const health = await waitFor(
        async () => {
          const h = (await (await fetch(`http://127.0.0.1:${port}/healthz`)).json()) as {
            checks: Record<string, { ok: boolean; detail: string }>
          }
          return h.checks.kafka?.ok === false ? h : undefined
        },
        { what: 'kafka unhealthy', timeoutMs: 20_000 },
      )
      // the broker refuses the SASL handshake request: SASL was on
      expect(health.checks.kafka?.detail).toMatch(
        /failed sends, last: .*does not support the requested API version/,
      )
      const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text()
      expect(metrics).toMatch(/sync_shipper_kafka_send_failures_total\{source="src1"\} [1-9]/)
      for (const text of [child.output(), JSON.stringify(health), metrics])
        expect(text).not.toContain(password)
      expect(child.output()).toContain('kafka send failed; retrying the batch')
    } finally {
      child.proc.kill('SIGTERM')
      await child.exited
    }
  })
})
