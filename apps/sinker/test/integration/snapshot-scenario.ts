// The snapshot/stream scenario shared by the handoff tests: one table's batch topic
// (snapshot rows and control messages, on both partitions) and stream topic, and the source
// as a model (id → name) that the binlog changes edit, so the target can be compared with it.
import { encodeSnapshotControl, type SnapshotControl, snapshotHeaders } from '@sync/change-message'
import { createTestTopic } from '@sync/test-kit'
import { encoderFor, orderNames, orderRow, remove, startOrdersTarget, testKey, upsert } from './harness.ts'

/** The snapshot the scenario writes: its id and target. */
export const snap = { snapshotId: 's1', target: 'orders' } as const

/** `prefix` names the topics (`<prefix>-batch`, `-stream`, `-dlq`); `file` is the binlog file. */
export async function createSnapshotScenario(prefix: string, file: string) {
  const { emu, database, dlq, producer } = await startOrdersTarget(prefix)
  const { key, cipher } = testKey()
  const batchTopic = await createTestTopic(`${prefix}-batch`, 2)
  const streamTopic = await createTestTopic(`${prefix}-stream`, 2)
  const enc = encoderFor(cipher)

  const source = new Map<number, string>()
  for (let i = 1; i <= 100; i++) source.set(i, `v${i}`)
  /** The source's current row of `id`. */
  const row = (id: number) => orderRow(id, source.get(id)!)

  return {
    emu,
    database,
    key,
    dlq,
    producer,
    enc,
    batchTopic,
    streamTopic,
    source,
    row,
    /** A snapshot control message on every partition of the batch topic. */
    control(c: SnapshotControl) {
      const { plaintext, headers } = encodeSnapshotControl(c)
      const value = cipher.sealToJson(plaintext)
      return producer.send({
        topic: batchTopic,
        messages: [0, 1].map((partition) => ({ partition, value, headers })),
      })
    },
    /** Snapshot rows of a chunk read at binlog position `pos`. */
    chunk(rows: Array<ReturnType<typeof row>>, pos: number) {
      return producer.send({
        topic: batchTopic,
        messages: rows.map((r) => {
          const m = enc.encode(upsert(r, { kind: 'snapshot' }))
          return {
            ...m,
            headers: {
              ...m.headers,
              [snapshotHeaders.id]: snap.snapshotId,
              [snapshotHeaders.position]: `${file}:${pos}`,
            },
          }
        }),
      })
    },
    /** A binlog change at `pos`: `id` renamed, or deleted when `name` is undefined. */
    async change(pos: number, id: number, name: string | undefined) {
      const before = row(id)
      if (name === undefined) source.delete(id)
      else source.set(id, name)
      const c =
        name === undefined
          ? remove(before, { binlogFile: file, binlogPos: pos })
          : upsert(row(id), { kind: 'update', binlogFile: file, binlogPos: pos })
      await producer.send({ topic: streamTopic, messages: [enc.encode(c)] })
    },
    /** The ids from..to the source still holds. */
    ids: (from: number, to: number) =>
      Array.from({ length: to - from + 1 }, (_, i) => from + i).filter((i) => source.has(i)),
    /** The target's name of `id` (undefined: no such row). */
    nameOf: async (id: number) =>
      (
        await emu.query<Array<{ name: string }>>(`SELECT name FROM \`${database}\`.orders WHERE id = ?`, [id])
      )[0]?.name,
    /** The source as `id:name`, by id. */
    expected: () => [...source.entries()].sort((a, b) => a[0] - b[0]).map(([id, name]) => `${id}:${name}`),
    /** The target as `id:name`, by id. */
    actual: () => orderNames(emu, database),
  }
}
