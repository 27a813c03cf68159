import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { Worker } from 'node:worker_threads'
import { describe, expect, it } from 'vitest'
import { siblingModuleUrl, workerEntry } from '../src/worker-entry.ts'

const fromSources = new URL('./fixtures/caller.ts', import.meta.url).href
const loader = /^import\(("[^"]+")\)\.then\(\(m\) => \{ m\.register\(\); return import\(("[^"]+")\) \}\)$/

describe('workerEntry', () => {
  it('points a built caller at the .js worker next to it, with nothing to evaluate', () => {
    const built = workerEntry(
      'file:///srv/app/node_modules/@sync/delivery/dist/kafka-sender.js',
      'kafka-worker',
    )
    expect(built).toEqual({
      entry: new URL('file:///srv/app/node_modules/@sync/delivery/dist/kafka-worker.js'),
      eval: false,
    })
  })

  it('from sources, evaluates code that registers tsx and then imports the .ts worker', () => {
    const { entry, eval: isEval } = workerEntry(fromSources, 'source-worker')
    expect(isEval).toBe(true)
    const [, tsx, worker] = loader.exec(String(entry)) ?? []
    expect(tsx && JSON.parse(tsx)).toMatch(/\/tsx\/dist\/esm\/api\/index\.mjs$/)
    expect(existsSync(fileURLToPath(JSON.parse(tsx ?? '""') as string))).toBe(true)
    expect(worker && JSON.parse(worker)).toBe(new URL('./fixtures/source-worker.ts', import.meta.url).href)
  })

  it('from sources, the worker runs the TypeScript file', async () => {
    const { entry, eval: isEval } = workerEntry(fromSources, 'source-worker')
    const w = new Worker(entry, { eval: isEval })
    try {
      const report = await new Promise<{ url: string }>((resolve, reject) => {
        w.once('message', resolve)
        w.once('error', reject)
        w.once('exit', (code) => reject(new Error(`worker exited (code ${code})`)))
      })
      expect(report.url).toBe(new URL('./fixtures/source-worker.ts', import.meta.url).href)
    } finally {
      await w.terminate()
    }
  })
})

describe('siblingModuleUrl', () => {
  it("keeps the caller's extension", () => {
    expect(siblingModuleUrl('file:///a/src/commands/snapshot.ts', '../lib/sink-worker').href).toBe(
      'file:///a/src/lib/sink-worker.ts',
    )
    expect(siblingModuleUrl('file:///a/dist/commands/snapshot.js', '../lib/sink-worker').href).toBe(
      'file:///a/dist/lib/sink-worker.js',
    )
  })
})
