// BE `PUT /api/{db}/{table}/_stream_load`, with the checks in the order of §1.3: header-time
// failures are answered before the body is read (and without `100 Continue`), then the
// transaction begins (labels), the load is planned, the body read, rows filtered against
// max_filter_ratio, and the load applied to MariaDB in one transaction.
import { randomBytes, randomUUID } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { applyLoad } from './apply.ts'
import {
  basicAuth,
  canInsert,
  checkPassword,
  type EmulatorContext,
  header,
  INSERT_DENIED,
  sendJson,
  sleep,
} from './context.ts'
import { existingJobStatus, type LabelEntry } from './labels.ts'
import { PlanError, planLoad } from './plan.ts'
import { type LoadReply, renderReply } from './response.ts'
import { LoadFailure, readRows } from './rows.ts'

const LABEL = /^[-\w]{1,128}$/
const DORIS_LABEL = /^[-_A-Za-z0-9:]{1,128}$/

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => resolve(Buffer.concat(chunks)))
    req.on('error', reject)
  })
}

function bool(v: string | undefined, name: string, message: string): boolean {
  if (v === undefined || v === '') return false
  if (/^true$/i.test(v)) return true
  if (/^false$/i.test(v)) return false
  throw new LoadFailure(message.replace('%s', name))
}

const DORIS_UPDATE_MODES = ['UPSERT', 'UPDATE_FIXED_COLUMNS', 'UPDATE_FLEXIBLE_COLUMNS']

/**
 * Doris' partial update (§8): `unique_key_update_mode`, matched case-insensitively; the legacy
 * `partial_columns: true` counts only when that header is absent (Doris' _process_put).
 */
function dorisPartialUpdate(req: IncomingMessage): boolean {
  const mode = header(req, 'unique_key_update_mode')
  if (!mode) return /^true$/i.test(header(req, 'partial_columns') ?? '')
  const known = DORIS_UPDATE_MODES.find((m) => m === mode.toUpperCase())
  if (!known)
    throw new LoadFailure(
      `Invalid unique_key_partial_mode ${mode}, must be one of 'UPSERT', 'UPDATE_FIXED_COLUMNS' or 'UPDATE_FLEXIBLE_COLUMNS'`,
    )
  if (known === 'UPDATE_FLEXIBLE_COLUMNS')
    throw new LoadFailure('unique_key_update_mode UPDATE_FLEXIBLE_COLUMNS is not supported by the emulator')
  return known === 'UPDATE_FIXED_COLUMNS'
}

