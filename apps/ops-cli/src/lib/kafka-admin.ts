// A quiet kafkajs admin client with short retries, so an unreachable cluster fails fast.
import { type Admin, Kafka, logLevel } from 'kafkajs'
import { against } from './describe-error.ts'

export async function withKafkaAdmin<T>(brokers: string[], fn: (admin: Admin) => Promise<T>): Promise<T> {
  const target = `Kafka at ${brokers.join(',')}`
  const kafka = new Kafka({
    clientId: 'sync-ops',
    brokers,
    logLevel: logLevel.NOTHING,
    connectionTimeout: 5_000,
    requestTimeout: 15_000,
    retry: { retries: 2, initialRetryTime: 200, maxRetryTime: 1_000 },
  })
  const admin = kafka.admin()
  await against(target, () => admin.connect())
  try {
    return await against(target, () => fn(admin))
  } finally {
    await admin.disconnect().catch(() => {})
  }
}
