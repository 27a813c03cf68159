import { TableMatcherError } from './errors.ts'
import { FieldReader } from './field-reader.ts'
import { checkOptions } from './options.ts'
import { parseRichRule } from './parse-rich-rule.ts'
import { parseSeedRule } from './parse-seed-rule.ts'
import { type Anchoring, anchorings } from './python-regex.ts'
import { ambiguous, decideColumn, patternRulesFor, resolveTable } from './resolve.ts'
import type { Rule, RuleSet } from './rule.ts'
import { hasPatterns } from './rule-match.ts'

export interface KnownTable {
  database: string
  table: string
  /** Source column names; when given, auto-mapping collisions are found at load time. */
  columns?: readonly string[]
}

export interface RuleSetOptions {
  /** Anchoring for seed rules and for rich rules that do not set `match.anchoring`. Default `full`. */
  anchoring?: Anchoring
  /** Topic template for rich rules without `target.topic`. Default `{target}`. */
  defaultTopic?: string
  /** Batch-topic template for rich rules without `target.batch_topic`. Default none. */
  defaultBatchTopic?: string
  /** Physical tables known now (`db.table` or objects): checked for ambiguity at load time. */
  knownTables?: ReadonlyArray<string | KnownTable>
}

export interface RuleFile {
  /** File name, used in every error message. */
  file: string
  text: string
}

const optionKeys = ['anchoring', 'defaultTopic', 'defaultBatchTopic', 'knownTables'] as const
const validSets = new WeakSet<RuleSet>()

/** Whether a value is a rule set built (and validated) by this package. */
export function isRuleSet(value: unknown): value is RuleSet {
  return typeof value === 'object' && value !== null && validSets.has(value as RuleSet)
}

function parseFile(
  { file, text }: RuleFile,
  options: Required<Pick<RuleSetOptions, 'anchoring' | 'defaultTopic'>> & RuleSetOptions,
): Rule {
  let json: unknown
  try {
    json = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text)
  } catch (cause) {
    throw new TableMatcherError('TM_JSON', `not valid JSON: ${(cause as Error).message}`, { file, cause })
  }
  const reader = FieldReader.root(file, json)
  if (reader.has('version')) {
    return parseRichRule(reader, {
      anchoring: options.anchoring,
      topic: options.defaultTopic,
      batchTopic: options.defaultBatchTopic,
    })
  }
  return parseSeedRule(reader, options.anchoring)
}

function splitKnown(entry: string | KnownTable, i: number): KnownTable {
  if (typeof entry !== 'string') return entry
  const dot = entry.indexOf('.')
  if (dot <= 0) {
    throw new TableMatcherError(
      'TM_OPTIONS',
      `options.knownTables[${i}] must be "database.table", received ${JSON.stringify(entry)}`,
    )
  }
  return { database: entry.slice(0, dot), table: entry.slice(dot + 1) }
}

/**
 * Parses and validates a whole rule set. Pure: no I/O. Any error rejects the whole set.
 * Checks: each file alone; unique rule names; unique exact keys; no exact key and no known
 * table matched by two pattern rules; known tables' columns map without collisions.
 */
export function parseRuleSet(files: readonly RuleFile[], options: RuleSetOptions = {}): RuleSet {
  checkOptions('parseRuleSet', options, optionKeys)
  const anchoring = options.anchoring ?? 'full'
  if (!anchorings.includes(anchoring)) {
    throw new TableMatcherError(
      'TM_OPTIONS',
      `options.anchoring must be "full" or "start", received ${JSON.stringify(anchoring)}`,
    )
  }
  const resolved = { ...options, anchoring, defaultTopic: options.defaultTopic ?? '{target}' }
  const sorted = [...files].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0))
  const rules = sorted.map((f) => parseFile(f, resolved))

  const byName = new Map<string, Rule>()
  const exact = new Map<string, Rule>()
  for (const rule of rules) {
    const previous = byName.get(rule.name)
    if (previous !== undefined) {
      throw new TableMatcherError(
        'TM_DUPLICATE_RULE',
        `rule name "${rule.name}" is also used by ${previous.file}`,
        {
          file: rule.file,
          rules: [rule.name],
        },
      )
    }
    byName.set(rule.name, rule)
    for (const key of rule.exact) {
      const owner = exact.get(key)
      if (owner !== undefined) {
        throw new TableMatcherError(
          'TM_DUPLICATE_RULE',
          `exact table ${key} is claimed by rule "${owner.name}" (${owner.file}) and rule "${rule.name}"`,
          {
            file: rule.file,
            rules: [owner.name, rule.name],
            table: key,
          },
        )
      }
      exact.set(key, rule)
    }
  }
  const set: RuleSet = Object.freeze({
    rules: Object.freeze(rules),
    exact,
    patterns: Object.freeze(rules.filter(hasPatterns)),
    files: Object.freeze(sorted.map((f) => f.file)),
  })

  for (const key of exact.keys()) {
    const dot = key.indexOf('.')
    const hits = patternRulesFor(set, key.slice(0, dot), key.slice(dot + 1))
    if (hits.length > 1) throw ambiguous(hits[0]!, hits[1]!, key.slice(0, dot), key.slice(dot + 1))
  }
  ;(options.knownTables ?? []).forEach((entry, i) => {
    const known = splitKnown(entry, i)
    const found = resolveTable(set, known.database, known.table)
    if (found === undefined || known.columns === undefined) return
    const taken = new Map(found.rule.columns.map((c) => [c.target, c.source]))
    for (const column of known.columns) {
      const decision = decideColumn(found.rule, column, taken, `${known.database}.${known.table}`)
      if (decision.kind === 'rejected') throw decision.error
      if (decision.kind === 'mapped' && !decision.explicit) taken.set(decision.target, column)
    }
  })
  validSets.add(set)
  return set
}
