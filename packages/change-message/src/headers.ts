import { type ChangeSource, messageVersion, type OutputFormat } from './change.ts'

/** Kafka header names. Legacy consumers (the seed's Java transform) ignore headers. */
export const headerNames = {
  version: 'sync-version',
  format: 'sync-format',
  op: 'sync-op',
  kind: 'sync-kind',
  database: 'sync-db',
  table: 'sync-table',
  target: 'sync-target',
  binlogFile: 'sync-binlog-file',
  binlogPos: 'sync-binlog-pos',
  gtid: 'sync-gtid',
  eventTime: 'sync-event-time',
} as const

export function buildHeaders(
  op: 'upsert' | 'delete',
  format: OutputFormat,
  source: ChangeSource,
): Record<string, string> {
  const h: Record<string, string> = {
    [headerNames.version]: messageVersion,
    [headerNames.format]: format,
    [headerNames.op]: op,
    [headerNames.kind]: source.kind,
    [headerNames.database]: source.database,
    [headerNames.table]: source.table,
  }
  if (source.target !== undefined) h[headerNames.target] = source.target
  if (source.binlogFile !== undefined) h[headerNames.binlogFile] = source.binlogFile
  if (source.binlogPos !== undefined) h[headerNames.binlogPos] = String(source.binlogPos)
  if (source.gtid !== undefined) h[headerNames.gtid] = source.gtid
  if (source.timestamp !== undefined) h[headerNames.eventTime] = String(source.timestamp)
  return h
}

export type RawHeaders = Record<string, string | Buffer | Uint8Array | Array<string | Buffer> | undefined>

/** kafkajs gives header values as Buffers; this reads them back as strings. */
export function readHeaders(headers: RawHeaders | undefined): Record<string, string> {
  const out: Record<string, string> = {}
  if (!headers) return out
  for (const [k, v] of Object.entries(headers)) {
    if (v === undefined) continue
    const one = Array.isArray(v) ? v[v.length - 1] : v
    if (one === undefined) continue
    out[k] = typeof one === 'string' ? one : Buffer.from(one).toString('utf8')
  }
  return out
}

/** The source described by headers, when the producer sent them. */
export function sourceFromHeaders(h: Record<string, string>): Partial<ChangeSource> {
  const src: Partial<ChangeSource> = {}
  if (h[headerNames.database] !== undefined) src.database = h[headerNames.database]
  if (h[headerNames.table] !== undefined) src.table = h[headerNames.table]
  if (h[headerNames.target] !== undefined) src.target = h[headerNames.target]
  if (h[headerNames.binlogFile] !== undefined) src.binlogFile = h[headerNames.binlogFile]
  if (h[headerNames.binlogPos] !== undefined) src.binlogPos = Number(h[headerNames.binlogPos])
  if (h[headerNames.gtid] !== undefined) src.gtid = h[headerNames.gtid]
  if (h[headerNames.eventTime] !== undefined) src.timestamp = Number(h[headerNames.eventTime])
  const kind = h[headerNames.kind]
  if (kind === 'insert' || kind === 'update' || kind === 'delete' || kind === 'snapshot') src.kind = kind
  return src
}
