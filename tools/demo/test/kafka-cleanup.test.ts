// deleteKafkaObjects against a scripted admin that answers as a Kafka cluster does: the
// mock's metadata (controller 0, brokers 1..3), a real cluster's topic and group lists, and
// DeleteGroups' per-group errors as kafkajs reports them (KafkaJSDeleteGroupsError.groups).
import { describe, expect, it } from 'vitest'
import { type CleanupAdmin, deleteKafkaObjects } from '../src/kafka-cleanup.ts'

function scriptedCluster(options: {
  controller: number | null
  topics: string[]
  groups: string[]
  /** Group → how many more DeleteGroups calls it answers NON_EMPTY_GROUP (a member not yet timed out). */
  members?: Record<string, number>
  /** Group → a protocol error type it always answers. */
  refuse?: Record<string, string>
}) {
  const topics = new Set(options.topics)
  const groups = new Set(options.groups)
  const members = { ...options.members }
  const calls: string[] = []
  const admin: CleanupAdmin = {
    async describeCluster() {
      return { brokers: [{ nodeId: 1 }, { nodeId: 2 }, { nodeId: 3 }], controller: options.controller }
    },
    async listTopics() {
      return [...topics]
    },
    async deleteTopics({ topics: asked }) {
      calls.push(`deleteTopics ${asked.join(',')}`)
      for (const t of asked) topics.delete(t)
    },
    async listGroups() {
      return { groups: [...groups].map((groupId) => ({ groupId })) }
    },
    async deleteGroups(asked) {
      calls.push(`deleteGroups ${asked.join(',')}`)
      const errors: Array<{ groupId: string; error: { type: string } }> = []
      for (const g of asked) {
        const type = options.refuse?.[g] ?? ((members[g] ?? 0) > 0 ? 'NON_EMPTY_GROUP' : undefined)
        if (type === 'NON_EMPTY_GROUP') members[g]! -= 1
        if (type) errors.push({ groupId: g, error: { type } })
        else groups.delete(g)
      }
      if (errors.length > 0) throw Object.assign(new Error('Error in DeleteGroups'), { groups: errors })
      return []
    },
  }
  return { admin, topics, groups, calls }
}

const run = {
  topics: ['demo_ab.stream.ods_order', 'demo_ab.batch.ods_order', 'demo_ab.dlq'],
  groups: ['demo-sinker-ab', 'demo-audit-ab'],
}
const noWait = async () => {}

describe('deleteKafkaObjects', () => {
  it('tries nothing on a cluster whose controller is none of its brokers (the mock)', async () => {
    const c = scriptedCluster({ controller: 0, topics: run.topics, groups: run.groups })
    const r = await deleteKafkaObjects(c.admin, run)
    expect(r).toEqual({ supported: false, topicsDeleted: [], groupsDeleted: [], failures: [] })
    expect(c.calls).toEqual([])
    expect(c.topics.size).toBe(3)
  })

  it("deletes the run's existing topics and groups and leaves everything else", async () => {
    const c = scriptedCluster({
      controller: 2,
      topics: ['demo_ab.stream.ods_order', 'demo_ab.dlq', 'someone.else'],
      groups: ['demo-sinker-ab', 'other-group'],
    })
    const r = await deleteKafkaObjects(c.admin, { ...run, sleep: noWait })
    expect(r.supported).toBe(true)
    expect(r.topicsDeleted).toEqual(['demo_ab.stream.ods_order', 'demo_ab.dlq'])
    expect(r.groupsDeleted).toEqual(['demo-sinker-ab'])
    expect(r.failures).toEqual([])
    expect([...c.topics]).toEqual(['someone.else'])
    expect([...c.groups]).toEqual(['other-group'])
  })

  it('retries a group whose killed member has not timed out yet, and reports other refusals', async () => {
    const c = scriptedCluster({
      controller: 1,
      topics: [],
      groups: run.groups,
      members: { 'demo-sinker-ab': 2 },
      refuse: { 'demo-audit-ab': 'GROUP_AUTHORIZATION_FAILED' },
    })
    const r = await deleteKafkaObjects(c.admin, { ...run, sleep: noWait })
    expect(r.groupsDeleted).toEqual(['demo-sinker-ab'])
    expect(r.failures).toEqual(['group demo-audit-ab: GROUP_AUTHORIZATION_FAILED'])
    expect(c.calls).toEqual([
      'deleteGroups demo-sinker-ab,demo-audit-ab',
      'deleteGroups demo-sinker-ab',
      'deleteGroups demo-sinker-ab',
    ])
    expect([...c.groups]).toEqual(['demo-audit-ab'])
  })

  it('gives up on a group that stays non-empty past the wait, naming it', async () => {
    const c = scriptedCluster({
      controller: 1,
      topics: [],
      groups: ['demo-sinker-ab'],
      members: { 'demo-sinker-ab': 1_000 },
    })
    const r = await deleteKafkaObjects(c.admin, { ...run, groupWaitMs: 0, sleep: noWait })
    expect(r.groupsDeleted).toEqual([])
    expect(r.failures).toEqual(['group demo-sinker-ab: NON_EMPTY_GROUP'])
  })
})
