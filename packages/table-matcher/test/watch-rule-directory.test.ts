// watchRuleDirectory: the first load, file changes (debounced, coalesced), reloads asked for
// (SIGHUP), a bad new set keeping the old one, and the known-tables check at every load.

import { mkdtemp, rm, unlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { type ReloadResult, type RuleDirectory, watchRuleDirectory } from '../src/index.ts'
import { seedFile } from './fixtures/rule-files.ts'

const cleanups: Array<() => unknown> = []
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c()
})

async function ruleDir(files: Record<string, unknown>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'tm-watch-'))
  cleanups.push(() => rm(dir, { recursive: true, force: true }))
  for (const [file, fields] of Object.entries(files)) await put(dir, file, fields)
  return dir
}
const put = (dir: string, file: string, fields: unknown) =>
  writeFile(
    join(dir, file),
    typeof fields === 'string' ? fields : seedFile(file, fields as Record<string, unknown>).text,
  )

const exact = (key: string, topic = 'stream.t') => ({ key, topic, column_mapping: { id: 'id' } })
const pattern = (key: string, regex: string) => ({
  key,
  topic: `stream.${key}`,
  complete_regex: false,
  regex,
  column_mapping: { id: 'id' },
})

async function open(options: Parameters<typeof watchRuleDirectory>[0]) {
  const results: ReloadResult[] = []
  const rules: RuleDirectory = await watchRuleDirectory({
    watch: false,
    ...options,
    onReload: (r) => void results.push(r),
  })
  cleanups.push(() => rules.close())
  return { rules, results }
}

const until = async (done: () => boolean, what: string, ms = 5000) => {
  const end = Date.now() + ms
  while (!done()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 10))
  }
}

