import { describe, expect, it } from 'vitest'
import type { Checkpoint, CheckpointStore } from '../src/checkpoint-store.ts'
import { createCheckpointWriter } from '../src/checkpoint-writer.ts'

function memoryStore(fail = () => false) {
  const saves: Checkpoint[] = []
  let active = 0
  let maxActive = 0
  const store: CheckpointStore = {
    location: 'memory',
    load: async () => saves.at(-1),
    async save(c) {
      active++
      maxActive = Math.max(maxActive, active)
      await new Promise((r) => setTimeout(r, 5))
      active--
      if (fail()) throw new Error('disk full')
      saves.push(c)
    },
  }
  return { store, saves, maxActive: () => maxActive }
}

describe('checkpoint writer', () => {
  it('writes at most once per interval, one write at a time, and the latest position on flush', async () => {
    const m = memoryStore()
    const saved: number[] = []
    const w = createCheckpointWriter({
      store: m.store,
      intervalMs: 50,
      now: Date.now,
      onSaved: (position) => void saved.push(position.pos),
    })
    for (let i = 1; i <= 20; i++) {
      w.advance({ file: 'b.000001', pos: i * 10 })
      await new Promise((r) => setTimeout(r, 2))
    }
    await w.flush()
    expect(m.saves.at(-1)).toMatchObject({ file: 'b.000001', pos: 200 })
    expect(m.saves.length).toBeLessThan(6)
    expect(m.maxActive()).toBe(1)
    const positions = m.saves.map((s) => s.pos)
    expect(positions).toEqual([...positions].sort((a, b) => a - b))
    // onSaved reports exactly the positions that reached the store
    expect(saved).toEqual(positions)
    w.close()
  })

  it('keeps the previous checkpoint when a write fails and writes again on flush', async () => {
    let failing = true
    const m = memoryStore(() => failing)
    const errors: string[] = []
    const w = createCheckpointWriter({
      store: m.store,
      intervalMs: 10_000,
      now: Date.now,
      onError: (err) => void errors.push((err as Error).message),
    })
    w.advance({ file: 'b.000001', pos: 100 })
    await w.flush()
    expect(m.saves).toEqual([])
    expect(w.last()).toBeUndefined()
    expect(errors).toEqual(['disk full'])
    failing = false
    await w.flush()
    expect(w.last()?.position).toEqual({ file: 'b.000001', pos: 100 })
    w.close()
  })
})
