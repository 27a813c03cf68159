// The caller's choice of tables: an include map, applied inside zongji at the TableMap
// (rows of other tables are skipped without being decoded), or a callback, installed in
// the same place (zongji's per-TableMap schema check) and memoised per table.

import { describe, optionError } from '../errors.ts'
import { LruCache, tableKey } from './table-cache.ts'

export type TableIncludeMap = Record<string, true | readonly string[]>
export type TableFilterCallback = (database: string, table: string) => boolean
export type TableFilterOption = TableIncludeMap | TableFilterCallback

export interface TableFilter {
  wants(database: string, table: string): boolean
  /** False only when no table of `database` can be wanted. */
  wantsDatabase(database: string): boolean
  /** For zongji's includeSchema, when the filter is a map. */
  includeSchema?: Record<string, true | string[]>
}

export function compileTableFilter(option: TableFilterOption | undefined): TableFilter {
  if (option === undefined) return { wants: () => true, wantsDatabase: () => true }
  if (typeof option === 'function') {
    const memo = new LruCache<boolean>(100_000)
    return {
      wants(database, table) {
        const key = tableKey(database, table)
        let hit = memo.get(key)
        if (hit === undefined) {
          hit = option(database, table) === true
          memo.set(key, hit)
        }
        return hit
      },
      wantsDatabase: () => true,
    }
  }
  if (typeof option !== 'object' || option === null || Array.isArray(option)) {
    throw optionError('options.tables', 'an include map { db: true | [tables] } or a function', option)
  }
  const includeSchema: Record<string, true | string[]> = {}
  for (const [database, tables] of Object.entries(option)) {
    if (tables === true) includeSchema[database] = true
    else if (Array.isArray(tables) && tables.every((t) => typeof t === 'string'))
      includeSchema[database] = [...tables]
    else throw optionError(`options.tables.${database}`, 'true or an array of table names', describe(tables))
  }
  return {
    wants(database, table) {
      const entry = includeSchema[database]
      return entry === true || (Array.isArray(entry) && entry.includes(table))
    },
    wantsDatabase: (database) => Object.hasOwn(includeSchema, database),
    includeSchema,
  }
}