describe('watchRuleDirectory', () => {
  it('loads the directory and refuses a bad first set, naming the file and field', async () => {
    const good = await ruleDir({ 'a.json': exact('shop.a') })
    const { rules } = await open({ dir: good })
    expect(rules.matcher.match('shop', 'a')?.rule).toBe('shop.a')
    expect(rules.ruleSet().files).toEqual(['a.json'])

    const bad = await ruleDir({ 'a.json': exact('shop.a'), 'b.json': { key: 'shop.b' } })
    await expect(watchRuleDirectory({ dir: bad, watch: false })).rejects.toMatchObject({
      code: 'TM_MISSING_FIELD',
      file: 'b.json',
      field: 'topic',
    })
  })

  it('keeps the old set when a reload fails, and takes the fixed set on the next one', async () => {
    const dir = await ruleDir({ 'a.json': exact('shop.a') })
    const { rules, results } = await open({ dir })
    let swaps = 0
    rules.onReload(() => swaps++)

    await put(dir, 'b.json', '{ not json')
    await put(dir, 'c.json', exact('shop.c'))
    expect(await rules.reload('SIGHUP')).toBe(false)
    expect(results).toEqual([
      { ok: false, reason: 'SIGHUP', error: expect.objectContaining({ code: 'TM_JSON', file: 'b.json' }) },
    ])
    expect(rules.matcher.match('shop', 'c')).toBeUndefined() // nothing of the bad set is used
    expect(rules.matcher.match('shop', 'a')?.rule).toBe('shop.a')
    expect(swaps).toBe(0)

    await unlink(join(dir, 'b.json'))
    expect(await rules.reload('SIGHUP')).toBe(true)
    expect(results[1]).toEqual({ ok: true, reason: 'SIGHUP', rules: 2, files: ['a.json', 'c.json'] })
    expect(rules.matcher.match('shop', 'c')?.rule).toBe('shop.c')
    expect(swaps).toBe(1)
  })

  it('coalesces reloads asked while one runs into exactly one more', async () => {
    const dir = await ruleDir({ 'a.json': exact('shop.a') })
    let asked = 0
    const { rules, results } = await open({
      dir,
      knownTables: async () => {
        asked++
        await new Promise((r) => setTimeout(r, 30)) // each load takes a while
        return []
      },
    })
    asked = 0
    const outcomes = await Promise.all([rules.reload('one'), rules.reload('two'), rules.reload('three')])
    expect(outcomes).toEqual([true, true, true])
    expect(asked).toBe(2)
    expect(results.map((r) => r.reason)).toEqual(['one', 'one (changed again)'])
  })

  it('reloads after file changes once they settle (debounced), and ignores other files', async () => {
    const dir = await ruleDir({ 'a.json': exact('shop.a') })
    const { rules, results } = await open({ dir, watch: true, debounceMs: 150 })
    await put(dir, 'notes.txt', 'not a rule')
    await new Promise((r) => setTimeout(r, 300))
    expect(results).toEqual([])

    for (const t of ['b', 'c', 'd']) {
      await put(dir, `${t}.json`, exact(`shop.${t}`))
      await new Promise((r) => setTimeout(r, 20))
    }
    await until(() => results.length > 0 && rules.matcher.match('shop', 'd') !== undefined, 'a reload')
    await new Promise((r) => setTimeout(r, 300))
    expect(results.every((r) => r.ok)).toBe(true)
    expect(results.length).toBeLessThanOrEqual(2) // one burst, one (at most coalesced) reload
    expect(rules.ruleSet().files).toEqual(['a.json', 'b.json', 'c.json', 'd.json'])
  })

  it('refuses a set under which a known table matches two rules, at start and at reload', async () => {
    const known = ['shop.order_org1_202401', 'shop.order_org2_202401']
    const overlapping = {
      'all.json': pattern('all_orgs', 'shop\\.order_org\\d+_\\d{6}'),
      'org1.json': pattern('org1', 'shop\\.order_org1_\\d{6}'),
    }
    const startDir = await ruleDir(overlapping)
    await expect(
      watchRuleDirectory({ dir: startDir, watch: false, knownTables: async () => known }),
    ).rejects.toMatchObject({
      code: 'TM_AMBIGUOUS',
      table: 'shop.order_org1_202401',
      rules: ['all_orgs', 'org1'],
    })

    const dir = await ruleDir({ 'all.json': overlapping['all.json'] })
    const { rules, results } = await open({ dir, knownTables: async () => known })
    await put(dir, 'org1.json', overlapping['org1.json'])
    expect(await rules.reload('file change')).toBe(false)
    expect(results[0]).toMatchObject({
      ok: false,
      error: { code: 'TM_AMBIGUOUS', table: 'shop.order_org1_202401' },
    })
    // the table had never been matched: without knownTables this set would have been taken
    expect(rules.matcher.match('shop', 'order_org1_202401')?.rule).toBe('all_orgs')
  })

  it('loads without the check when the tables cannot be listed, and says so', async () => {
    const dir = await ruleDir({ 'a.json': exact('shop.a') })
    const failures: Array<[string, string]> = []
    const { rules } = await open({
      dir,
      knownTables: async () => {
        throw new Error('connection refused')
      },
      onKnownTablesError: (err, reason) => void failures.push([(err as Error).message, reason]),
    })
    expect(rules.matcher.match('shop', 'a')?.rule).toBe('shop.a')
    expect(await rules.reload('SIGHUP')).toBe(true)
    expect(failures).toEqual([
      ['connection refused', 'start'],
      ['connection refused', 'SIGHUP'],
    ])
  })

  it('names bad options', async () => {
    await expect(watchRuleDirectory({ dir: '' })).rejects.toThrow(
      'options.dir must be a directory path, received ""',
    )
    await expect(watchRuleDirectory({ dir: '/x', debounceMs: -1 })).rejects.toThrow(
      'options.debounceMs must be an integer >= 0, received -1',
    )
    await expect(watchRuleDirectory({ dir: '/x', watcher: true } as never)).rejects.toMatchObject({
      code: 'TM_OPTIONS',
      message: expect.stringContaining('unknown option "watcher"'),
    })
  })
})
