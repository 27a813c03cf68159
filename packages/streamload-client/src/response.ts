// Reading a Stream Load reply (§4). The outcome is the body's Status, never the HTTP code.
// Field names are matched case-insensitively and unknown fields ignored, as the official
// SDK does, since names drift between versions and between StarRocks and Doris (§10.14).
import { StreamLoadError, type StreamLoadErrorCode } from './errors.ts'

export interface LoadReplyFields {
  status: string
  message: string
  label?: string
  txnId: number
  existingJobStatus?: string
  totalRows: number
  loadedRows: number
  filteredRows: number
  unselectedRows: number
  loadBytes: number
  errorUrl?: string
  raw: Record<string, unknown>
}

export function parseReply(text: string): LoadReplyFields | undefined {
  let raw: unknown
  try {
    raw = JSON.parse(text)
  } catch {
    return undefined
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return undefined
  const lower = new Map(Object.entries(raw).map(([k, v]) => [k.toLowerCase(), v]))
  const str = (k: string) =>
    lower.get(k) === undefined || lower.get(k) === null ? undefined : String(lower.get(k))
  const num = (k: string) => {
    const v = Number(lower.get(k))
    return Number.isFinite(v) ? v : 0
  }
  const status = str('status')
  if (status === undefined) return undefined
  return {
    status,
    message: str('message') ?? str('msg') ?? '',
    ...(str('label') === undefined ? {} : { label: str('label') }),
    txnId: lower.has('txnid') ? num('txnid') : -1,
    ...(str('existingjobstatus') === undefined ? {} : { existingJobStatus: str('existingjobstatus') }),
    totalRows: num('numbertotalrows'),
    loadedRows: num('numberloadedrows'),
    filteredRows: num('numberfilteredrows'),
    unselectedRows: num('numberunselectedrows'),
    loadBytes: num('loadbytes'),
    ...(str('errorurl') ? { errorUrl: str('errorurl') } : {}),
    raw: raw as Record<string, unknown>,
  }
}

export type ReplyOutcome =
  | { ok: true; status: 'Success' | 'Publish Timeout' | 'Label Already Exists'; visible: boolean }
  | { ok: false; code: StreamLoadErrorCode; retriable: boolean }

const LABEL_USED = /Label \[.*\] has already been used/
const RULES: Array<[RegExp, StreamLoadErrorCode, boolean]> = [
  [/too many filtered rows/i, 'SL_FILTERED_ROWS', false],
  [/access denied|no valid basic authorization|need auth information/i, 'SL_AUTH', false],
  [
    /failed to parse json|illegal json|failed to iterate|array type|INCORRECT_TYPE|json data|read_json_by_line/i,
    'SL_BAD_DATA',
    false,
  ],
  [
    /unknown database|unknown table|label format error|mapping column|duplicate column|has no default value|invalid json path|invalid .*format|merge condition|partial update|primary key size exceed|unknown data format|exceed the max size|exceed limit|no database selected|no table selected|not supported|only supports|does not evaluate|must be one of/i,
    'SL_BAD_REQUEST',
    false,
  ],
  [/all partitions have no load data|no partitions have data/i, 'SL_BAD_DATA', false],
]

/** Decides a reply's outcome: §0 of the reference, plus the SDK's non-retriable messages. */
export function classifyReply(r: LoadReplyFields): ReplyOutcome {
  const s = r.status.toLowerCase()
  if (s === 'success' || s === 'ok') return { ok: true, status: 'Success', visible: true }
  if (s === 'publish timeout' || s === 'publish_timeout')
    return { ok: true, status: 'Publish Timeout', visible: false }
  if (s === 'label already exists' || s === 'label_already_exists' || LABEL_USED.test(r.message)) {
    if (r.existingJobStatus?.toUpperCase() === 'FINISHED')
      return { ok: true, status: 'Label Already Exists', visible: false }
    return { ok: false, code: 'SL_LABEL_RUNNING', retriable: true }
  }
  for (const [re, code, retriable] of RULES) {
    if (re.test(r.message)) {
      if (code === 'SL_BAD_DATA' && r.filteredRows > 0)
        return { ok: false, code: 'SL_FILTERED_ROWS', retriable: false }
      return { ok: false, code, retriable }
    }
  }
  return { ok: false, code: 'SL_LOAD_FAILED', retriable: true }
}

export function replyError(
  r: LoadReplyFields,
  outcome: Extract<ReplyOutcome, { ok: false }>,
  ctx: { label: string; endpoint: string; httpStatus: number },
): StreamLoadError {
  return new StreamLoadError(
    outcome.code,
    `stream load of label ${ctx.label} failed: ${r.status}: ${r.message}`,
    {
      retriable: outcome.retriable,
      label: ctx.label,
      httpStatus: ctx.httpStatus,
      status: r.status,
      serverMessage: r.message,
      txnId: r.txnId,
      endpoint: ctx.endpoint,
      loadedRows: r.loadedRows,
      filteredRows: r.filteredRows,
      ...(r.errorUrl ? { errorUrl: r.errorUrl } : {}),
    },
  )
}
