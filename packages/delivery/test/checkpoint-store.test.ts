import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { createFileCheckpointStore, parseCheckpoint } from '../src/checkpoint-store.ts'

const dirs: string[] = []
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true })
})
async function dir() {
  const d = await mkdtemp(join(tmpdir(), 'cp-'))
  dirs.push(d)
  return d
}

describe('file checkpoint store', () => {
  it('has nothing before the first save, then returns the last saved position', async () => {
    const d = await dir()
    const store = createFileCheckpointStore(join(d, 'sub'), 'rds1')
    expect(await store.load()).toBeUndefined()
    await store.save({ file: 'mysql-bin.000001', pos: 120, gtid: '0-1-5', savedAt: 1 })
    await store.save({ file: 'mysql-bin.000002', pos: 4, savedAt: 2 })
    expect(await store.load()).toEqual({ file: 'mysql-bin.000002', pos: 4, savedAt: 2 })
    // replaced by rename: no temporary file left behind
    expect(await readdir(join(d, 'sub'))).toEqual(['rds1.checkpoint.json'])
    expect(JSON.parse(await readFile(store.location, 'utf8')).file).toBe('mysql-bin.000002')
  })

  it('refuses a damaged checkpoint instead of starting somewhere else', async () => {
    const d = await dir()
    const store = createFileCheckpointStore(d, 'rds1')
    await writeFile(store.location, '{"file":"mysql-bin.000001"')
    await expect(store.load()).rejects.toMatchObject({ code: 'DELIVERY_CHECKPOINT', retriable: false })
  })

  it('parses only complete positions', () => {
    expect(parseCheckpoint('{"file":"f.000001","pos":4}')).toEqual({ file: 'f.000001', pos: 4, savedAt: 0 })
    expect(parseCheckpoint('{"file":"f.000001","pos":3}')).toBeUndefined()
    expect(parseCheckpoint('{"file":"","pos":10}')).toBeUndefined()
    expect(parseCheckpoint('{"file":"f","pos":10,"gtid":5}')).toBeUndefined()
    expect(parseCheckpoint('null')).toBeUndefined()
  })
})
