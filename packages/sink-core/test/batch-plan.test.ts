import { describe, expect, it } from 'vitest'
import { decodeBatchPlan, encodeBatchPlan } from '../src/batch-plan.ts'

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
})
