// One binlog connection: a zongji instance wired so that nothing it does can lose rows.
//
// States: starting → streaming → (failed | stopped). A session never recovers: any zongji
// error, stall or refusal ends it (`onFailure`), and the reader starts a fresh session
// from the last commit. Per event:
//   gtid / mariadbgtid   → a transaction group starts (MariaDB standalone = DDL group)
//   query BEGIN          → begin;  COMMIT/ROLLBACK/XA COMMIT → commit
//   query DDL            → ddl (+ commit when the group is standalone)
//   tablemap             → column specs (a catalog lookup pauses the socket for MariaDB JSON)
//   write/update/delete  → rendered rows
//   xid                  → commit
// Guards for the zongji 0.9.0 behaviours in shared/reference/binlog-reader-notes.md:
// every 'error' fails the session; errors after stop() are ignored; the INFORMATION_SCHEMA
// metadata path is refused (it mislabels columns after DDL); startAtEnd is never used;
// heartbeats and net_write_timeout are set in the 'ready' hook; pause is re-asserted
// after every event because zongji's internal resume() can cancel it.

import ZongJi from '@vlasky/zongji'
import { BinlogError } from '../errors.ts'
import { mysqlTypes, specFromTableMap } from '../render/column-spec.ts'
import type { RenderedRow } from '../render/raw-json.ts'
import type { ValueRenderer } from '../render/renderer.ts'
import { classifyError, undecodableEventError } from './classify.ts'
import { isStatementDml, parseDdl } from './ddl.ts'
import type { BinlogPosition, ReaderEvent } from './events.ts'
import type { PositionTracker } from './position-tracker.ts'
import { absentColumns, isFullRowImage, partialRowImageError } from './row-image.ts'
import type { TableFilter } from './table-filter.ts'
import { buildTableInfo, type JsonCatalog, type TableInfo } from './table-info.ts'
import type { ZongjiEvent, ZongjiLike } from './zongji-types.ts'

export interface SessionConfig {
  dsn: Record<string, unknown>
  serverId: number
  isMariaDb: boolean
  tracker: PositionTracker
  filter: TableFilter
  renderer: ValueRenderer
  catalog: JsonCatalog
  heartbeatMs: number
  netWriteTimeoutSeconds: number
  requireFullMetadata: boolean
  emptyCommitIntervalMs: number
  tableCacheSize: number
  /** A catalog lookup (socket paused, so no stall watchdog) fails the session after this long. */
  catalogTimeoutMs: number
  now(): number
  emit(event: ReaderEvent, weight: number): void
  onFailure(error: BinlogError): void
}

const includeEvents = [
  'tablemap',
  'writerows',
  'updaterows',
  'deleterows',
  'query',
  'xid',
  'gtid',
  'mariadbgtid',
  'rotate',
  'heartbeat',
  'xaprepare',
  'transactionpayload',
  'partialupdaterows',
]

export class Session {
  private readonly z: ZongjiLike
  private stopping = false
  private failed = false
  private readonly pauseReasons = new Set<string>()
  private inTxn = false
  private txnEmitted = false
  private txnTimestamp = 0
  private lastEmptyCommitAt = 0
  private readonly tables = new Map<number, TableInfo>()
  /** Table ids whose TableMap zongji stored since the last prune. */
  private readonly mapIds = new Set<number>()
  threadId: number | undefined
  lastActivity: number
  rowsDecoded = 0

  constructor(private readonly config: SessionConfig) {
    this.lastActivity = config.now()
    this.lastEmptyCommitAt = config.now()
    this.z = new ZongJi(config.dsn) as unknown as ZongjiLike
  }

