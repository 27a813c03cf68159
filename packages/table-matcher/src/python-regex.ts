import { TableMatcherError } from './errors.ts'

/**
 * How a rule's regular expression is anchored against the name it tests.
 * - `full` (default): the whole name must match, as if wrapped in `^(?:…)$`.
 * - `start`: Python's `re.match`, which the seed shipper used: anchored at the start only,
 *   so `shop\.t_order` also matches `shop.t_order_bak`.
 */
export type Anchoring = 'full' | 'start'
export const anchorings: readonly Anchoring[] = ['full', 'start']

export interface CompiledPattern {
  /** The pattern as written in the rule file. */
  readonly source: string
  /** The anchored JavaScript regex. */
  readonly regex: RegExp
  /** Named capture groups, in the order they appear. */
  readonly groups: readonly string[]
  /** Literal text every match starts with; a cheap startsWith() rejects most names before the regex runs. */
  readonly prefix: string
}

const quantifiers = new Set(['?', '*', '{'])

/** The literal start of a translated pattern ('' when unsure: alternation, flags, classes). */
export function literalPrefix(source: string, flags: string): string {
  if (flags.includes('i') || source.includes('|')) return ''
  let out = ''
  let i = 0
  while (i < source.length) {
    const c = source[i]!
    let literal: string | undefined
    let width = 1
    if (c === '\\') {
      const next = source[i + 1] ?? ''
      if (/[A-Za-z0-9]/.test(next)) break
      literal = next
      width = 2
    } else if (/[A-Za-z0-9_\-, :;=!@#%&'"<>/~`]/.test(c)) {
      literal = c
    } else {
      break
    }
    const after = source[i + width]
    if (after !== undefined && quantifiers.has(after)) break
    out += literal
    i += width
  }
  return out
}

interface Where {
  file: string
  field: string
}

const globalFlags: Record<string, string | null> = { i: 'i', s: 's', m: 'm', a: '', u: '', L: null, x: null }

/**
 * Translates the parts of Python `re` syntax that JavaScript spells differently:
 * `(?P<name>…)` → `(?<name>…)`, `(?P=name)` → `\k<name>`, `\A` → `^`, `\Z` → `$`,
 * `(?#comment)` removed, leading global flags `(?i)`, `(?s)`, `(?m)`, `(?a)`, `(?u)`
 * become RegExp flags. `(?x)` and `(?L)` have no equivalent and are rejected. Patterns
 * already in JavaScript syntax pass through unchanged.
 */
export function translatePythonRegex(source: string, where: Where): { source: string; flags: string } {
  let flags = ''
  let out = ''
  let i = 0
  const lead = /^\(\?([a-zA-Z]+)\)/
  for (let m = lead.exec(source.slice(i)); m; m = lead.exec(source.slice(i))) {
    for (const f of m[1]!) {
      const js = globalFlags[f]
      if (js === undefined || js === null) {
        throw new TableMatcherError(
          'TM_BAD_REGEX',
          `inline flag "(?${f})" has no JavaScript equivalent`,
          where,
        )
      }
      if (!flags.includes(js)) flags += js
    }
    i += m[0].length
  }
  let inClass = false
  while (i < source.length) {
    const c = source[i]!
    if (c === '\\') {
      const next = source[i + 1] ?? ''
      if (!inClass && next === 'A') out += '^'
      else if (!inClass && next === 'Z') out += '$'
      else out += c + next
      i += 2
      continue
    }
    if (inClass) {
      if (c === ']') inClass = false
      out += c
      i++
      continue
    }
    if (c === '[') {
      inClass = true
      out += c
      // a `]` right after `[` or `[^` is a literal in both dialects
      if (source[i + 1] === '^') {
        out += '^'
        i++
      }
      if (source[i + 1] === ']') {
        out += '\\]'
        i++
      }
      i++
      continue
    }
    if (source.startsWith('(?P<', i)) {
      out += '(?<'
      i += 4
      continue
    }
    const backref = /^\(\?P=([A-Za-z_]\w*)\)/.exec(source.slice(i))
    if (backref) {
      out += `\\k<${backref[1]}>`
      i += backref[0].length
      continue
    }
    if (source.startsWith('(?#', i)) {
      const close = source.indexOf(')', i)
      i = close < 0 ? source.length : close + 1
      continue
    }
    if (/^\(\?[a-zA-Z]+\)/.test(source.slice(i))) {
      throw new TableMatcherError(
        'TM_BAD_REGEX',
        'inline flags are only allowed at the start of a pattern',
        where,
      )
    }
    out += c
    i++
  }
  return { source: out, flags }
}

export function compilePattern(source: string, anchoring: Anchoring, where: Where): CompiledPattern {
  const translated = translatePythonRegex(source, where)
  const body = anchoring === 'full' ? `^(?:${translated.source})$` : `^(?:${translated.source})`
  let regex: RegExp
  let groups: string[]
  try {
    // Compiled alone first, so an unbalanced `)` cannot escape the anchoring wrapper.
    new RegExp(translated.source, translated.flags)
    regex = new RegExp(body, translated.flags)
    // An empty alternative makes exec('') succeed, which lists every named group.
    groups = Object.keys(new RegExp(`(?:${translated.source})|`, translated.flags).exec('')?.groups ?? {})
  } catch (cause) {
    throw new TableMatcherError('TM_BAD_REGEX', `pattern ${JSON.stringify(source)} does not compile`, {
      ...where,
      cause,
    })
  }
  return { source, regex, groups, prefix: literalPrefix(translated.source, translated.flags) }
}
