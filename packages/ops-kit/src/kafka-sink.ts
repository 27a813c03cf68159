// The snapshot loader's sink over a kafkajs producer: acks from all in-sync replicas, no
// idempotent producer (the local mock cluster has no controller; see the README).
import type { Admin, Producer } from 'kafkajs'

export interface SinkMessage {
  key: string
  value: string
  headers: Record<string, string>
  partition?: number
}

export function createKafkaSink(producer: Producer, admin: Admin) {
  const partitions = new Map<string, number>()
  return {
    async send(topic: string, messages: SinkMessage[]): Promise<void> {
      await producer.send({
        topic,
        acks: -1,
        messages: messages.map((m) => ({
          key: m.key,
          value: m.value,
          headers: m.headers,
          ...(m.partition === undefined ? {} : { partition: m.partition }),
        })),
      })
    },
    async partitionCount(topic: string): Promise<number> {
      const known = partitions.get(topic)
      if (known !== undefined) return known
      const meta = await admin.fetchTopicMetadata({ topics: [topic] })
      const n = meta.topics[0]?.partitions.length ?? 0
      partitions.set(topic, n)
      return n
    },
  }
}
