// One Kafka message as a batch entry: a snapshot control message, a decoded row, or (when it
// cannot be opened or parsed) a dead letter with the reason. Never throws: nothing is dropped.
import { type ChangeDecoder, isControlMessage, parseSnapshotControl } from '@sync/change-message'
import type { BatchEntry } from './batcher.ts'
import type { SourceMessage } from './types.ts'

export interface EntryContext {
  decoder: ChangeDecoder
  /** Opens a snapshot control message (same keys as the decoder). */
  openControl: (value: Buffer) => string
}

export function entryOf(src: SourceMessage, table: string, ctx: EntryContext): BatchEntry {
  const size = (src.value?.length ?? 0) + (src.key?.length ?? 0)
  const where = `${src.topic}-${src.partition}@${src.offset}`
  try {
    if (isControlMessage(src.headers)) {
      const control = parseSnapshotControl(ctx.openControl(src.value ?? Buffer.alloc(0)), where)
      return { kind: 'control', table, control, bytes: size }
    }
    const c = ctx.decoder.decode(src, where)
    return {
      kind: 'row',
      row: { table, op: c.op, row: c.row, rowJson: c.rowJson, bytes: size + c.rowJson.length, origin: src },
    }
  } catch (err) {
    const e = err as { code?: string; message?: string }
    return {
      kind: 'dead',
      dead: { origin: src, code: e.code ?? 'CM_PARSE', message: e.message ?? String(err) },
      bytes: size,
    }
  }
}
