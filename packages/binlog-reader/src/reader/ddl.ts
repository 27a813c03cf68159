// Recognises the DDL statements a consumer must hear about, and the tables they touch.
// Not a SQL parser: it reads the statement head and the table names that follow it,
// which is what deciding "does this concern a captured table?" needs.

export const ddlKinds = {
  create: 'create',
  alter: 'alter',
  drop: 'drop',
  rename: 'rename',
  truncate: 'truncate',
} as const
export type DdlKind = keyof typeof ddlKinds

export interface TableRef {
  database: string
  table: string
}

export interface ParsedDdl {
  ddl: DdlKind
  /** 'table', 'database', 'index', 'view', … as written after the verb. */
  object: string
  tables: TableRef[]
  /** For CREATE/ALTER/DROP DATABASE: the database named. */
  targetDatabase?: string
}

const ident = '(?:`(?:[^`]|``)+`|[A-Za-z0-9_$\\u0080-\\uffff]+)'
const qualified = `${ident}(?:\\s*\\.\\s*${ident})?`
const headRe =
  /^\s*(?:\/\*.*?\*\/\s*)*(CREATE|ALTER|DROP|RENAME|TRUNCATE)\b\s*(?:OR\s+REPLACE\s+)?(?:ONLINE\s+|IGNORE\s+|TEMPORARY\s+|UNIQUE\s+|FULLTEXT\s+|SPATIAL\s+|DEFINER\s*=\s*\S+\s+)*(TABLES?|DATABASE|SCHEMA|INDEX|VIEW|TRIGGER|PROCEDURE|FUNCTION|EVENT|SEQUENCE|USER|ROLE|SERVER)?\b/is

function unquote(part: string): string {
  const t = part.trim()
  return t.startsWith('`') ? t.slice(1, -1).replace(/``/g, '`') : t
}

function toRef(name: string, defaultDatabase: string): TableRef {
  const re = new RegExp(`^(${ident})(?:\\s*\\.\\s*(${ident}))?$`, 's')
  const m = re.exec(name.trim())
  if (!m?.[1]) return { database: defaultDatabase, table: name.trim() }
  return m[2]
    ? { database: unquote(m[1]), table: unquote(m[2]) }
    : { database: defaultDatabase, table: unquote(m[1]) }
}

/** The DDL kind and touched tables of `statement`, or undefined when it is not such DDL. */
export function parseDdl(statement: string, defaultDatabase: string): ParsedDdl | undefined {
  const head = headRe.exec(statement)
  if (!head?.[1]) return undefined
  const ddl = head[1].toLowerCase() as DdlKind
  const object = (head[2] ?? (ddl === 'truncate' ? 'table' : '')).toLowerCase().replace(/^tables$/, 'table')
  let rest = statement.slice(head[0].length)
  const tables: TableRef[] = []
  if (object === 'table') {
    rest = rest.replace(/^\s*IF\s+(?:NOT\s+)?EXISTS\b/i, '')
    if (ddl === 'rename') {
      // RENAME TABLE a TO b, c TO d
      const pairRe = new RegExp(`(${qualified})\\s+TO\\s+(${qualified})`, 'gis')
      for (const m of rest.matchAll(pairRe)) {
        tables.push(toRef(m[1] as string, defaultDatabase), toRef(m[2] as string, defaultDatabase))
      }
    } else if (ddl === 'drop') {
      const listRe = new RegExp(`^\\s*(${qualified}(?:\\s*,\\s*${qualified})*)`, 's')
      const list = listRe.exec(rest)?.[1] ?? ''
      const itemRe = new RegExp(qualified, 'gs')
      for (const m of list.matchAll(itemRe)) tables.push(toRef(m[0], defaultDatabase))
    } else {
      const m = new RegExp(`^\\s*(${qualified})`, 's').exec(rest)
      if (m?.[1]) tables.push(toRef(m[1], defaultDatabase))
      // ALTER TABLE a RENAME TO b
      const renamed = new RegExp(`\\bRENAME\\s+(?:TO\\s+|AS\\s+)?(${qualified})\\s*$`, 'is').exec(rest)
      if (ddl === 'alter' && renamed?.[1]) tables.push(toRef(renamed[1], defaultDatabase))
    }
  } else if (object === 'index') {
    const m = new RegExp(`\\bON\\s+(${qualified})`, 'is').exec(rest)
    if (m?.[1]) tables.push(toRef(m[1], defaultDatabase))
  } else if (object === 'database' || object === 'schema') {
    const m = new RegExp(`^\\s*(?:IF\\s+(?:NOT\\s+)?EXISTS\\s+)?(${ident})`, 'is').exec(rest)
    if (m?.[1]) return { ddl, object: 'database', tables, targetDatabase: unquote(m[1]) }
  } else {
    return object === '' ? undefined : { ddl, object, tables }
  }
  return { ddl, object, tables }
}

/** True for a DML statement arriving as SQL text (a session with binlog_format STATEMENT/MIXED). */
export function isStatementDml(statement: string): boolean {
  return /^\s*(?:\/\*.*?\*\/\s*)*(INSERT|UPDATE|DELETE|REPLACE|LOAD\s+DATA)\b/is.test(statement)
}
