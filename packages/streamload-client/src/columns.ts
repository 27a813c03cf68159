// The `columns` and `jsonpaths` headers from a column list (§2.3, §3.3). In jsonpaths mode
// the i-th path feeds the i-th bare name of `columns`, so both are built from one list.

export interface ColumnsHeaderOptions {
  /** Append `__op` (StarRocks: 0 upsert, nonzero delete, read from each row's "__op" key). */
  withOp?: boolean
  /** Append `__DORIS_DELETE_SIGN__` (Doris: 1 delete, 0 upsert). */
  withDorisDeleteSign?: boolean
}

const quoteColumn = (name: string) =>
  /^[A-Za-z_][\w]*$/.test(name) ? name : '`' + name.replace(/`/g, '``') + '`'

function withExtras(columns: readonly string[], options: ColumnsHeaderOptions): string[] {
  if (columns.length === 0) throw new TypeError('columns must list at least one column')
  const out = [...columns]
  if (options.withOp && !out.includes('__op')) out.push('__op')
  if (options.withDorisDeleteSign && !out.includes('__DORIS_DELETE_SIGN__')) out.push('__DORIS_DELETE_SIGN__')
  return out
}

/** `id,name,__op`: the value of the `columns` header for rows keyed by these names. */
export function buildColumnsHeader(columns: readonly string[], options: ColumnsHeaderOptions = {}): string {
  return withExtras(columns, options).map(quoteColumn).join(',')
}

/** `["$.id","$.name","$.__op"]`: the `jsonpaths` header matching buildColumnsHeader's order. */
export function buildJsonPaths(columns: readonly string[], options: ColumnsHeaderOptions = {}): string {
  return JSON.stringify(
    withExtras(columns, options).map((c) => (/^[A-Za-z_][\w]*$/.test(c) ? `$.${c}` : `$."${c}"`)),
  )
}
