// Parses StarRocks `CREATE TABLE` DDL (the Primary Key / Duplicate Key kind ops-cli generates)
// and translates it to MariaDB. The StarRocks type of each column is kept in the MariaDB
// column COMMENT (`sr:<TYPE>`) and the table model in the table COMMENT, so the emulator can
// rebuild the StarRocks schema from information_schema after a restart.
import { EmulatorError } from './errors.ts'
import { parseSrType, type SrType, toMariaType } from './types.ts'

export type TableModel = 'PRIMARY' | 'DUPLICATE' | 'UNIQUE'

export interface ColumnDef {
  name: string
  type: SrType
  nullable: boolean
  /** SQL literal text of the default (already quoted), or undefined. */
  defaultSql?: string
  autoIncrement: boolean
}

export interface TableDef {
  database?: string
  name: string
  model: TableModel
  keys: string[]
  columns: ColumnDef[]
}

/** Splits `text` at top-level commas, respecting (), <>, quotes and backquotes. */
export function splitTopLevel(text: string, sep = ','): string[] {
  const out: string[] = []
  let depth = 0
  let quote = ''
  let start = 0
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!
    if (quote) {
      if (c === '\\') i++
      else if (c === quote) quote = ''
      continue
    }
    if (c === "'" || c === '"' || c === '`') quote = c
    else if (c === '(' || c === '<') depth++
    else if (c === ')' || c === '>') depth--
    else if (c === sep && depth === 0) {
      out.push(text.slice(start, i).trim())
      start = i + 1
    }
  }
  const last = text.slice(start).trim()
  if (last) out.push(last)
  return out
}

const unquote = (name: string) => name.replace(/^`(.*)`$/s, '$1').replace(/``/g, '`')

function matchingParen(text: string, open: number): number {
  let depth = 0
  let quote = ''
  for (let i = open; i < text.length; i++) {
    const c = text[i]!
    if (quote) {
      if (c === '\\') i++
      else if (c === quote) quote = ''
    } else if (c === "'" || c === '"' || c === '`') quote = c
    else if (c === '(') depth++
    else if (c === ')' && --depth === 0) return i
  }
  throw new EmulatorError('EMU_BAD_DDL', 'unbalanced parentheses in CREATE TABLE')
}

const IDENT = String.raw`(?:\x60(?:[^\x60]|\x60\x60)+\x60|[\w$]+)`

export function parseCreateTable(sql: string): TableDef {
  const head = new RegExp(
    String.raw`^\s*CREATE\s+(?:EXTERNAL\s+)?TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?(${IDENT})(?:\s*\.\s*(${IDENT}))?\s*\(`,
    'i',
  ).exec(sql)
  if (!head) throw new EmulatorError('EMU_BAD_DDL', 'expected CREATE TABLE <name> (...)')
  const open = head[0].length - 1
  const close = matchingParen(sql, open)
  const database = head[2] ? unquote(head[1]!) : undefined
  const name = unquote(head[2] ?? head[1]!)
  const columns: ColumnDef[] = []
  for (const part of splitTopLevel(sql.slice(open + 1, close))) {
    if (/^(INDEX|KEY|PRIMARY|UNIQUE|CONSTRAINT)\b/i.test(part)) continue
    columns.push(parseColumn(part))
  }
  const tail = sql.slice(close + 1)
  const keyMatch = /\b(PRIMARY|DUPLICATE|UNIQUE|AGGREGATE)\s+KEY\s*\(([^)]*)\)/i.exec(tail)
  const model = (keyMatch?.[1]?.toUpperCase() ?? 'DUPLICATE') as TableModel | 'AGGREGATE'
  if (model === 'AGGREGATE') throw new EmulatorError('EMU_BAD_DDL', 'AGGREGATE KEY tables are not emulated')
  const keys = keyMatch ? splitTopLevel(keyMatch[2]!).map(unquote) : []
  for (const k of keys) {
    const col = columns.find((c) => c.name.toLowerCase() === k.toLowerCase())
    if (!col) throw new EmulatorError('EMU_BAD_DDL', `key column ${k} is not a column of ${name}`)
    if (model !== 'DUPLICATE') col.nullable = false
  }
  return { ...(database ? { database } : {}), name, model, keys, columns }
}

function parseColumn(part: string): ColumnDef {
  const m = new RegExp(String.raw`^(${IDENT})\s+`, 's').exec(part)
  if (!m) throw new EmulatorError('EMU_BAD_DDL', `cannot read column definition: ${part}`)
  const name = unquote(m[1]!)
  const rest = part.slice(m[0].length)
  // the type runs until a top-level space that follows balanced brackets
  let depth = 0
  let end = rest.length
  for (let i = 0; i < rest.length; i++) {
    const c = rest[i]
    if (c === '(' || c === '<') depth++
    else if (c === ')' || c === '>') depth--
    else if (/\s/.test(c!) && depth === 0) {
      end = i
      break
    }
  }
  const type = parseSrType(rest.slice(0, end))
  // the attributes without the comment, and without any quoted text for the NULL check:
  // words inside COMMENT "…" or DEFAULT "…" are not attributes
  const attrs = rest.slice(end).replace(/\bCOMMENT\s+(?:'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")/gi, '')
  const bare = attrs.replace(/'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"/g, "''")
  const nullable = !/\bNOT\s+NULL\b/i.test(bare)
  const def = /\bDEFAULT\s+('(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"|CURRENT_TIMESTAMP|NULL|-?[\d.]+)/i.exec(attrs)
  let defaultSql: string | undefined
  if (def) {
    const raw = def[1]!
    defaultSql = raw.startsWith('"') ? `'${raw.slice(1, -1).replace(/'/g, "''")}'` : raw
  }
  return {
    name,
    type,
    nullable,
    ...(defaultSql ? { defaultSql } : {}),
    autoIncrement: /\bAUTO_INCREMENT\b/i.test(bare),
  }
}

const q = (id: string) => '`' + id.replace(/`/g, '``') + '`'

/** MariaDB DDL for `table` inside `mariaDatabase`. */
export function toMariaDdl(table: TableDef, mariaDatabase: string): string {
  const keySet = new Set(table.keys.map((k) => k.toLowerCase()))
  const cols = table.columns.map((c) => {
    const isKey = keySet.has(c.name.toLowerCase())
    const parts = [q(c.name), toMariaType(c.type, isKey), c.nullable ? 'NULL' : 'NOT NULL']
    if (c.defaultSql && c.defaultSql.toUpperCase() !== 'NULL') parts.push(`DEFAULT ${c.defaultSql}`)
    if (c.autoIncrement) parts.push('AUTO_INCREMENT')
    parts.push(`COMMENT ${sqlString(`sr:${c.type.text}`)}`)
    return parts.join(' ')
  })
  if (table.model !== 'DUPLICATE' && table.keys.length > 0) {
    cols.push(`PRIMARY KEY (${table.keys.map(q).join(', ')})`)
  } else if (table.columns.some((c) => c.autoIncrement)) {
    cols.push(`KEY (${q(table.columns.find((c) => c.autoIncrement)!.name)})`)
  }
  const comment = sqlString(`sr:${table.model}:${table.keys.join(',')}`)
  return `CREATE TABLE ${q(mariaDatabase)}.${q(table.name)} (\n  ${cols.join(',\n  ')}\n) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin COMMENT ${comment}`
}

export function sqlString(s: string): string {
  return `'${s.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`
}

export const quoteIdent = q
