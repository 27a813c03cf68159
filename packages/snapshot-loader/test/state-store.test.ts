import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import {
  createFileStateStore,
  createMemoryStateStore,
  isSnapshotError,
  type SnapshotState,
} from '../src/index.ts'

const state: SnapshotState = {
  version: 1,
  snapshotId: 's1',
  scope: 'table:d.t',
  startedAt: 1,
  tables: {
    'd.t': {
      database: 'd',
      table: 't',
      target: 'x',
      topic: 'x_batch',
      done: false,
      lastKey: [{ s: '18446744073709551615' }, { b: 'AAE=' }],
      chunks: 3,
      rows: 300,
    },
  },
  topics: { x_batch: { target: 'x', begun: true, ended: false } },
}

describe('file state store', () => {
  it('returns undefined before the first save, then what was saved, leaving no temporary file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'snap-state-'))
    const store = createFileStateStore(join(dir, 'p.json'))
    expect(await store.load()).toBeUndefined()
    await store.save(state)
    await store.save({ ...state, startedAt: 2 })
    expect(await store.load()).toEqual({ ...state, startedAt: 2 })
    expect(await readdir(dir)).toEqual(['p.json'])
    expect(JSON.parse(await readFile(join(dir, 'p.json'), 'utf8')).snapshotId).toBe('s1')
  })

  it('refuses a corrupt or foreign file with SNAP_STATE', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'snap-state-'))
    for (const text of ['{"version":1', '{"version":2,"snapshotId":"x"}']) {
      await writeFile(join(dir, 'p.json'), text)
      const err = await createFileStateStore(join(dir, 'p.json'))
        .load()
        .catch((e: unknown) => e)
      expect(isSnapshotError(err) && err.code).toBe('SNAP_STATE')
    }
  })

  it('fails a save into a missing directory with a retriable SNAP_STATE', async () => {
    const err = await createFileStateStore('/nonexistent-dir/x/p.json')
      .save(state)
      .catch((e: unknown) => e)
    expect(isSnapshotError(err) && [err.code, err.retriable]).toEqual(['SNAP_STATE', true])
  })
})

describe('memory state store', () => {
  it('keeps a copy, not the caller object', async () => {
    const store = createMemoryStateStore()
    const mine = structuredClone(state)
    await store.save(mine)
    mine.snapshotId = 'changed'
    expect((await store.load())?.snapshotId).toBe('s1')
  })
})
