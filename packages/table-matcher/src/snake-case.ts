import { TableMatcherError } from './errors.ts'

export interface SnakeCaseOptions {
  /**
   * Reproduce the old generator exactly: Python's
   * `re.sub(r'(?<!^)(?=[A-Z])', '_', name).lower()`, which turns "ID" into "i_d".
   * Warehouses built by that generator have those names.
   */
  legacy?: boolean
}

const isUpper = (c: string | undefined) => c !== undefined && c >= 'A' && c <= 'Z'
const isLower = (c: string | undefined) => c !== undefined && c >= 'a' && c <= 'z'
const isDigit = (c: string | undefined) => c !== undefined && c >= '0' && c <= '9'
// Underscore, space, hyphen and dot separate words; every other character belongs to a word.
const isSeparator = (c: string) => c === '_' || c === ' ' || c === '-' || c === '.'

// Same regex as the Python generator; JavaScript's lookbehind and `[A-Z]` behave identically here.
const legacyBoundary = /(?<!^)(?=[A-Z])/g

/**
 * camelCase / PascalCase / ALLCAPS / Mixed_Case → snake_case.
 *
 * Modern mode splits words where a lowercase letter or digit is followed by an uppercase
 * letter (`userId`, `Col2Name`) and where an uppercase run ends before a lowercase letter
 * (`HTTPStatus` → `http_status`); an uppercase run is one word (`ID` → `id`, `UserID` →
 * `user_id`); digits stay with the word before them (`OrderNo2` → `order_no2`, `2FA` → `2fa`). Leading and
 * trailing underscores are kept (`_ver` → `_ver`), runs of separators inside the name
 * become one underscore (`a__b` → `a_b`, `Order-Id` → `order_id`). Only ASCII letters
 * have case; other characters pass through unchanged.
 */
export function toSnakeCase(name: string, options: SnakeCaseOptions = {}): string {
  if (typeof name !== 'string') {
    throw new TableMatcherError('TM_OPTIONS', `name must be a string, received ${typeof name}`)
  }
  for (const key of Object.keys(options)) {
    if (key !== 'legacy') {
      throw new TableMatcherError('TM_OPTIONS', `unknown option "${key}" for toSnakeCase`)
    }
  }
  if (options.legacy === true) return name.replace(legacyBoundary, '_').toLowerCase()
  return modernSnakeCase(name)
}

function modernSnakeCase(name: string): string {
  const n = name.length
  let start = 0
  while (start < n && name[start] === '_') start++
  let end = n
  while (end > start && name[end - 1] === '_') end--
  const words: string[] = []
  let word = ''
  for (let i = start; i < end; i++) {
    const c = name[i]!
    if (isSeparator(c)) {
      if (word !== '') words.push(word)
      word = ''
      continue
    }
    if (word !== '' && isUpper(c)) {
      const prev = name[i - 1]
      const next = name[i + 1]
      if (isLower(prev) || (isDigit(prev) && /[A-Za-z]/.test(word)) || (isUpper(prev) && isLower(next))) {
        words.push(word)
        word = ''
      }
    }
    word += c
  }
  if (word !== '') words.push(word)
  return name.slice(0, start) + words.join('_').toLowerCase() + name.slice(end)
}
