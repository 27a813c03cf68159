// Renders a StarRocks Primary Key table. Rules followed (StarRocks CREATE TABLE reference):
// key columns come first, in key order, NOT NULL; DISTRIBUTED BY HASH over the key;
// identifiers in backquotes; comments as double-quoted literals with \ and " escaped.
// Non-key columns are always NULL: a zero date renders as null, and shards merged into one
// table may lack a column, so NOT NULL there would reject rows the source accepted.

export interface DdlColumn {
  name: string
  type: string
  comment?: string
}

export interface CreateTableSpec {
  database?: string
  table: string
  columns: readonly DdlColumn[]
  keyColumns: readonly string[]
  comment?: string
  /** BUCKETS n; omitted lets StarRocks (2.5.7+) choose. */
  buckets?: number
  properties?: Readonly<Record<string, string>>
  ifNotExists?: boolean
}

export function quoteIdent(name: string): string {
  return '`' + name.replace(/`/g, '``') + '`'
}

/** A double-quoted string literal: backslash, quote and control characters escaped. */
export function stringLiteral(text: string): string {
  const escaped = text.replace(/[\\"\n\r\t\0]/g, (c) => {
    switch (c) {
      case '\n':
        return '\\n'
      case '\r':
        return '\\r'
      case '\t':
        return '\\t'
      case '\0':
        return '\\0'
      default:
        return '\\' + c
    }
  })
  return `"${escaped}"`
}

/** Key columns first (in key order), then the others in their given order. */
export function orderColumns(columns: readonly DdlColumn[], keyColumns: readonly string[]): DdlColumn[] {
  const byName = new Map(columns.map((c) => [c.name, c]))
  const missing = keyColumns.filter((k) => !byName.has(k))
  if (missing.length > 0) throw new Error(`key column(s) ${missing.join(', ')} are not columns of the table`)
  const keys = keyColumns.map((k) => byName.get(k)!)
  return [...keys, ...columns.filter((c) => !keyColumns.includes(c.name))]
}

export function renderCreateTable(spec: CreateTableSpec): string {
  if (spec.keyColumns.length === 0) throw new Error(`table ${spec.table} has no primary key`)
  const ordered = orderColumns(spec.columns, spec.keyColumns)
  const lines = ordered.map((c) => {
    const key = spec.keyColumns.includes(c.name)
    const comment = c.comment ? ` COMMENT ${stringLiteral(c.comment)}` : ''
    return `  ${quoteIdent(c.name)} ${c.type} ${key ? 'NOT NULL' : 'NULL'}${comment}`
  })
  const name = spec.database
    ? `${quoteIdent(spec.database)}.${quoteIdent(spec.table)}`
    : quoteIdent(spec.table)
  const keys = spec.keyColumns.map(quoteIdent).join(', ')
  const props = Object.entries(spec.properties ?? {})
  return (
    [
      `CREATE TABLE ${spec.ifNotExists === false ? '' : 'IF NOT EXISTS '}${name} (`,
      lines.join(',\n'),
      ') ENGINE=OLAP',
      `PRIMARY KEY (${keys})`,
      ...(spec.comment ? [`COMMENT ${stringLiteral(spec.comment)}`] : []),
      `DISTRIBUTED BY HASH (${keys})${spec.buckets ? ` BUCKETS ${spec.buckets}` : ''}`,
      ...(props.length > 0
        ? [`PROPERTIES (${props.map(([k, v]) => `${stringLiteral(k)} = ${stringLiteral(v)}`).join(', ')})`]
        : []),
    ].join('\n') + ';'
  )
}
