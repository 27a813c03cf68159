// Where a package's worker thread starts. Built, the worker is the `.js` file next to the
// caller. Run from sources (tsx, vitest) it is a `.ts` file, and Node 20 does not carry
// module hooks over to worker threads, so the worker first registers tsx itself. (Export
// conditions such as "@sync/source" need nothing here: workers inherit the process's
// execArgv, where `node --conditions` and vitest put them.)

import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { pathToFileURL } from 'node:url'

export interface WorkerEntry {
  /** The worker's file (built) or the code that loads it (from sources). */
  entry: string | URL
  /** Pass as the Worker's `eval` option. */
  eval: boolean
}

/** True when `callerUrl` is a TypeScript source, i.e. the package runs under tsx or vitest. */
export function isSourceUrl(callerUrl: string): boolean {
  return callerUrl.endsWith('.ts')
}

/**
 * The module `name` (a path relative to the caller, without extension) with the caller's
 * own extension: `.ts` from sources, `.js` built.
 */
export function siblingModuleUrl(callerUrl: string, name: string): URL {
  return new URL(`${name}${isSourceUrl(callerUrl) ? '.ts' : '.js'}`, callerUrl)
}

/**
 * The entry of the worker `name` (e.g. 'kafka-worker') next to the caller, whose
 * `import.meta.url` is `callerUrl`, as `new Worker(entry, { eval })` takes it.
 */
export function workerEntry(callerUrl: string, name: string): WorkerEntry {
  const worker = siblingModuleUrl(callerUrl, name)
  if (!isSourceUrl(callerUrl)) return { entry: worker, eval: false }
  // tsx's ESM API ("tsx/esm/api" under the import condition), resolved from the caller's
  // package; require.resolve would pick its CommonJS build
  const tsx = pathToFileURL(
    join(dirname(createRequire(callerUrl).resolve('tsx/package.json')), 'dist/esm/api/index.mjs'),
  ).href
  const code = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(worker.href)}) })`
  return { entry: code, eval: true }
}