  /** Resolves once the dump command is queued; rejects when the session fails before that. */
  start(resume: BinlogPosition, useGtid: boolean): Promise<void> {
    const { z, config } = this
    return new Promise<void>((resolve, reject) => {
      let ready = false
      z.on('error', (err: unknown) => {
        if (this.stopping) return
        const error = classifyError(err, config.tracker.committed, config.serverId)
        if (!ready) {
          // start() rejects; the caller handles it, so it is not reported twice
          this.failed = true
          reject(error)
          return
        }
        this.fail(error)
      })
      z.on('binlog', (event: ZongjiEvent) => this.handle(event))
      z.on('ready', () => {
        const conn = z.connection
        if (!conn) return
        this.threadId = conn.threadId
        const ns = BigInt(config.heartbeatMs) * 1_000_000n
        const check = (err: unknown) => {
          if (err && !this.stopping) this.fail(classifyError(err, config.tracker.committed, config.serverId))
        }
        // Queued before zongji queues COM_BINLOG_DUMP (it emits 'ready' first)
        conn.query(`SET @master_heartbeat_period = ${ns}, @source_heartbeat_period = ${ns}`, check)
        conn.query(`SET SESSION net_write_timeout = ${config.netWriteTimeoutSeconds}`, check)
        conn.stream?.on('data', () => {
          this.lastActivity = config.now()
        })
        ready = true
        resolve()
      })
      if (config.requireFullMetadata) {
        // zongji calls this only when a TableMap lacks FULL metadata; its answer would come
        // from the current catalog, not the schema the event was written with
        z._fetchTableInfo = (event) => {
          this.fail(
            new BinlogError(
              'BINLOG_UNSUPPORTED',
              `the TableMap of ${event.schemaName}.${event.tableName} carries no column names ` +
                '(binlog_row_metadata is not FULL, or the table has pre-5.6 temporal columns); decoding it ' +
                'from INFORMATION_SCHEMA can mislabel values after DDL, so the reader refuses. ' +
                'Set binlog_row_metadata=FULL (and rebuild old-temporal tables) or re-snapshot.',
              {
                retriable: false,
                database: event.schemaName,
                table: event.tableName,
                binlogFile: config.tracker.committed.file,
                binlogPos: config.tracker.committed.pos,
              },
            ),
          )
        }
      }
      if (!config.filter.includeSchema) {
        // Same hook zongji uses for includeSchema: a skipped TableMap makes its rows skip decoding
        z._skipSchema = (database: string, table: string) => !config.filter.wants(database, table)
      }
      z.start({
        serverId: config.serverId,
        includeEvents,
        ...(config.filter.includeSchema ? { includeSchema: config.filter.includeSchema } : {}),
        ...(useGtid && resume.gtid !== undefined
          ? { gtidSet: resume.gtid }
          : { filename: resume.file, position: resume.pos }),
      })
    })
  }

