// A source's resume position in a local file, replaced atomically: the new content goes to
// a temporary file that is fsynced, then renamed over the old one, and the directory is
// fsynced, so a crash at any instant leaves either the old or the new checkpoint, whole.

import { mkdir, open, readFile, rename } from 'node:fs/promises'
import { join } from 'node:path'
import { DeliveryError } from './errors.ts'

export interface Checkpoint {
  file: string
  pos: number
  gtid?: string
  /** When it was written, ms since the epoch. */
  savedAt: number
}

export interface CheckpointStore {
  load(): Promise<Checkpoint | undefined>
  save(checkpoint: Checkpoint): Promise<void>
  readonly location: string
}

export function createFileCheckpointStore(dir: string, sourceId: string): CheckpointStore {
  const path = join(dir, `${sourceId}.checkpoint.json`)
  const tmp = `${path}.tmp`
  return {
    location: path,
    async load() {
      let text: string
      try {
        text = await readFile(path, 'utf8')
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined
        throw new DeliveryError('DELIVERY_CHECKPOINT', `cannot read checkpoint ${path}`, {
          cause: err,
          source: sourceId,
          retriable: false,
        })
      }
      const parsed = parseCheckpoint(text)
      if (!parsed) {
        throw new DeliveryError(
          'DELIVERY_CHECKPOINT',
          `checkpoint ${path} is not a valid checkpoint; fix or remove it`,
          {
            source: sourceId,
            retriable: false,
          },
        )
      }
      return parsed
    },
    async save(checkpoint) {
      try {
        await mkdir(dir, { recursive: true })
        const handle = await open(tmp, 'w')
        try {
          await handle.writeFile(`${JSON.stringify(checkpoint)}\n`)
          await handle.sync()
        } finally {
          await handle.close()
        }
        await rename(tmp, path)
        const d = await open(dir, 'r')
        try {
          await d.sync()
        } finally {
          await d.close()
        }
      } catch (err) {
        throw new DeliveryError('DELIVERY_CHECKPOINT', `cannot write checkpoint ${path}`, {
          cause: err,
          source: sourceId,
        })
      }
    },
  }
}

export function parseCheckpoint(text: string): Checkpoint | undefined {
  let v: unknown
  try {
    v = JSON.parse(text)
  } catch {
    return undefined
  }
  const c = v as Partial<Checkpoint>
  if (typeof c !== 'object' || c === null) return undefined
  if (typeof c.file !== 'string' || c.file === '' || !Number.isInteger(c.pos) || (c.pos as number) < 4)
    return undefined
  if (c.gtid !== undefined && typeof c.gtid !== 'string') return undefined
  return {
    file: c.file,
    pos: c.pos as number,
    ...(c.gtid !== undefined ? { gtid: c.gtid } : {}),
    savedAt: typeof c.savedAt === 'number' ? c.savedAt : 0,
  }
}
