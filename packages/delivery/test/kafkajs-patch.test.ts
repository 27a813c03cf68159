// The workspace patches kafkajs 2.2.4 (patches/kafkajs@2.2.4.patch): a record encoder that
// writes one exactly sized buffer, and a linear grouping of messages per partition. Both must
// produce exactly what the published kafkajs produces, and kafkajs's own decoder must read
// the records back unchanged.
import { randomBytes } from 'node:crypto'
import { createRequire } from 'node:module'
import { describe, expect, it } from 'vitest'

const require = createRequire(import.meta.resolve('kafkajs'))
const base = require.resolve('kafkajs').replace(/index\.js$/, 'src/')
type Enc = { buffer: Buffer }
type RecordFn = ((r: object) => Enc) & { encodeRecordStock?: (r: object) => Enc }
const record = require(`${base}protocol/recordBatch/record/v0/index.js`) as RecordFn
const group = require(`${base}producer/groupMessagesPerPartition.js`) as (
  o: object,
) => Record<string, unknown[]>
const murmur2 = require(`${base}producer/partitioners/default/murmur2.js`) as ((k: unknown) => number) & {
  murmur2Stock: (k: unknown) => number
}
const crc32C = require(`${base}protocol/recordBatch/crc32C/crc32C.js`) as ((b: Buffer) => number) & {
  crc32CStock: (b: Buffer) => number
}
const decodeRecord = require(`${base}protocol/recordBatch/record/v0/decoder.js`) as (
  d: unknown,
  ctx: object,
) => { key: Buffer | null; value: Buffer | null; headers: Record<string, Buffer | Buffer[]>; offset: string }
const Decoder = require(`${base}protocol/decoder.js`) as new (
  b: Buffer,
) => {
  readVarInt(): number
  readBytes(n: number): Buffer
}
const produceRequest = require(`${base}protocol/requests/produce/v3/request.js`) as (o: object) => object
const frameRequest = require(`${base}protocol/request.js`) as (o: object) => Promise<Enc>
const { RecordBatch } = require(`${base}protocol/recordBatch/v0/index.js`) as {
  RecordBatch: (o: object) => Promise<Enc>
}
const decodeBatch = require(`${base}protocol/recordBatch/v0/decoder.js`) as (d: unknown) => Promise<{
  records: Array<{
    key: Buffer | null
    value: Buffer | null
    offset: string
    headers: Record<string, Buffer>
  }>
}>

/** kafkajs 2.2.4's grouping as published (a reduce that copies the partition's array). */
interface GroupInput {
  topic: string
  partitionMetadata: unknown[]
  messages: unknown[]
  partitioner: (a: { topic: string; partitionMetadata: unknown[]; message: unknown }) => number
}
const stockGroup = ({ topic, partitionMetadata, messages, partitioner }: GroupInput) =>
  partitionMetadata.length === 0
    ? {}
    : messages.reduce((result: Record<number, unknown[]>, message) => {
        const partition = partitioner({ topic, partitionMetadata, message })
        const current = result[partition] || []
        return Object.assign(result, { [partition]: [...current, message] })
      }, {})

const contractHeaders = {
  'sync-version': '1',
  'sync-op': 'upsert',
  'sync-db': 'shop',
  'sync-table': 'order_202401',
  'sync-binlog-pos': '123456789',
}

const cases: Array<[string, object]> = [
  [
    'the shipper shape',
    { offsetDelta: 7, timestampDelta: 12, key: '{"id":1}', value: 'x'.repeat(300), headers: contractHeaders },
  ],
  ['defaults, no headers', { key: 'k', value: 'v' }],
  ['null key and value', { offsetDelta: 1, timestampDelta: 0, key: null, value: null }],
  [
    'Buffers and multi-byte text',
    {
      offsetDelta: 200,
      timestampDelta: -3,
      key: Buffer.from([0, 1, 255]),
      value: 'é中😀'.repeat(50),
      headers: { clé: 'valé', bin: Buffer.from([9, 9]) },
    },
  ],
  [
    'a lone surrogate (written as U+FFFD by both)',
    { key: '\ud800k', value: 'v\udfff', headers: { h: 'x\ud800' } },
  ],
  [
    "short strings at the ASCII fast path's edges (64 and 65 characters, non-ASCII last)",
    {
      key: 'k'.repeat(64),
      value: 'v'.repeat(65),
      headers: { ['h'.repeat(64)]: `${'a'.repeat(63)}é`, ['i'.repeat(65)]: `${'b'.repeat(63)}\u007f`, e: '' },
    },
  ],
  ['a header value of one non-ASCII character', { key: '中', value: '😀', headers: { h: 'é', '': 'x' } }],
  ['a repeated header', { offsetDelta: 3, key: 'k', value: 'v', headers: { h: ['a', 'b', 'c'] } }],
  [
    'long values (multi-byte varints)',
    { offsetDelta: 70_000, timestampDelta: 1_000_000, key: 'k'.repeat(200), value: 'v'.repeat(100_000) },
  ],
  [
    'a timestamp delta past 32 bits (stock path)',
    { offsetDelta: 0, timestampDelta: 5_000_000_000, key: 'k', value: 'v' },
  ],
]

