// The sinker as an operator runs it: a bad configuration exits 2 naming the fields; a running
// sinker's /metrics shows bytes loaded, load latency, retries and dead letters with the values
// that happened; and its logs, at debug level through a retried load, never carry the
// StarRocks password (neither as text nor inside a Basic authorization header) or the key.
import { createChangeDecoder, readHeaders } from '@sync/change-message'
import { createTestTopic, waitFor } from '@sync/test-kit'
import { describe, expect, it } from 'vitest'
import {
  connectProducer,
  encoderFor,
  groupName,
  rawConfig,
  SR_PASSWORD,
  SR_USER,
  startEmulator,
  targetDatabase,
  testKey,
  upsert,
} from './harness.ts'
import { spawnSinker } from './process.ts'

describe('operations', () => {
  it('exits 2 on a bad configuration, one line per problem naming its field, no secret shown', async () => {
    const p = spawnSinker({
      kafka: { brokers: [], topics: ['ods.orders'] },
      key: 'not-hex-but-a-secret-value',
      target: { endpoints: ['127.0.0.1:1'], database: 'ods', user: 'loader', password: 'pw-never-shown' },
      flush: { rows: 0 },
      deadLetterTopic: 'ods.orders',
      bogus: true,
    })
    expect(await p.exited).toBe(2)
    const lines = p.output().trim().split('\n')
    expect(lines).toEqual(
      expect.arrayContaining([
        'config: config.bogus is not a known field',
        'config: kafka.brokers must be a list of non-empty strings, received []',
        'config: flush.rows must be an integer 1..4503599627370496, received 0',
        'config: deadLetterTopic must not be one of kafka.topics, received "ods.orders"',
      ]),
    )
    expect(lines.every((l) => l.startsWith('config: '))).toBe(true)
    expect(p.output()).not.toContain('pw-never-shown')
  })

  it('reports bytes, latency, retries and dead letters on /metrics, and never logs the password', async () => {
    const emu = await startEmulator()
    const database = await targetDatabase(emu)
    const { key, cipher } = testKey()
    const enc = encoderFor(cipher)
    const topic = await createTestTopic('sink-ops', 1)
    const dlq = await createTestTopic('sink-ops-dlq', 1)
    const producer = await connectProducer()
    const config = rawConfig({ emu, database, key, topics: [topic], dlq, groupId: groupName() })
    // one attempt per load in the client: the emulator's 503 becomes a batch retry
    config.target = { ...(config.target as object), maxAttempts: 1 }
    config.logLevel = 'debug'
    const messages = Array.from({ length: 6 }, (_, i) =>
      enc.encode(upsert({ id: i + 1, name: `n${i + 1}`, amount: `${i}.5000000000`, big: null, doc: null })),
    )
    // the bytes a load body holds: "[" + the rows' JSON joined by "," + "]"
    const decoder = createChangeDecoder({ cipher })
    const rowBytes = messages.reduce((n, m, i) => {
      const src = {
        topic,
        partition: 0,
        offset: String(i),
        key: Buffer.from(m.key),
        value: Buffer.from(m.value),
        headers: readHeaders(m.headers),
      }
      return n + Buffer.byteLength(decoder.decode(src).rowJson)
    }, 0)

    emu.setFault({ kind: 'http-error', status: 503, times: 1 })
    const p = spawnSinker(config)
    await producer.send({ topic, messages: [...messages, { key: '{"id":99}', value: 'not an envelope' }] })
    const port = await waitFor(() => p.opsPort(), { what: 'the ops port', timeoutMs: 30_000 })
    const metrics = () => fetch(`http://127.0.0.1:${port}/metrics`).then((r) => r.text())
    const value = (text: string, series: string) => {
      const line = text.split('\n').find((l) => l.startsWith(`${series} `))
      return line === undefined ? undefined : Number(line.slice(series.length + 1))
    }
    const orders = '{table="orders"}'
    await waitFor(
      async () =>
        value(await metrics(), `sync_sinker_rows_loaded_total${orders}`) === 6 &&
        value(await metrics(), 'sync_sinker_dead_letters_total{code="CM_DECRYPT"}') === 1,
      { what: 'six rows loaded and one dead letter', timeoutMs: 30_000 },
    ).catch((err) => {
      console.error(p.output().slice(-4000))
      throw err
    })
    const text = await metrics()
    const loads = value(text, `sync_sinker_loads_total${orders}`)!
    expect(loads).toBeGreaterThanOrEqual(1)
    expect(value(text, `sync_sinker_bytes_loaded_total${orders}`)).toBe(rowBytes + messages.length + loads)
    expect(value(text, `sync_sinker_load_seconds_count${orders}`)).toBe(loads)
    expect(value(text, `sync_sinker_load_seconds_sum${orders}`)).toBeGreaterThan(0)
    expect(value(text, `sync_sinker_batch_retries_total{topic="${topic}"}`)).toBe(1)
    // the emulator saw the 503 and then the loads: one applied load per label
    const applied = emu.loads.list.filter((l) => l.database === database)
    expect(applied.reduce((n, l) => n + l.rows, 0)).toBe(6)
    expect(applied.length).toBe(loads)

    p.child.kill('SIGTERM')
    expect(await p.exited).toBe(0)
    const out = p.output()
    // the group id is logged as groupId (it used to sit in a field named generation)
    const joined = out
      .split('\n')
      .filter((l) => l.includes('"joined the consumer group"'))
      .map((l) => JSON.parse(l) as Record<string, unknown>)
    expect(joined.length).toBeGreaterThanOrEqual(1)
    expect(joined[0]).toMatchObject({ groupId: (config.kafka as { groupId: string }).groupId })
    expect(joined[0]!.memberId).toEqual(expect.any(String))
    expect(joined[0]).not.toHaveProperty('generation')
    expect(joined[0]!.assignment).toEqual({ [topic]: [0] })
    // the logs did run at debug level and did report the retried load
    expect(out).toMatch(/"level":"debug"/)
    expect(out).toMatch(/batch flush failed, retrying/)
    expect(out).not.toContain(SR_PASSWORD)
    expect(out).not.toContain(Buffer.from(`${SR_USER}:${SR_PASSWORD}`).toString('base64'))
    expect(out).not.toContain(key)
  })
})
