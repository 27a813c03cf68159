// Saved progress: what an interrupted snapshot needs to continue from its last completed
// chunk. The file store writes a temporary file, fsyncs it and renames it over the old
// one, so a crash leaves either the previous state or the new one, never half of each.

import { open, readFile, rename, unlink } from 'node:fs/promises'
import { SnapshotError } from './errors.ts'

/** A chunk-key value as saved: raw SELECT values are text, numbers or bytes. */
export type SavedKeyValue = { s: string } | { n: number } | { b: string }

export interface TableProgress {
  database: string
  table: string
  target: string
  topic: string
  /** Every chunk of the table is sent and acknowledged. */
  done: boolean
  /** The chunk key of the last row of the last completed chunk; null before the first. */
  lastKey: SavedKeyValue[] | null
  chunks: number
  rows: number
  /** Order-independent checksum of the rows sent (hex), when checksums are on. */
  checksum?: string
  /** Consistent-read position of the last completed chunk ("file:pos") and its GTID. */
  position?: string
  gtid?: string
}

export interface TopicProgress {
  target: string
  begun: boolean
  ended: boolean
}

export interface SnapshotState {
  version: 1
  snapshotId: string
  /** What the snapshot covers ("table:db.t" or "rule:name"); a resume must ask for the same. */
  scope: string
  startedAt: number
  startPosition?: string
  startGtid?: string
  tables: Record<string, TableProgress>
  topics: Record<string, TopicProgress>
}

/** Where progress is kept; `createFileStateStore` is the usual one. */
export interface SnapshotStateStore {
  load(): Promise<SnapshotState | undefined>
  save(state: SnapshotState): Promise<void>
}

export function encodeKeyValue(value: unknown): SavedKeyValue {
  if (typeof value === 'string') return { s: value }
  if (typeof value === 'number') return { n: value }
  if (Buffer.isBuffer(value)) return { b: value.toString('base64') }
  throw new TypeError(`a chunk key value must be text, a number or bytes, received ${typeof value}`)
}

export function decodeKeyValue(saved: SavedKeyValue): string | number | Buffer {
  if ('s' in saved) return saved.s
  if ('n' in saved) return saved.n
  return Buffer.from(saved.b, 'base64')
}

function isState(v: unknown): v is SnapshotState {
  const o = v as SnapshotState
  return (
    typeof o === 'object' &&
    o !== null &&
    o.version === 1 &&
    typeof o.snapshotId === 'string' &&
    typeof o.scope === 'string' &&
    typeof o.tables === 'object' &&
    typeof o.topics === 'object'
  )
}

/** Progress in one small JSON file, replaced atomically on every save. */
export function createFileStateStore(path: string): SnapshotStateStore {
  if (typeof path !== 'string' || path === '') {
    throw new SnapshotError('SNAP_OPTIONS', `path must be a file path, received ${JSON.stringify(path)}`, {
      option: 'path',
    })
  }
  let n = 0
  return {
    async load() {
      let text: string
      try {
        text = await readFile(path, 'utf8')
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined
        throw new SnapshotError('SNAP_STATE', 'cannot read the snapshot state file', {
          cause: err,
          file: path,
        })
      }
      let parsed: unknown
      try {
        parsed = JSON.parse(text)
      } catch (cause) {
        throw new SnapshotError('SNAP_STATE', 'the snapshot state file is not JSON', { cause, file: path })
      }
      if (!isState(parsed)) {
        throw new SnapshotError('SNAP_STATE', 'the snapshot state file has an unknown shape', { file: path })
      }
      return parsed
    },
    async save(state) {
      const tmp = `${path}.${process.pid}.${++n}.tmp`
      try {
        const handle = await open(tmp, 'w')
        try {
          await handle.writeFile(`${JSON.stringify(state, null, 1)}\n`)
          await handle.sync()
        } finally {
          await handle.close()
        }
        await rename(tmp, path)
      } catch (err) {
        await unlink(tmp).catch(() => {})
        throw new SnapshotError('SNAP_STATE', 'cannot write the snapshot state file', {
          cause: err,
          file: path,
          retriable: true,
        })
      }
    },
  }
}

/** Progress kept in memory only (tests, or a caller persisting it elsewhere). */
export function createMemoryStateStore(initial?: SnapshotState): SnapshotStateStore & {
  current(): SnapshotState | undefined
} {
  let state = initial === undefined ? undefined : structuredClone(initial)
  return {
    async load() {
      return state === undefined ? undefined : structuredClone(state)
    },
    async save(next) {
      state = structuredClone(next)
    },
    current: () => state,
  }
}
