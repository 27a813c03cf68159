import { describe, expect, it } from 'vitest'
import {
  decodeBatchPlan,
  decodeSnapshotProgress,
  encodeBatchPlan,
  encodeCommitMetadata,
} from '../src/batch-plan.ts'

describe('planned batch metadata', () => {
  it('round-trips a plan', () => {
    const plan = { last: '18446744073709551615', label: 'sink-orders-0-5-9' }
    expect(decodeBatchPlan(encodeBatchPlan(plan))).toEqual(plan)
  })

  it('ignores empty, foreign and damaged metadata', () => {
    expect(decodeBatchPlan(null)).toBeUndefined()
    expect(decodeBatchPlan('')).toBeUndefined()
    expect(decodeBatchPlan('{"last":"5","label":"x"}')).toBeUndefined()
    expect(decodeBatchPlan('sinker:{"v":1,"last":"-1","label":"x"}')).toBeUndefined()
    expect(decodeBatchPlan('sinker:{not json')).toBeUndefined()
  })

  it('carries the snapshot progress next to the plan, or alone; none gives null metadata', () => {
    const progress = [
      { table: 'orders', snapshotId: 's1', startedAt: 1700000000000, position: 'mysql-bin.000003:4512' },
      { table: 'users', snapshotId: 's0', position: 'mysql-bin.000002:9', ended: true },
    ]
    const plan = { last: '42', label: 'sink-orders-0-5-42' }
    const both = encodeCommitMetadata(plan, progress)
    expect(decodeBatchPlan(both)).toEqual(plan)
    expect(decodeSnapshotProgress(both)).toEqual(progress)
    // the exact text: older sinkers read the plan from it and ignore "snap"
    expect(both).toBe(
      'sinker:{"v":1,"last":"42","label":"sink-orders-0-5-42","snap":[{"t":"orders","id":"s1","at":1700000000000,"pos":"mysql-bin.000003:4512"},{"t":"users","id":"s0","pos":"mysql-bin.000002:9","end":1}]}',
    )
    const alone = encodeCommitMetadata(undefined, progress)
    expect(decodeBatchPlan(alone)).toBeUndefined()
    expect(decodeSnapshotProgress(alone)).toEqual(progress)
    expect(encodeCommitMetadata(undefined, [])).toBeNull()
    expect(decodeSnapshotProgress(encodeBatchPlan(plan))).toEqual([])
    expect(decodeSnapshotProgress('sinker:{"v":1,"snap":[{"t":"x"},7,{"t":"y","id":"s9"}]}')).toEqual([
      { table: 'y', snapshotId: 's9' },
    ])
  })
})