describe('kafkajs patch', () => {
  it('is applied (a fresh install runs the patched encoder)', () => {
    expect(typeof record.encodeRecordStock).toBe('function')
  })

  it.each(cases)('encodes %s byte for byte like kafkajs 2.2.4', (_name, input) => {
    const patched = record(input).buffer
    const stock = record.encodeRecordStock!(input).buffer
    expect(patched.toString('hex')).toBe(stock.toString('hex'))
  })

  it('writes a null header value as a null (kafkajs 2.2.4 itself throws on it), and kafkajs decodes it', () => {
    expect(() => record.encodeRecordStock!({ key: 'k', value: 'v', headers: { gone: null } })).toThrow()
    const bytes = record({
      offsetDelta: 2,
      key: 'k',
      value: 'v',
      headers: { gone: null, kept: 'yes' },
    }).buffer
    const d = new Decoder(bytes)
    const length = d.readVarInt()
    const out = decodeRecord(new Decoder(d.readBytes(length)), { firstOffset: '10', firstTimestamp: '0' })
    expect(out.offset).toBe('12')
    expect(out.headers.gone).toBeNull()
    expect(String(out.headers.kept)).toBe('yes')
  })

  it('round-trips the shipper shape through kafkajs decoder', () => {
    const input = cases[0]![1] as { key: string; value: string }
    const bytes = record(input).buffer
    const d = new Decoder(bytes)
    const out = decodeRecord(new Decoder(d.readBytes(d.readVarInt())), {
      firstOffset: '0',
      firstTimestamp: '0',
    })
    expect(String(out.key)).toBe(input.key)
    expect(String(out.value)).toBe(input.value)
    expect(Object.fromEntries(Object.entries(out.headers).map(([k, v]) => [k, String(v)]))).toEqual(
      contractHeaders,
    )
  })

  it('writes a record batch (encoders sized up front) that kafkajs decodes, with a valid CRC-32C', async () => {
    const inputs = Array.from({ length: 300 }, (_, i) => ({
      offsetDelta: i,
      timestampDelta: i,
      key: `{"id":${i}}`,
      value: i % 7 === 0 ? 'é中😀'.repeat(i) : 'x'.repeat(i * 11),
      headers: { ...contractHeaders, 'sync-binlog-pos': String(1000 + i) },
    }))
    const bytes = (
      await RecordBatch({
        records: inputs.map((r) => record(r)),
        firstTimestamp: 1,
        maxTimestamp: 300,
        lastOffsetDelta: 299,
      })
    ).buffer
    // FirstOffset int64, Length int32, PartitionLeaderEpoch int32, Magic int8, CRC uint32, then the CRC'd part
    expect(bytes.readInt32BE(8)).toBe(bytes.length - 12)
    expect(bytes.readUInt32BE(17)).toBe(crc32C.crc32CStock(bytes.subarray(21)))
    const out = await decodeBatch(new Decoder(bytes))
    expect(out.records).toHaveLength(inputs.length)
    out.records.forEach((r, i) => {
      expect(String(r.key)).toBe(inputs[i]!.key)
      expect(String(r.value)).toBe(inputs[i]!.value)
      expect(String(r.headers['sync-binlog-pos'])).toBe(String(1000 + i))
    })
  })

  it('frames a Produce request (every level sized up front) that reads back field by field', async () => {
    const topics = ['orders', 'ods_用户'].map((topic) => ({
      topic,
      partitions: [0, 1, 2].map((partition) => ({
        partition,
        firstSequence: 0,
        messages: Array.from({ length: 50 + partition * 30 }, (_, i) => ({
          key: `{"id":${i}}`,
          value: `${topic}/${partition}/${i}:${'v'.repeat(i * 37)}`,
          headers: { 'sync-table': topic, 'sync-binlog-pos': String(i) },
        })),
      })),
    }))
    const request = produceRequest({ acks: -1, timeout: 30_000, topicData: topics })
    const bytes = (await frameRequest({ correlationId: 42, clientId: 'shipper-客户', request })).buffer
    const d = new Decoder(bytes) as unknown as {
      readInt32(): number
      readInt16(): number
      readString(): string
      readBytes(n: number): Buffer
      offset: number
    }
    expect(d.readInt32()).toBe(bytes.length - 4)
    expect([d.readInt16(), d.readInt16(), d.readInt32(), d.readString()]).toEqual([0, 3, 42, 'shipper-客户'])
    expect([d.readInt16(), d.readInt16(), d.readInt32()]).toEqual([-1, -1, 30_000]) // null transactional id
    expect(d.readInt32()).toBe(topics.length)
    for (const t of topics) {
      expect(d.readString()).toBe(t.topic)
      expect(d.readInt32()).toBe(t.partitions.length)
      for (const p of t.partitions) {
        expect(d.readInt32()).toBe(p.partition)
        const batch = d.readBytes(d.readInt32())
        expect(batch.readUInt32BE(17)).toBe(crc32C.crc32CStock(batch.subarray(21)))
        const out = await decodeBatch(new Decoder(batch))
        expect(out.records.map((r) => String(r.value))).toEqual(p.messages.map((m) => m.value))
        expect(out.records.map((r) => String(r.headers['sync-table']))).toEqual(p.messages.map(() => t.topic))
      }
    }
    expect(d.offset).toBe(bytes.length)
  })

  it('encodes a headers object shared by the messages of a batch once, to the same bytes as one object per message', async () => {
    const shared = Object.freeze({ ...contractHeaders, 'sync-snapshot-id': 'snap-1', clé: 'valé', bin: 'x' })
    const messages = (headersOf: (i: number) => object) =>
      Array.from({ length: 40 }, (_, i) => ({
        key: `{"id":${i}}`,
        value: i % 5 === 0 ? 'é中😀'.repeat(i) : 'v'.repeat(i * 13),
        timestamp: 1_700_000_000_000 + i, // else both requests would carry their own Date.now()
        // a run of shared headers, one message with its own, then shared again
        headers: i === 20 ? { other: String(i) } : headersOf(i),
      }))
    const request = async (topicMessages: object[]) =>
      (
        await frameRequest({
          correlationId: 7,
          clientId: 'snapshot',
          request: produceRequest({
            acks: -1,
            timeout: 1000,
            topicData: [
              {
                topic: 'ods_order',
                partitions: [{ partition: 0, firstSequence: 0, messages: topicMessages }],
              },
            ],
          }),
        })
      ).buffer
    const once = await request(messages(() => shared))
    const each = await request(messages(() => ({ ...shared })))
    expect(once.equals(each)).toBe(true)
    // and kafkajs reads every record's headers back
    const d = new Decoder(once) as unknown as {
      readInt32(): number
      readInt16(): number
      readString(): string
      readBytes(n: number): Buffer
    }
    // size, api key, version, correlation id, client id, transactional id, acks, timeout,
    // topics, topic, partitions, partition
    for (const read of ['32', '16', '16', '32', 's', '16', '16', '32', '32', 's', '32', '32']) {
      if (read === 's') d.readString()
      else if (read === '16') d.readInt16()
      else d.readInt32()
    }
    const out = await decodeBatch(new Decoder(d.readBytes(d.readInt32())))
    expect(out.records.map((r) => String(r.headers.clé ?? r.headers.other))).toEqual(
      Array.from({ length: 40 }, (_, i) => (i === 20 ? '20' : 'valé')),
    )
  })

  it('groups messages per partition in order, like kafkajs 2.2.4', () => {
    const messages = Array.from({ length: 1000 }, (_, i) => ({ key: `k${i % 37}`, value: String(i) }))
    const partitionMetadata = Array.from({ length: 8 }, (_, i) => ({ partitionId: i, leader: 0 }))
    const partitioner = ({ message }: { message: unknown }) =>
      Number((message as { key: string }).key.slice(1)) % 8
    const input: GroupInput = { topic: 't', partitionMetadata, messages, partitioner }
    expect(group(input)).toEqual(stockGroup(input))
    expect(group({ ...input, partitionMetadata: [] })).toEqual({})
  })

  it('hashes keys to the same partitions as kafkajs 2.2.4 (murmur2 in 32-bit arithmetic)', () => {
    const keys: unknown[] = [
      '',
      'a',
      'ab',
      'abc',
      'abcd',
      '{"id":1}',
      'é中😀',
      Buffer.from([255, 0, 128, 7, 9]),
    ]
    for (let i = 0; i < 2000; i++) keys.push(randomBytes(i % 67), `{"id":${i * 7919},"org":${i % 13}}`)
    for (const k of keys) expect(murmur2(k), String(k)).toBe(murmur2.murmur2Stock(k))
    // Apache Kafka's own vectors (UtilsTest.testMurmur2): the Java client puts keys where we do
    const java: Record<string, number> = {
      '21': -973932308,
      foobar: -790332482,
      'a-little-bit-long-string': -985981536,
      'a-little-bit-longer-string': -1486304829,
      lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8: -58897971,
      abc: 479470107,
    }
    for (const [k, hash] of Object.entries(java)) expect(murmur2(k), k).toBe(hash)
  })

  it('computes the same CRC-32C as kafkajs 2.2.4 (slicing by 8)', () => {
    expect(crc32C(Buffer.from('123456789')).toString(16)).toBe('e3069283') // the standard check value
    for (let n = 0; n < 600; n++) {
      const b = randomBytes(n * 13)
      expect(crc32C(b)).toBe(crc32C.crc32CStock(b))
    }
  })
})
