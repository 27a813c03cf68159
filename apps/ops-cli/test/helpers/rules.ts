// Rule files in the seed shipper's format (key, topic, need_table, regex, column_mapping),
// the shape most ops-cli tests give `--rules`.
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export interface SeedRule {
  /** The rule's name and its file's: `<key>.json`. */
  key: string
  topic: string
  /** The source tables, `db\.table` as a regular expression. */
  regex: string
  columns: Record<string, string>
  /** Merge shards with a table_name column (default false). */
  needTable?: boolean
}

/** Writes `<key>.json` into `dir` and returns `dir`. */
export function writeSeedRule(dir: string, rule: SeedRule): string {
  writeFileSync(
    join(dir, `${rule.key}.json`),
    JSON.stringify({
      key: rule.key,
      topic: rule.topic,
      need_table: rule.needTable ?? false,
      complete_regex: false,
      regex: rule.regex,
      column_mapping: rule.columns,
    }),
  )
  return dir
}

/** A new rules directory holding one seed rule. */
export function seedRuleDir(rule: SeedRule, prefix = 'ops-rules-'): string {
  return writeSeedRule(mkdtempSync(join(tmpdir(), prefix)), rule)
}