export async function handleStreamLoad(
  ctx: EmulatorContext,
  be: number,
  req: IncomingMessage,
  res: ServerResponse,
  db: string,
  table: string,
  expectContinue: boolean,
): Promise<void> {
  const started = Date.now()
  const doris = ctx.flavour === 'doris'
  const label = header(req, 'label') || randomUUID()
  const reply = (r: Omit<LoadReply, 'label'>) => {
    sendJson(res, 200, renderReply({ label, loadTimeMs: Date.now() - started, ...r }, ctx.flavour))
  }
  const fail = (message: string, txnId = -1, extra: Partial<LoadReply> = {}) =>
    reply({ txnId, status: 'Fail', message, ...extra })

  // header-time checks (§1.3 rows 3-9): reply before reading the body
  const auth = basicAuth(req)
  if (!auth) return fail('no valid Basic authorization')
  const length = Number(header(req, 'content-length') ?? Number.NaN)
  if (length > ctx.maxBodyBytes)
    return fail(
      `body size ${length} exceed limit: ${ctx.maxBodyBytes}, You can increase the limit by setting streaming_load_max_mb in be.conf.`,
    )
  const format = (header(req, 'format') ?? 'csv').toLowerCase()
  if (!['csv', 'json', 'gzip', 'bzip2', 'lz4', 'deflate', 'zstd'].includes(format))
    return fail(`unknown data format, format=${format}`)
  if (format !== 'json') return fail(`the emulator loads format=json only, format=${format}`)
  if (length > ctx.maxJsonBytes && !/^true$/i.test(header(req, 'ignore_json_size') ?? ''))
    return fail(
      `The size of this batch exceed the max size [${ctx.maxJsonBytes}]  of json type data  data [ ${length} ]. Set ignore_json_size to skip the check, although it may lead huge memory consuming.`,
    )
  const timeout = header(req, 'timeout')
  if (timeout !== undefined && !/^\d+$/.test(timeout)) return fail('Invalid timeout format')

  // begin txn (row 10): FE authentication, label format and uniqueness, db/table existence
  if (!checkPassword(ctx, auth)) return fail(`Access denied for user '${auth.user}'`)
  if (!canInsert(ctx, auth.user, db, table)) return fail(INSERT_DENIED)
  if (!(doris ? DORIS_LABEL : LABEL).test(label))
    return fail(`Label format error. regex: ${doris ? DORIS_LABEL.source : LABEL.source}, label: ${label}`)
  if (!(await ctx.catalog.databaseExists(db))) return fail(`unknown database, database=${db}`)
  const schema = await ctx.catalog.table(db, table)
  if (!schema) return fail(`unknown table "${db}.${table}"`)
  const refused = ctx.faults.take('load-fail', be)
  if (refused)
    return fail(refused.message ?? `current running txns on db ${db} is 100, larger than limit 100`)
  const begun = ctx.labels.begin(db, label)
  if (!begun.ok) {
    const e = begun.existing
    return reply({
      txnId: -1,
      status: 'Label Already Exists',
      existingJobStatus: existingJobStatus(e.state),
      message: `Label [${label}] has already been used.`,
      dorisCode: 'LABEL_ALREADY_EXISTS',
    })
  }
  const txn: LabelEntry = begun.entry
  let loadBytes = 0
  try {
    const strictMode = bool(
      header(req, 'strict_mode'),
      'strict_mode',
      'Invalid strict mode format. Must be bool type',
    )
    const partialUpdate = bool(
      header(req, 'partial_update'),
      'partial_update',
      'Invalid partial update flag format. Must be bool type',
    )
    if (header(req, 'where')) throw new LoadFailure('the emulator does not evaluate the where header')
    let plan: ReturnType<typeof planLoad>
    try {
      plan = planLoad(schema, {
        columns: header(req, 'columns'),
        jsonpaths: header(req, 'jsonpaths'),
        partialUpdate: doris ? dorisPartialUpdate(req) : partialUpdate,
        mergeCondition: header(req, 'merge_condition'),
        doris,
        mergeType: header(req, 'merge_type'),
        hiddenColumns: header(req, 'hidden_columns'),
      })
    } catch (err) {
      if (err instanceof PlanError) throw new LoadFailure(err.message)
      throw err
    }

    if (expectContinue) res.writeContinue()
    const body = await readBody(req)
    loadBytes = body.length
    if (Number.isFinite(length) && length !== body.length)
      throw new LoadFailure("receive body don't equal with body bytes")
    const result = readRows(body.toString('utf8'), schema, plan, {
      stripOuterArray: /^true$/i.test(header(req, 'strip_outer_array') ?? ''),
      jsonRoot: header(req, 'json_root') || undefined,
      strictMode,
      doris,
      readJsonByLine: /^true$/i.test(header(req, 'read_json_by_line') ?? ''),
    })
    const filtered = result.filtered.length
    const loaded = result.rows.length
    let errorUrl: string | undefined
    if (filtered > 0) {
      const file = `error_log_${randomBytes(8).toString('hex')}_${randomBytes(8).toString('hex')}`
      ctx.errorLogs.set(
        file,
        result.filtered.slice(0, ctx.maxErrorLines).map((f) => `Error: ${f.message}. Row: ${f.raw}`),
      )
      errorUrl = `http://${ctx.beAddresses[be]}/api/_load_error_log?file=${file}`
    }
    const counts = {
      total: result.total,
      loaded,
      filtered,
      unselected: 0,
      loadBytes,
      ...(errorUrl ? { errorUrl } : {}),
    }
    const ratio = Number.parseFloat(header(req, 'max_filter_ratio') ?? '0') || 0
    const selected = result.total
    if (selected > 0 && filtered / selected > ratio) {
      ctx.labels.set(txn, 'ABORTED')
      return fail('too many filtered rows', txn.txnId, { ...counts, dorisCode: 'DATA_QUALITY_ERROR' })
    }
    if (loaded === 0) {
      ctx.labels.set(txn, 'ABORTED')
      return fail('all partitions have no load data', txn.txnId, counts)
    }
    const before = ctx.faults.take('latency', be, (f) => f.phase === 'before-apply')
    if (before) await sleep(before.ms)
    const pending = await applyLoad(ctx.pool, schema, plan, result.rows)
    const record = { database: db, table, label, txnId: txn.txnId, rows: loaded, receivedAt: started }
    const publishTimeout = ctx.faults.take('publish-timeout', be)
    if (publishTimeout) {
      ctx.labels.set(txn, 'COMMITTED')
      const later = sleep(publishTimeout.visibleAfterMs ?? 200)
        .then(() => pending.commit())
        .then(() => {
          ctx.labels.set(txn, 'VISIBLE')
          ctx.applied.push(record)
        })
      ctx.pending.add(later)
      later.finally(() => ctx.pending.delete(later)).catch(() => {})
      return reply({
        txnId: txn.txnId,
        status: 'Publish Timeout',
        message: 'Publish timeout. The data will be visible after a while',
        ...counts,
      })
    }
    await pending.commit()
    ctx.labels.set(txn, 'VISIBLE')
    ctx.applied.push(record)
    const after = ctx.faults.take('latency', be, (f) => f.phase !== 'before-apply')
    if (after) await sleep(after.ms)
    if (ctx.faults.take('reset', be, (f) => f.phase === 'after-apply')) {
      req.socket.destroy()
      return
    }
    return reply({ txnId: txn.txnId, status: 'Success', message: 'OK', ...counts })
  } catch (err) {
    ctx.labels.set(txn, 'ABORTED')
    if (err instanceof LoadFailure) return fail(err.message, txn.txnId, { loadBytes })
    throw err
  }
}
