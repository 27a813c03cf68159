import { mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  createKafkaMockControl,
  type KafkaMockControl,
  readStackEnv,
  stackFiles,
  startKafkaMock,
  stopKafkaMock,
} from '@sync/stack'
import { Kafka, type KafkaConfig, logLevel } from 'kafkajs'
import { registerCleanup } from './cleanup.ts'
import { uniqueName } from './names.ts'

export function kafkaBrokers(): string[] {
  return readStackEnv().kafka.brokers
}

/** A kafkajs client on the stack's brokers, quiet unless a test asks for logs. */
export function createTestKafka(config: Partial<KafkaConfig> = {}): Kafka {
  return new Kafka({
    clientId: uniqueName('test'),
    brokers: kafkaBrokers(),
    logLevel: logLevel.NOTHING,
    retry: { retries: 8, initialRetryTime: 100, maxRetryTime: 2_000 },
    ...config,
  })
}

/** The mock cluster's control channel, or undefined when KAFKA_BROKERS names a real Kafka. */
export function kafkaMockControl(): KafkaMockControl | undefined {
  const control = readStackEnv().kafka.control
  return control ? createKafkaMockControl(control) : undefined
}

/**
 * Creates a topic with a unique name. On the mock cluster it goes through the control
 * channel (the mock serves no CreateTopics); on a real Kafka through the admin API, and
 * it is deleted when the test finishes.
 *
 * On the mock the topic is left behind: librdkafka's mock (2.0.2) serves no DeleteTopics
 * and its header offers no way to delete a topic. Its topics live in the mock's memory
 * and go when the stack goes down; unique names keep tests apart meanwhile.
 *
 * `options.brokers` / `options.control` aim it at another cluster (a private mock).
 */
export async function createTestTopic(
  prefix: string,
  partitions = 4,
  options: { brokers?: string[]; control?: KafkaMockControl } = {},
): Promise<string> {
  const topic = uniqueName(prefix)
  const control = options.control ?? (options.brokers ? undefined : kafkaMockControl())
  if (control) {
    await control.createTopic(topic, partitions, 1)
    return topic
  }
  const kafkaConfig = options.brokers ? { brokers: options.brokers } : {}
  const admin = createTestKafka(kafkaConfig).admin()
  await admin.connect()
  try {
    await admin.createTopics({ topics: [{ topic, numPartitions: partitions }], waitForLeaders: true })
  } finally {
    await admin.disconnect()
  }
  registerCleanup(async () => {
    const a = createTestKafka(kafkaConfig).admin()
    await a.connect()
    await a.deleteTopics({ topics: [topic] }).finally(() => a.disconnect())
  })
  return topic
}

/**
 * A unique consumer group id on the stack's cluster. On a real Kafka the group is deleted
 * when the test finishes (its consumers must be disconnected by then; afterEach hooks run
 * first). On the mock it is left: the mock serves no DeleteGroups, and its groups live in
 * its memory, like its topics, until the stack goes down.
 */
export function createTestGroupId(prefix = 'g'): string {
  const groupId = uniqueName(prefix)
  if (kafkaMockControl()) return groupId
  registerCleanup(async () => {
    const admin = createTestKafka().admin()
    await admin.connect()
    try {
      await admin.deleteGroups([groupId])
    } catch (err) {
      // a group that never had a member (or has expired) is already gone
      const groups = (err as { groups?: Array<{ error?: { type?: string } }> }).groups
      if (!groups?.every((g) => g.error?.type === 'GROUP_ID_NOT_FOUND')) {
        throw new Error(`could not delete consumer group ${groupId}: ${(err as Error).message}`, {
          cause: err,
        })
      }
    } finally {
      await admin.disconnect()
    }
  })
  return groupId
}

export interface PrivateKafkaMock {
  /** The private cluster's bootstrap list. */
  brokers: string[]
  control: KafkaMockControl
  /** A kafkajs client on this cluster (same defaults as createTestKafka). */
  kafka(config?: Partial<KafkaConfig>): Kafka
  /** Creates a topic with a unique name on this cluster. */
  createTopic(prefix: string, partitions?: number): Promise<string>
  /** Stops the cluster and removes its files; safe to call twice. */
  stop(): Promise<void>
}

async function freeLoopbackPort(): Promise<number> {
  const srv = createServer()
  await new Promise<void>((resolve, reject) => {
    srv.once('error', reject)
    srv.listen(0, '127.0.0.1', resolve)
  })
  const { port } = srv.address() as { port: number }
  await new Promise((resolve) => srv.close(resolve))
  return port
}

/**
 * Starts a mock cluster of its own (same launcher as the stack's, own directory, own
 * control port) for tests that inject faults: a broker taken down, latency or request
 * errors on the shared cluster would hit every other test using it, and their requests
 * would consume errors pushed for this one. Stopped when the test finishes; from beforeAll,
 * call stop() in afterAll. Needs the stack's Debian packages (librdkafka-dev, gcc).
 */
export async function startPrivateKafkaMock(brokerCount = 3): Promise<PrivateKafkaMock> {
  const dir = mkdtempSync(join(tmpdir(), 'sync-kafka-mock-'))
  const files = stackFiles(dir)
  let brokers: string[]
  let controlPort = 0
  try {
    controlPort = await freeLoopbackPort()
    brokers = await startKafkaMock(files, { controlPort, brokers: brokerCount }, () => undefined)
  } catch (err) {
    await stopKafkaMock(files, () => undefined)
    rmSync(dir, { recursive: true, force: true })
    throw err
  }
  const control = createKafkaMockControl({ host: '127.0.0.1', port: controlPort })
  const stop = registerCleanup(async () => {
    await stopKafkaMock(files, () => undefined)
    rmSync(dir, { recursive: true, force: true })
  })
  return {
    brokers,
    control,
    kafka: (config = {}) => createTestKafka({ brokers, ...config }),
    createTopic: (prefix, partitions = 4) => createTestTopic(prefix, partitions, { brokers, control }),
    stop,
  }
}
