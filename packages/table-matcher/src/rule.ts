import type { Anchoring, CompiledPattern } from './python-regex.ts'

/** What happens to a row column that has no explicit mapping. */
export type UnmappedPolicy = 'drop' | 'snake_case' | 'error'
export const unmappedPolicies: readonly UnmappedPolicy[] = ['drop', 'snake_case', 'error']

/** How BINARY/VARBINARY/BLOB values of this rule's tables are rendered (by the renderer). */
export type BinaryEncoding = 'base64' | 'utf8' | 'hex'
export const binaryEncodings: readonly BinaryEncoding[] = ['base64', 'utf8', 'hex']

export type SnakeCaseMode = 'modern' | 'legacy'
export const snakeCaseModes: readonly SnakeCaseMode[] = ['modern', 'legacy']

/**
 * Primary-key composition for merged shards: `none` keeps the key columns as declared,
 * `table` prefixes the table-name column, `db_table` the database and table-name columns,
 * `captures` the capture-group columns.
 */
export type KeyCompose = 'none' | 'table' | 'db_table' | 'captures'
export const keyComposes: readonly KeyCompose[] = ['none', 'table', 'db_table', 'captures']

export interface IncludeExclude {
  readonly include: readonly CompiledPattern[]
  readonly exclude: readonly CompiledPattern[]
}

export interface ColumnPair {
  readonly source: string
  readonly target: string
}

/** One rule after parsing and validation; both file formats end up here. */
export interface Rule {
  /** Rule name: the seed's `key`, or the rich format's `name`. */
  readonly name: string
  /** File the rule came from. */
  readonly file: string
  readonly format: 'seed' | 'rich'
  /** Exact `db.table` keys; they win over every pattern. */
  readonly exact: readonly string[]
  /** Pattern tested against `db.table` (the seed's `regex`). */
  readonly qualified?: CompiledPattern
  readonly database?: IncludeExclude
  readonly table?: IncludeExclude
  readonly anchoring: Anchoring
  readonly target: {
    readonly table: string
    /** Topic template; placeholders `{db}`, `{table}`, `{target}`, `{rule}` and capture names. */
    readonly topic: string
    readonly batchTopic?: string
  }
  /** Explicit source → target column mapping, in file order. */
  readonly columns: readonly ColumnPair[]
  readonly unmapped: UnmappedPolicy
  readonly snakeCase: SnakeCaseMode
  readonly excludeColumns: readonly string[]
  /** Column that receives the physical table name, when the rule asks for it. */
  readonly tableNameColumn?: string
  /** Column that receives the physical database name, when the rule asks for it. */
  readonly databaseColumn?: string
  /** Whether named capture groups become columns. */
  readonly captureColumns: boolean
  /** Capture-group names of all the rule's patterns. */
  readonly captureNames: readonly string[]
  /** Target key columns before composition; empty when neither declared nor inferable. */
  readonly keyColumns: readonly string[]
  readonly keyCompose: KeyCompose
  readonly binary: BinaryEncoding
}

/** A whole validated rule set; build it with `parseRuleSet` or `loadRuleDirectory`. */
export interface RuleSet {
  readonly rules: readonly Rule[]
  /** `db.table` → rule, for every exact key. */
  readonly exact: ReadonlyMap<string, Rule>
  /** Rules with at least one pattern, in name order. */
  readonly patterns: readonly Rule[]
  /** Files the set was built from, sorted. */
  readonly files: readonly string[]
}
