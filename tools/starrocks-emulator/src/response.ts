// Stream Load reply bodies in the field order of StarRocks' StreamLoadContext::to_json
// (§4.1) or Doris' (§8), pretty-printed like rapidjson's PrettyWriter (4-space indent).

export interface LoadReply {
  txnId: number
  label: string
  status: 'Success' | 'Publish Timeout' | 'Label Already Exists' | 'Fail'
  existingJobStatus?: 'RUNNING' | 'FINISHED'
  message: string
  total?: number
  loaded?: number
  filtered?: number
  unselected?: number
  loadBytes?: number
  loadTimeMs?: number
  errorUrl?: string
  /** Doris' status code prefix for Message, e.g. DATA_QUALITY_ERROR. */
  dorisCode?: string
}

export function renderReply(r: LoadReply, flavour: 'starrocks' | 'doris'): string {
  const doris = flavour === 'doris'
  const body: Record<string, unknown> = { TxnId: r.txnId, Label: r.label }
  if (doris) {
    body.Comment = ''
    body.TwoPhaseCommit = 'false'
  }
  body.Status = r.status
  if (r.existingJobStatus) body.ExistingJobStatus = r.existingJobStatus
  body.Message = doris && r.status === 'Fail' && r.dorisCode ? `[${r.dorisCode}]${r.message}` : r.message
  body.NumberTotalRows = r.total ?? 0
  body.NumberLoadedRows = doris && r.status === 'Fail' ? 0 : (r.loaded ?? 0)
  body.NumberFilteredRows = r.filtered ?? 0
  body.NumberUnselectedRows = r.unselected ?? 0
  body.LoadBytes = r.loadBytes ?? 0
  body.LoadTimeMs = r.loadTimeMs ?? 0
  body.BeginTxnTimeMs = 0
  body[doris ? 'StreamLoadPutTimeMs' : 'StreamLoadPlanTimeMs'] = 0
  body.ReadDataTimeMs = 0
  body.WriteDataTimeMs = 0
  body.CommitAndPublishTimeMs = 0
  if (r.errorUrl) body.ErrorURL = r.errorUrl
  return JSON.stringify(body, null, 4)
}
