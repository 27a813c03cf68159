// Shared wiring for the integration tests: a kafkajs sink (as ops-cli wires it), a
// recording sink, a rule set for a test database, and a reader of a batch topic.
import {
  type ChangeDecoder,
  createChangeDecoder,
  isControlMessage,
  parseSnapshotControl,
  readHeaders,
  type SnapshotControl,
} from '@sync/change-message'
import { createEnvelopeCipher, generateKey } from '@sync/crypto-envelope'
import { createTableMatcher, parseRuleSet, type TableMatcher } from '@sync/table-matcher'
import { connectMysql, createTestKafka, mysqlOptions, registerCleanup, uniqueName } from '@sync/test-kit'
import type { Kafka } from 'kafkajs'
import { kafkaClients, sinkOver } from '../../bench/kafka-sink.ts'
import type { ConnectionOptions, SinkMessage, SnapshotSink } from '../../src/index.ts'

export function sourceConnection(): ConnectionOptions {
  const o = mysqlOptions('repl')
  return {
    host: o.host as string,
    port: o.port as number,
    user: o.user as string,
    password: o.password as string,
  }
}

/**
 * An account as managed MySQL grants one: SELECT and LOCK TABLES on `db`, REPLICATION
 * CLIENT, and no RELOAD (so no FLUSH TABLES WITH READ LOCK). Dropped when the test ends.
 */
export async function lockTablesAccount(db: string): Promise<ConnectionOptions> {
  const user = uniqueName('snap_lk')
  const password = uniqueName('pw')
  const admin = await connectMysql()
  const hosts = ['127.0.0.1', 'localhost']
  registerCleanup(async () => {
    try {
      for (const h of hosts) await admin.query('DROP USER IF EXISTS ?@?', [user, h])
    } finally {
      await admin.end()
    }
  })
  for (const h of hosts) {
    await admin.query('CREATE USER ?@? IDENTIFIED BY ?', [user, h, password])
    await admin.query(`GRANT SELECT, LOCK TABLES ON \`${db}\`.* TO ?@?`, [user, h])
    await admin.query('GRANT REPLICATION CLIENT ON *.* TO ?@?', [user, h])
  }
  return { ...sourceConnection(), user, password }
}

export function testCipher() {
  return createEnvelopeCipher({ key: generateKey(256) })
}

/** One rich rule capturing `<db>.<tablePattern>` into `target`, keyed by (table_name, id). */
export function matcherFor(
  db: string,
  opts: { tablePattern?: string; target?: string; batchTopic?: string; compose?: boolean } = {},
): TableMatcher {
  const rule = {
    version: 2,
    name: 'r1',
    match: { database: db, table: opts.tablePattern ?? 't' },
    target: {
      table: opts.target ?? 'ods_t',
      topic: `stream_${db}`,
      ...(opts.batchTopic === undefined ? {} : { batch_topic: opts.batchTopic }),
    },
    table_name_column: true,
    ...(opts.compose === false ? {} : { primary_key: { columns: ['id'], compose: 'table' } }),
  }
  return createTableMatcher(parseRuleSet([{ file: 'r1.json', text: JSON.stringify(rule) }]))
}

/** A sink over a kafkajs producer, the way ops-cli wires one (acks from all replicas). */
export async function kafkaSink(kafka: Kafka = createTestKafka()): Promise<SnapshotSink> {
  const { producer, admin } = kafkaClients(kafka)
  await producer.connect()
  await admin.connect()
  registerCleanup(async () => {
    await producer.disconnect()
    await admin.disconnect()
  })
  return sinkOver(producer, admin)
}

/** Records what would be sent; rows land on a partition by key hash, like a producer would. */
export function recordingSink(partitions = 3) {
  const sent: Array<SinkMessage & { topic: string; partition: number }> = []
  let failAfter: number | undefined
  const sink: SnapshotSink = {
    async send(topic, messages) {
      if (failAfter !== undefined && sent.length + messages.length > failAfter)
        throw new Error('broker unavailable')
      for (const m of messages) {
        let h = 0
        for (const ch of m.key) h = (h * 31 + ch.charCodeAt(0)) | 0
        sent.push({ ...m, topic, partition: m.partition ?? Math.abs(h) % partitions })
      }
    },
    async partitionCount() {
      return partitions
    },
  }
  return {
    sink,
    sent,
    failAfterMessages(n: number | undefined) {
      failAfter = n
    },
  }
}