  async stop(): Promise<void> {
    if (this.stopping) return
    this.stopping = true
    const z = this.z
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, 3000)
      z.once('stopped', () => {
        clearTimeout(timer)
        resolve()
      })
      try {
        z.stop()
      } catch {
        clearTimeout(timer)
        resolve()
      }
    })
    z.removeAllListeners('binlog')
  }

  get paused(): boolean {
    return this.pauseReasons.size > 0
  }

  pause(reason: string): void {
    this.pauseReasons.add(reason)
    this.z.connection?.pause()
  }

  resume(reason: string): void {
    this.pauseReasons.delete(reason)
    if (this.pauseReasons.size === 0 && !this.stopping) {
      this.lastActivity = this.config.now()
      this.z.connection?.resume()
    }
  }

  fail(error: BinlogError): void {
    if (this.failed || this.stopping) return
    this.failed = true
    this.config.onFailure(error)
  }

  private handle(event: ZongjiEvent): void {
    if (this.stopping || this.failed) return
    try {
      this.dispatch(event)
    } catch (err) {
      this.fail(
        err instanceof BinlogError
          ? err
          : classifyError(err, this.config.tracker.committed, this.config.serverId),
      )
    }
    // zongji resumes the connection after its own metadata fetches; keep our pause
    const conn = this.z.connection
    if (this.pauseReasons.size > 0 && conn && !conn._paused) conn.pause()
  }

  private dispatch(e: ZongjiEvent): void {
    const { config } = this
    switch (e.getEventName()) {
      case 'mariadbgtid':
        this.startGroup(e, { text: e.gtid as string, mariadb: e as never })
        if (!e.standalone) this.inTxn = true
        return
      case 'gtid':
        this.startGroup(e, { text: e.gtid as string })
        return
      case 'query':
        this.onQuery(e)
        return
      case 'xid':
        this.commit(e)
        return
      case 'tablemap':
        this.onTableMap(e)
        return
      case 'writerows':
      case 'deleterows':
      case 'updaterows':
        this.onRows(e)
        return
      case 'transactionpayload':
      case 'partialupdaterows':
        throw undecodableEventError(e.getEventName() as 'partialupdaterows', config.tracker.committed)
      default:
        return
    }
  }

  private startGroup(e: ZongjiEvent, gtid: { text: string; mariadb?: never }): void {
    this.config.tracker.beginGroup(gtid)
    this.inTxn = false
    this.txnEmitted = false
    this.txnTimestamp = e.timestamp
  }

  private ensureBegin(e: ZongjiEvent): void {
    if (this.txnEmitted) return
    this.txnEmitted = true
    const { tracker } = this.config
    this.config.emit(
      {
        kind: 'begin',
        timestamp: this.txnTimestamp || e.timestamp,
        position: tracker.committed,
        ...this.gtid(),
      },
      0,
    )
  }

  private gtid(): { gtid?: string } {
    const g = this.config.tracker.currentGtid
    return g === undefined ? {} : { gtid: g }
  }

  private onQuery(e: ZongjiEvent): void {
    const { config } = this
    const statement = e.query as string
    const head = statement.trimStart().slice(0, 12).toUpperCase()
    if (head === 'BEGIN') {
      this.inTxn = true
      this.txnTimestamp = e.timestamp
      return
    }
    if (
      head === 'COMMIT' ||
      head.startsWith('ROLLBACK') ||
      head.startsWith('XA COMMIT') ||
      head.startsWith('XA ROLLBACK')
    ) {
      this.commit(e)
      return
    }
    const database = (e.schema as string) ?? ''
    if (isStatementDml(statement)) {
      if (config.filter.wantsDatabase(database)) {
        throw new BinlogError(
          'BINLOG_UNSUPPORTED',
          `a DML statement arrived as SQL text (a session with binlog_format STATEMENT or MIXED) in ` +
            `database ${database}; its rows cannot be read from the binlog`,
          { retriable: false, database },
        )
      }
      return
    }
    const parsed = parseDdl(statement, database)
    if (parsed) {
      config.catalog.invalidate(parsed.tables, parsed.targetDatabase)
      this.tables.clear()
      const wanted =
        parsed.tables.length > 0
          ? parsed.tables.some((t) => config.filter.wants(t.database, t.table))
          : config.filter.wantsDatabase(parsed.targetDatabase ?? database)
      const captured = ['table', 'index', 'database', 'view', 'sequence'].includes(parsed.object)
      if (wanted && captured) {
        this.txnEmitted = true
        config.emit(
          {
            kind: 'ddl',
            ddl: parsed.ddl,
            object: parsed.object,
            statement,
            database,
            tables: parsed.tables,
            ...(parsed.targetDatabase !== undefined ? { targetDatabase: parsed.targetDatabase } : {}),
            timestamp: e.timestamp,
            position: config.tracker.committed,
            ...this.gtid(),
          },
          1,
        )
      }
    }
    if (!this.inTxn) this.commit(e)
  }

  private commit(e: ZongjiEvent): void {
    const { config } = this
    const file = this.z.options.filename ?? config.tracker.committed.file
    const checkpoint = config.tracker.commit(file, e.nextPosition)
    const emitted = this.txnEmitted
    this.inTxn = false
    this.txnEmitted = false
    if (this.mapIds.size > config.tableCacheSize) this.pruneTables()
    const now = config.now()
    if (!emitted && now - this.lastEmptyCommitAt < config.emptyCommitIntervalMs) return
    if (!emitted) this.lastEmptyCommitAt = now
    config.emit({ kind: 'commit', timestamp: e.timestamp, position: checkpoint, checkpoint }, 0)
  }

  /**
   * zongji keeps one table map entry per table id forever (a new id after every FLUSH
   * TABLES, ALTER or table-cache eviction). Emptying it is safe only where no rows event
   * can still refer to an earlier TableMap: at a commit, or after a rows event with
   * STMT_END_F, since the server re-sends the TableMaps of every statement. So the map and
   * the plans hold at most `tableCacheSize` tables plus those of the statement being read.
   */
  private pruneTables(): void {
    const map = this.z.tableMap
    for (const id of Object.keys(map)) delete map[id as unknown as number]
    this.mapIds.clear()
    this.tables.clear()
  }

  get tableMapSize(): number {
    return Object.keys(this.z.tableMap).length
  }

  get tablePlanCount(): number {
    return this.tables.size
  }

  private onTableMap(e: ZongjiEvent): void {
    const { config } = this
    this.mapIds.add(e.tableId as number)
    const entry = this.z.tableMap[e.tableId as number]
    if (!entry?.columns) {
      throw new BinlogError('BINLOG_PARSE', `no column metadata for ${e.schemaName}.${e.tableName}`, {
        database: e.schemaName as string,
        table: e.tableName as string,
      })
    }
    const database = e.schemaName as string
    const table = e.tableName as string
    const needsCatalog =
      config.isMariaDb &&
      entry.columns.some(
        (c) => c.type === mysqlTypes.BLOB && c.charset !== null && c.metadata?.length_size === 4,
      )
    const previous = this.tables.get(e.tableId as number)
    if (
      previous &&
      previous.database === database &&
      previous.table === table &&
      sameColumns(previous, entry.columns)
    ) {
      return
    }
    const build = (json: ReadonlySet<string>) => {
      this.tables.set(e.tableId as number, buildTableInfo(e, entry, json, specFromTableMap))
    }
    const cached = needsCatalog ? config.catalog.cached(database, table) : emptySet
    if (cached) {
      build(cached)
      return
    }
    // LONGTEXT may be JSON (a json_valid CHECK): ask the catalog with the socket paused.
    // The stall watchdog ignores paused sessions, so the lookup has its own deadline; the
    // next session gets a new control connection, which ends a lookup stuck on this one.
    this.pause('catalog')
    const timer = setTimeout(() => {
      const at = config.tracker.committed
      this.fail(
        new BinlogError(
          'BINLOG_STALLED',
          `the catalog lookup of JSON columns for ${database}.${table} got no answer within ` +
            `${config.catalogTimeoutMs} ms; reconnecting`,
          { database, table, binlogFile: at.file, binlogPos: at.pos, gtid: at.gtid },
        ),
      )
    }, config.catalogTimeoutMs)
    config.catalog.load(database, table).then(
      (json) => {
        clearTimeout(timer)
        if (this.stopping || this.failed) return
        build(json)
        this.resume('catalog')
      },
      (err) => {
        clearTimeout(timer)
        this.fail(classifyError(err, config.tracker.committed, config.serverId))
      },
    )
  }

  private onRows(e: ZongjiEvent): void {
    const { config } = this
    const info = this.tables.get(e.tableId as number)
    if (!info) {
      throw new BinlogError(
        'BINLOG_PARSE',
        `row event for table id ${e.tableId} without a preceding TableMap`,
      )
    }
    const name = e.getEventName()
    // A MINIMAL/NOBLOB session leaves columns out; zongji would show them as NULL
    const count = (e.numberOfColumns as number | undefined) ?? info.columnNames.length
    const present = e.columns_present_bitmap as Uint8Array | undefined
    const present2 = e.columns_present_bitmap2 as Uint8Array | undefined
    if (!isFullRowImage(present, count) || !isFullRowImage(present2, count)) {
      throw this.partialImage(e, info, name, present, present2, count)
    }
    this.ensureBegin(e)
    const call = { database: info.database, table: info.table }
    const render = (row: Record<string, unknown>): RenderedRow =>
      config.renderer.renderRow(info.specs, row, call)
    const source = e.rows as Array<Record<string, unknown>>
    const base = {
      database: info.database,
      table: info.table,
      primaryKey: info.primaryKey,
      columns: info.columnNames,
      timestamp: e.timestamp,
      position: config.tracker.committed,
      eventEnd: {
        file: this.z.options.filename ?? config.tracker.committed.file,
        pos: e.nextPosition as number,
      },
      ...this.gtid(),
    }
    this.rowsDecoded += source.length
    if (name === 'updaterows') {
      const rows = source.map((pair) => ({
        before: render(pair.before as Record<string, unknown>),
        after: render(pair.after as Record<string, unknown>),
      }))
      config.emit({ kind: 'update', ...base, rows }, rows.length)
    } else {
      const rows = source.map(render)
      config.emit({ kind: name === 'writerows' ? 'insert' : 'delete', ...base, rows }, rows.length)
    }
    // STMT_END_F: the statement's last rows event; its TableMaps are sent again if needed
    if ((e.flags as number) & 1 && this.mapIds.size > config.tableCacheSize) this.pruneTables()
  }

  private partialImage(
    e: ZongjiEvent,
    info: TableInfo,
    name: string,
    present: Uint8Array | undefined,
    present2: Uint8Array | undefined,
    count: number,
  ): BinlogError {
    const isUpdate = name === 'updaterows'
    const beforeFull = isFullRowImage(present, count)
    const bitmap = (beforeFull ? present2 : present) as Uint8Array
    const kind = isUpdate ? 'update' : name === 'writerows' ? 'insert' : 'delete'
    return partialRowImageError({
      database: info.database,
      table: info.table,
      kind,
      image: isUpdate ? (beforeFull ? 'after' : 'before') : 'row',
      missing: absentColumns(bitmap, info.columnNames),
      binlogFile: this.z.options.filename ?? this.config.tracker.committed.file,
      // the common header is 19 bytes; `size` is the rest of the event
      binlogPos:
        e.nextPosition > 0 ? e.nextPosition - (e.size as number) - 19 : this.config.tracker.committed.pos,
      ...this.gtid(),
    })
  }
}

const emptySet: ReadonlySet<string> = new Set()

/** A table id's cached plan still fits this TableMap: same names and type codes, in order. */
function sameColumns(info: TableInfo, columns: ReadonlyArray<{ name: string; type: number }>): boolean {
  if (info.columnNames.length !== columns.length) return false
  for (let i = 0; i < columns.length; i++) {
    const c = columns[i] as { name: string; type: number }
    if (info.columnNames[i] !== c.name || info.types[i] !== c.type) return false
  }
  return true
}
