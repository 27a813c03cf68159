import { BroadcastChannel } from 'node:worker_threads'
import { uniqueName } from '@sync/test-kit'
import { afterEach, describe, expect, it } from 'vitest'
import { createWorkerSink, isSnapshotError, type SinkMessage, type WorkerSink } from '../src/index.ts'
import { packBatch, unpackBatch } from '../src/worker-sink.ts'

const chunk1 = Object.freeze({ 'sync-kind': 'snapshot', 'sync-snapshot-chunk': '1' })
const chunk2 = Object.freeze({ 'sync-kind': 'snapshot', 'sync-snapshot-chunk': '2' })
const batch: SinkMessage[] = [
  { key: '{"id":1}', value: '{"nonce":"aa","ciphertext":"01"}', headers: chunk1 },
  { key: '{"id":2}', value: '{"nonce":"bb","ciphertext":"02"}', headers: chunk1 },
  { key: '{"id":3}', value: '{"nonce":"cc","ciphertext":"03"}', headers: chunk2 },
  {
    key: '{"snapshot":"s"}',
    value: '{"nonce":"dd","ciphertext":"04"}',
    headers: { 'sync-control': 'chunk-done' },
    partition: 0,
  },
]

describe('packBatch / unpackBatch', () => {
  it('sends each distinct headers object once and keeps partitions, absent ones absent', () => {
    const packed = packBatch(7, 'orders_batch', batch)
    expect(packed.headerSets).toEqual([chunk1, chunk2, { 'sync-control': 'chunk-done' }])
    expect([...packed.headerOf]).toEqual([0, 0, 1, 2])
    expect([...packed.partitions]).toEqual([-1, -1, -1, 0])
    const back = unpackBatch(structuredClone(packed))
    expect(back).toEqual(batch)
    expect('partition' in (back[0] as object)).toBe(false)
    expect(back[0]?.headers).toBe(back[1]?.headers)
  })
})

describe('createWorkerSink', () => {
  const open: WorkerSink[] = []
  afterEach(async () => {
    for (const s of open.splice(0)) await s.close()
  })
  const echo = new URL('./fixtures/echo-sink-worker.ts', import.meta.url)

  function listen(name: string) {
    const channel = new BroadcastChannel(name)
    const seen: Array<Record<string, unknown>> = []
    channel.onmessage = (e) => seen.push((e as MessageEvent).data as Record<string, unknown>)
    return { seen, close: () => channel.close() }
  }

  it("runs the module's sink on a worker: batches arrive whole, headers shared, partitions kept", async () => {
    const name = uniqueName('sink_echo')
    const heard = listen(name)
    const sink = createWorkerSink({ module: echo, options: { channel: name, partitions: 5 } })
    open.push(sink)
    expect(await sink.partitionCount('orders_batch')).toBe(5)
    await sink.send('orders_batch', batch)
    await expect.poll(() => heard.seen.length).toBe(1)
    expect(heard.seen[0]).toEqual({ topic: 'orders_batch', messages: batch, sharedHeaders: true })
    await sink.close()
    open.length = 0
    await expect.poll(() => heard.seen.at(-1)).toEqual({ closed: true })
    heard.close()
  })

  it('a sink error reaches the caller with its name, message and retriable flag; the thread lives on', async () => {
    const name = uniqueName('sink_fail')
    const sink = createWorkerSink({
      module: echo,
      options: { channel: name, partitions: 1, failTopic: 'ro' },
    })
    open.push(sink)
    const err = await sink.send('ro', batch).catch((e: unknown) => e)
    expect(err).toMatchObject({
      name: 'KafkaJSProtocolError',
      message: 'topic ro is not writable',
      retriable: false,
    })
    // the thread survives a failed call
    expect(await sink.partitionCount('other')).toBe(1)
  })

  it('a module without createSink fails the first call, naming the module', async () => {
    const module = new URL('./fixtures/no-sink-worker.ts', import.meta.url)
    const sink = createWorkerSink({ module })
    open.push(sink)
    const err = (await sink.partitionCount('t').catch((e: unknown) => e)) as Error
    expect(err.message).toBe(`${module.href} exports no createSink(options)`)
  })

  it.each([
    [{ module: '' }, 'options.module'],
    [{ module: 'x', threads: 2 }, 'options.threads'],
  ])('rejects %j naming %s', (options, option) => {
    let err: unknown
    try {
      createWorkerSink(options as never)
    } catch (e) {
      err = e
    }
    expect(isSnapshotError(err) && [err.code, err.option]).toEqual(['SNAP_OPTIONS', option])
  })
})
