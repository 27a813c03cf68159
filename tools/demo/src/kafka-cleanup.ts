// Deleting a run's topics and consumer groups when it ends (unless --keep).
//
// kafkajs sends DeleteTopics to the controller and DeleteGroups to each group's coordinator.
// librdkafka's mock cluster names a controller that is none of its brokers (node 0 of 1..3)
// and serves no DeleteGroups, so there nothing can be deleted: its topics and groups live in
// its memory until the stack goes down. That is detected from the cluster metadata, not
// from an address, so a mock named through KAFKA_BROKERS is recognised too.

/** The part of a kafkajs Admin this needs. */
export interface CleanupAdmin {
  describeCluster(): Promise<{ brokers: Array<{ nodeId: number }>; controller: number | null }>
  listTopics(): Promise<string[]>
  deleteTopics(request: { topics: string[]; timeout?: number }): Promise<void>
  listGroups(): Promise<{ groups: Array<{ groupId: string }> }>
  deleteGroups(groupIds: string[]): Promise<unknown>
}

export interface KafkaCleanupResult {
  /** False when the cluster cannot delete (no controller among its brokers): nothing was tried. */
  supported: boolean
  topicsDeleted: string[]
  groupsDeleted: string[]
  /** What could not be deleted, one line each. */
  failures: string[]
}

export interface KafkaCleanupOptions {
  topics: readonly string[]
  groups: readonly string[]
  /** How long a group that still has members is retried (its members' session timeout). */
  groupWaitMs?: number
  sleep?: (ms: number) => Promise<void>
}

type GroupError = { groupId?: string; error?: { type?: string; message?: string } }

/** Groups whose deletion failed, with the reason, from kafkajs' KafkaJSDeleteGroupsError. */
function failedGroups(err: unknown, asked: readonly string[]): Map<string, string> {
  const out = new Map<string, string>()
  const groups = (err as { groups?: GroupError[] }).groups
  if (Array.isArray(groups) && groups.length > 0) {
    for (const g of groups)
      if (g.groupId) out.set(g.groupId, g.error?.type ?? g.error?.message ?? 'unknown error')
  } else {
    for (const id of asked) out.set(id, (err as Error).message ?? String(err))
  }
  return out
}

export async function deleteKafkaObjects(
  admin: CleanupAdmin,
  options: KafkaCleanupOptions,
): Promise<KafkaCleanupResult> {
  const result: KafkaCleanupResult = { supported: false, topicsDeleted: [], groupsDeleted: [], failures: [] }
  const cluster = await admin.describeCluster()
  if (cluster.controller === null || !cluster.brokers.some((b) => b.nodeId === cluster.controller))
    return result
  result.supported = true

  const existingTopics = new Set(await admin.listTopics())
  const topics = options.topics.filter((t) => existingTopics.has(t))
  if (topics.length > 0) {
    try {
      await admin.deleteTopics({ topics, timeout: 10_000 })
      result.topicsDeleted.push(...topics)
    } catch (err) {
      result.failures.push(`topics ${topics.join(', ')}: ${(err as Error).message}`)
    }
  }

  const existingGroups = new Set((await admin.listGroups()).groups.map((g) => g.groupId))
  let groups = options.groups.filter((g) => existingGroups.has(g))
  const sleep = options.sleep ?? ((ms: number) => new Promise((r) => setTimeout(r, ms)))
  const deadline = Date.now() + (options.groupWaitMs ?? 15_000)
  while (groups.length > 0) {
    let failed = new Map<string, string>()
    try {
      await admin.deleteGroups(groups)
    } catch (err) {
      failed = failedGroups(err, groups)
    }
    result.groupsDeleted.push(...groups.filter((g) => !failed.has(g)))
    // a member killed without leaving stays until its session times out
    const waiting = [...failed].filter(([, why]) => why === 'NON_EMPTY_GROUP').map(([g]) => g)
    if (waiting.length > 0 && Date.now() < deadline) {
      for (const [g, why] of failed) if (why !== 'NON_EMPTY_GROUP') result.failures.push(`group ${g}: ${why}`)
      groups = waiting
      await sleep(1_000)
      continue
    }
    for (const [g, why] of failed) result.failures.push(`group ${g}: ${why}`)
    groups = []
  }
  return result
}
