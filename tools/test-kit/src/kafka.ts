import { createKafkaMockControl, type KafkaMockControl, readStackEnv } from '@sync/stack'
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
 */
export async function createTestTopic(prefix: string, partitions = 4): Promise<string> {
  const topic = uniqueName(prefix)
  const control = kafkaMockControl()
  if (control) {
    await control.createTopic(topic, partitions, 1)
    return topic
  }
  const admin = createTestKafka().admin()
  await admin.connect()
  try {
    await admin.createTopics({ topics: [{ topic, numPartitions: partitions }], waitForLeaders: true })
  } finally {
    await admin.disconnect()
  }
  registerCleanup(async () => {
    const a = createTestKafka().admin()
    await a.connect()
    await a.deleteTopics({ topics: [topic] }).finally(() => a.disconnect())
  })
  return topic
}