export interface BatchMessage {
  partition: number
  offset: string
  headers: Record<string, string>
  control?: SnapshotControl
  row?: Record<string, unknown>
  plaintext: string
  key: string
}

/** Decodes one message as a sinker would: control messages apart, rows through the decoder. */
export function decodeBatchMessage(
  decoder: ChangeDecoder,
  cipher: { openToString(v: string): string },
  m: { partition: number; offset: string; key: string; value: string; headers: Record<string, string> },
): BatchMessage {
  const plaintext = cipher.openToString(m.value)
  if (isControlMessage(m.headers)) {
    return { ...m, plaintext, control: parseSnapshotControl(plaintext) }
  }
  const change = decoder.decode({ value: m.value, headers: m.headers })
  return { ...m, plaintext, row: change.row }
}

/** Reads a batch topic from the beginning until snapshot-end arrived on every partition. */
export async function readBatchTopic(
  topic: string,
  partitions: number,
  cipher: { openToString(v: string): string },
  timeoutMs = 60_000,
): Promise<BatchMessage[]> {
  const kafka = createTestKafka()
  const consumer = kafka.consumer({ groupId: uniqueName('snap-read'), sessionTimeout: 10_000 })
  await consumer.connect()
  const decoder = createChangeDecoder({ cipher: cipher as never })
  const out: BatchMessage[] = []
  const ended = new Set<number>()
  try {
    await consumer.subscribe({ topic, fromBeginning: true })
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(
            new Error(
              `timed out: snapshot-end seen on ${ended.size}/${partitions} partitions, ${out.length} messages`,
            ),
          ),
        timeoutMs,
      )
      consumer
        .run({
          eachBatch: async ({ batch }) => {
            for (const m of batch.messages) {
              const decoded = decodeBatchMessage(decoder, cipher, {
                partition: batch.partition,
                offset: m.offset,
                key: m.key?.toString('utf8') ?? '',
                value: m.value?.toString('utf8') ?? '',
                headers: readHeaders(m.headers as never),
              })
              out.push(decoded)
              if (decoded.control?.type === 'snapshot-end') ended.add(batch.partition)
            }
            if (ended.size >= partitions) {
              clearTimeout(timer)
              resolve()
            }
          },
        })
        .catch(reject)
    })
  } finally {
    await consumer.disconnect()
  }
  return out
}

/** A MariaDB GTID position: one or more `domain-server-seq`, comma-separated, one per domain. */
export const gtidListPattern = /^\d+-\d+-\d+(,\d+-\d+-\d+)*$/

function byDomain(list: string): Map<string, string> {
  const out = new Map<string, string>()
  for (const g of list.split(',').filter((s) => s !== '')) {
    const [domain, , seq] = g.split('-')
    const prev = out.get(domain as string)
    if (prev === undefined || Number(prev.split('-')[2]) < Number(seq)) out.set(domain as string, g)
  }
  return out
}

/** The GTID position as a sorted, canonical list (domain order is not significant). */
export function canonicalGtid(list: string): string {
  return [...byDomain(list).values()].sort().join(',')
}

type BinlogEvent = { Pos: number | string; Event_type: string; Info: string }
const binlogEvents = new Map<string, BinlogEvent[]>()

/**
 * The GTID position at binlog offset `pos` of `file`, worked out from the binlog itself
 * (the file's Gtid_list, then every transaction's GTID event before `pos`), independently
 * of BINLOG_GTID_POS, which the loader uses.
 */
export async function gtidFromBinlog(
  admin: { query(sql: string): Promise<unknown> },
  file: string,
  pos: number,
): Promise<string> {
  // one read of the file serves every position before its end (the binlog only grows)
  let events = binlogEvents.get(file)
  if (events === undefined || Number(events.at(-1)?.Pos ?? 0) < pos) {
    ;[events] = (await admin.query(`SHOW BINLOG EVENTS IN '${file.replace(/'/g, '')}'`)) as [BinlogEvent[]]
    binlogEvents.set(file, events)
  }
  let state = new Map<string, string>()
  for (const e of events) {
    if (Number(e.Pos) >= pos) break
    if (e.Event_type === 'Gtid_list') state = byDomain(e.Info.replace(/^\[|\]$/g, ''))
    else if (e.Event_type === 'Gtid') {
      const g = /GTID (\d+-\d+-\d+)/.exec(e.Info)?.[1]
      if (g === undefined) throw new Error(`unexpected Gtid event info in ${file}: ${e.Info}`)
      state.set(g.split('-')[0] as string, g)
    }
  }
  return [...state.values()].sort().join(',')
}
