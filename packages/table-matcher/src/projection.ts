import type { ColumnPair } from './rule.ts'

export type Row = Record<string, unknown>
export type Projection = (row: Row) => Row

type Factory = (extras: readonly unknown[]) => Projection

// Generated code is shared by every table with the same column names (5,000 shards of one
// rule compile once). Names enter the code only through JSON.stringify, which always yields
// a valid, inert string literal; "__proto__" never reaches here (it is a reserved target).
const factories = new Map<string, Factory>()
const maxFactories = 2048

function generate(pairs: readonly ColumnPair[], extraNames: readonly string[]): Factory {
  const key = JSON.stringify([pairs.map((p) => [p.source, p.target]), extraNames])
  let factory = factories.get(key)
  if (factory === undefined) {
    const fields = [
      ...pairs.map((p) => `${JSON.stringify(p.target)}: row[${JSON.stringify(p.source)}]`),
      ...extraNames.map((name, i) => `${JSON.stringify(name)}: E[${i}]`),
    ]
    const body = `'use strict'\nreturn function project(row) {\n  return {\n    ${fields.join(',\n    ')}\n  }\n}`
    factory = new Function('E', body) as Factory
    if (factories.size >= maxFactories) factories.clear()
    factories.set(key, factory)
  }
  return factory
}

function interpret(
  pairs: readonly ColumnPair[],
  extraNames: readonly string[],
  extras: readonly unknown[],
): Projection {
  const sources = pairs.map((p) => p.source)
  const targets = pairs.map((p) => p.target)
  const n = sources.length
  const m = extraNames.length
  return (row) => {
    const out: Row = {}
    for (let i = 0; i < n; i++) out[targets[i]!] = row[sources[i]!]
    for (let j = 0; j < m; j++) out[extraNames[j]!] = extras[j]
    return out
  }
}

/**
 * Compiles `row → { target: row[source]…, extra: constant… }`. With `codegen` the projection
 * is one object literal built by `new Function` (the fastest shape V8 knows); without it, a
 * loop over arrays of names (for environments that forbid code generation).
 */
export function compileProjection(
  pairs: readonly ColumnPair[],
  extraNames: readonly string[],
  codegen: boolean,
): (extras: readonly unknown[]) => Projection {
  return codegen ? generate(pairs, extraNames) : (extras) => interpret(pairs, extraNames, extras)
}
