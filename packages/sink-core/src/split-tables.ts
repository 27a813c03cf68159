// The snapshot gate works per process: the batch and stream partitions of a table must all
// be consumed by this member. Warns when the group assignment split them (partitions
// assigned elsewhere are not waited for, so the handoff is not guaranteed for that table).
import type { SinkLogger } from './types.ts'

export async function warnSplitTables(o: {
  mine: Readonly<Record<string, number[]>>
  topicToTable: Readonly<Record<string, string>>
  subscribed: (topic: string) => boolean
  partitionCount: (topic: string) => Promise<number>
  logger: SinkLogger
}): Promise<void> {
  const byTable = new Map<string, string[]>()
  for (const [t, table] of Object.entries(o.topicToTable))
    if (o.subscribed(t)) byTable.set(table, [...(byTable.get(table) ?? []), t])
  for (const [table, topics] of byTable) {
    if (topics.length < 2 || !topics.some((t) => (o.mine[t]?.length ?? 0) > 0)) continue
    try {
      const missing: string[] = []
      for (const t of topics) {
        const n = await o.partitionCount(t)
        for (let p = 0; p < n; p++) if (!o.mine[t]?.includes(p)) missing.push(`${t}-${p}`)
      }
      if (missing.length > 0)
        o.logger.warn(
          'the consumer group split the topics of a table: the snapshot/stream handoff is not guaranteed for it',
          { table, topics, notAssignedHere: missing },
        )
    } catch (err) {
      o.logger.warn('could not check the assignment of a table', { table, error: err })
    }
  }
}
