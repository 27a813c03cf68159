// jsonpaths (§3.3): `$`-rooted, `.`-separated, `"quoted.key"` segments, `[n]` indexes, and
// `*` for the first field of an object. `$` alone selects the whole record.
import { JsonObject, type JsonValue } from './json-text.ts'
import { PlanError } from './plan.ts'

export type JsonPathStep = { key: string } | { index: number } | { first: true }
export type JsonPath = JsonPathStep[]

export function parseJsonPath(text: string): JsonPath {
  const t = text.trim()
  if (!t.startsWith('$')) throw new PlanError(`Invalid json path: ${text}`)
  const steps: JsonPath = []
  let i = 1
  while (i < t.length) {
    const c = t[i]
    if (c === '.') {
      i++
      if (t[i] === '"') {
        const end = t.indexOf('"', i + 1)
        if (end < 0) throw new PlanError(`Invalid json path: ${text}`)
        steps.push({ key: t.slice(i + 1, end) })
        i = end + 1
      } else {
        const m = /^[^.[]+/.exec(t.slice(i))
        if (!m) throw new PlanError(`Invalid json path: ${text}`)
        steps.push(m[0] === '*' ? { first: true } : { key: m[0] })
        i += m[0].length
      }
    } else if (c === '[') {
      const m = /^\[\s*(?:(\d+)|"([^"]*)"|'([^']*)')\s*\]/.exec(t.slice(i))
      if (!m) throw new PlanError(`Invalid json path: ${text}`)
      steps.push(m[1] !== undefined ? { index: Number(m[1]) } : { key: m[2] ?? m[3] ?? '' })
      i += m[0].length
    } else throw new PlanError(`Invalid json path: ${text}`)
  }
  return steps
}

/** The value at `path`, or undefined when it is absent (absent and JSON null both load as NULL). */
export function extractJsonPath(value: JsonValue, path: JsonPath): JsonValue | undefined {
  let cur: JsonValue | undefined = value
  for (const step of path) {
    if (cur === undefined || cur === null) return undefined
    if ('key' in step) cur = cur instanceof JsonObject ? cur.get(step.key) : undefined
    else if ('index' in step) cur = Array.isArray(cur) ? cur[step.index] : undefined
    else cur = cur instanceof JsonObject ? cur.entries[0]?.[1] : undefined
  }
  return cur
}
