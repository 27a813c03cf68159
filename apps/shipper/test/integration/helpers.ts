// Shared set-up for the shipper's stack tests: a unique database, rule directory, topics
// and key per test, a shipper config pointing at them, and a Kafka reader that decrypts
// with the envelope and decodes with the change-message decoder (the sinker's side).

import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createChangeDecoder, type DecodedChange } from '@sync/change-message'
import { createEnvelopeCipher, generateKey } from '@sync/crypto-envelope'
import { createTestKafka, kafkaBrokers, readStackEnv, registerCleanup, uniqueName } from '@sync/test-kit'

export interface ShippedMessage {
  topic: string
  partition: number
  offset: string
  key: string
  change: DecodedChange
  /** The value opened directly with the envelope cipher (independent of the decoder). */
  plaintext: string
}

export async function tempDir(prefix: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), `${prefix}-`))
  registerCleanup(() => rm(dir, { recursive: true, force: true }))
  return dir
}

export async function writeRule(dir: string, file: string, rule: unknown): Promise<void> {
  await writeFile(join(dir, file), JSON.stringify(rule, null, 2))
}

let serverIdSeq = 0
/** A replica id unlikely to clash with other tests running against the same server. */
export function uniqueServerId(): number {
  serverIdSeq += 1
  return 100_000 + ((process.pid * 97 + serverIdSeq * 7919 + Math.floor(Math.random() * 1e6)) % 4_000_000_000)
}

export interface ConfigParts {
  rulesDir: string
  checkpointDir: string
  key: string
  format?: 'seed' | 'debezium'
  serverId?: number
  sources?: unknown[]
  extra?: Record<string, unknown>
}

/** A raw config object (as the JSON file would hold) for the local stack. */
export function stackConfig(p: ConfigParts): Record<string, unknown> {
  const env = readStackEnv()
  return {
    sources: p.sources ?? [
      {
        id: 'src1',
        host: env.mysql.host,
        port: env.mysql.port,
        user: env.mysqlRepl.user,
        password: env.mysqlRepl.password,
        serverId: p.serverId ?? uniqueServerId(),
        start: 'now',
      },
    ],
    rulesDir: p.rulesDir,
    kafka: { brokers: kafkaBrokers(), clientId: uniqueName('shipper') },
    encryption: { key: p.key },
    format: p.format ?? 'seed',
    checkpoint: { dir: p.checkpointDir, intervalMs: 200 },
    metrics: { port: 0, host: '127.0.0.1' },
    log: { level: 'warn' },
    ...p.extra,
  }
}

export function newKey(): string {
  return generateKey(256)
}

/**
 * Reads `topics` from the beginning until `done(messages)` holds, decrypting every value
 * with `key`. Returns everything read, in partition order per partition.
 */
export async function readTopics(
  topics: string[],
  key: string,
  done: (messages: ShippedMessage[]) => boolean,
  timeoutMs = 40_000,
  /** Another cluster than the stack's (a private mock). */
  brokers?: string[],
): Promise<ShippedMessage[]> {
  const cipher = createEnvelopeCipher({ key })
  const decoder = createChangeDecoder({ cipher })
  const kafka = createTestKafka(brokers ? { brokers } : {})
  const consumer = kafka.consumer({ groupId: uniqueName('reader'), maxWaitTimeInMs: 100 })
  const out: ShippedMessage[] = []
  await consumer.connect()
  try {
    for (const topic of topics) await consumer.subscribe({ topic, fromBeginning: true })
    let resolveDone: () => void = () => {}
    const finished = new Promise<void>((r) => (resolveDone = r))
    await consumer.run({
      eachMessage: async ({ topic, partition, message }) => {
        out.push({
          topic,
          partition,
          offset: message.offset,
          key: message.key?.toString('utf8') ?? '',
          change: decoder.decode(
            { value: message.value, headers: message.headers as never },
            `${topic}-${partition}@${message.offset}`,
          ),
          plaintext: cipher.openToString(message.value as Buffer),
        })
        if (done(out)) resolveDone()
      },
    })
    let timer: ReturnType<typeof setTimeout> | undefined
    const timeout = new Promise<void>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new Error(
              `timed out after ${timeoutMs} ms reading ${topics.join(', ')}: got ${out.length} messages`,
            ),
          ),
        timeoutMs,
      )
    })
    await Promise.race([finished, timeout]).finally(() => clearTimeout(timer))
    return out
  } finally {
    await consumer.disconnect()
  }
}

/** Seconds of a metric family in Prometheus text, summed over the series matching `labels`. */
export function metricValue(text: string, name: string, labels: Record<string, string> = {}): number {
  let sum = 0
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue
    const m = /^([a-zA-Z0-9_:]+)(\{[^}]*\})? (\S+)$/.exec(line)
    if (!m || m[1] !== name) continue
    const ls = m[2] ?? ''
    if (Object.entries(labels).every(([k, v]) => ls.includes(`${k}="${v}"`))) sum += Number(m[3])
  }
  return sum
}
