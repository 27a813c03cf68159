import type { CompiledPattern } from './python-regex.ts'
import type { IncludeExclude, Rule } from './rule.ts'

export type Captures = Record<string, string>

function collect(out: Captures, m: RegExpExecArray): void {
  const groups = m.groups
  if (groups === undefined) return
  for (const name in groups) {
    const v = groups[name]
    if (v !== undefined) out[name] = v
  }
}

function firstMatch(patterns: readonly CompiledPattern[], text: string): RegExpExecArray | null {
  for (const p of patterns) {
    if (!text.startsWith(p.prefix)) continue
    const m = p.regex.exec(text)
    if (m !== null) return m
  }
  return null
}

function side(spec: IncludeExclude | undefined, text: string, out: Captures): boolean {
  if (spec === undefined) return true
  let m: RegExpExecArray | null = null
  if (spec.include.length > 0) {
    m = firstMatch(spec.include, text)
    if (m === null) return false
  }
  if (spec.exclude.length > 0 && firstMatch(spec.exclude, text) !== null) return false
  if (m !== null) collect(out, m)
  return true
}

/** Whether a rule has any pattern that includes tables (exclusions alone include nothing). */
export function hasPatterns(rule: Rule): boolean {
  return (
    rule.qualified !== undefined ||
    (rule.database?.include.length ?? 0) > 0 ||
    (rule.table?.include.length ?? 0) > 0
  )
}

/**
 * Whether a rule's patterns accept `db`.`table`; the captures when they do, else null.
 * `qualified` is `db.table`, built once by the caller for all rules.
 */
export function matchRulePatterns(
  rule: Rule,
  db: string,
  table: string,
  qualified = `${db}.${table}`,
): Captures | null {
  if (!hasPatterns(rule)) return null
  let q: RegExpExecArray | null = null
  if (rule.qualified !== undefined) {
    if (!qualified.startsWith(rule.qualified.prefix)) return null
    q = rule.qualified.regex.exec(qualified)
    if (q === null) return null
  }
  const out: Captures = {}
  if (!side(rule.database, db, out)) return null
  if (!side(rule.table, table, out)) return null
  if (q !== null) collect(out, q)
  return out
}
