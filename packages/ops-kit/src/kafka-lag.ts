// Consumer-group lag per topic and partition: the group's committed offset against the
// partition's high watermark (kafkajs admin fetchOffsets + fetchTopicOffsets).
import type { Admin } from 'kafkajs'

export interface PartitionLag {
  group: string
  topic: string
  partition: number
  committed: number | null
  high: number
  low: number
  /** Messages not yet consumed; from the low watermark when nothing is committed. */
  lag: number
}

export async function groupLag(
  admin: Admin,
  group: string,
  topics?: readonly string[],
): Promise<PartitionLag[]> {
  const offsets = await admin.fetchOffsets({
    groupId: group,
    ...(topics && topics.length > 0 ? { topics: [...topics] } : {}),
  })
  const out: PartitionLag[] = []
  for (const t of offsets) {
    const watermarks = await admin.fetchTopicOffsets(t.topic)
    for (const p of t.partitions) {
      const w = watermarks.find((x) => x.partition === p.partition)
      const high = Number(w?.high ?? 0)
      const low = Number(w?.low ?? 0)
      const committed = p.offset === '-1' || p.offset === '' ? null : Number(p.offset)
      out.push({
        group,
        topic: t.topic,
        partition: p.partition,
        committed,
        high,
        low,
        lag: Math.max(0, high - (committed ?? low)),
      })
    }
  }
  return out.sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition)
}
