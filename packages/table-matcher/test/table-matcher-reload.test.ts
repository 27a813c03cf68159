import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setImmediate as tick } from 'node:timers/promises'
import { afterAll, describe, expect, it } from 'vitest'
import { createTableMatcher, loadRuleDirectory, type RuleFile } from '../src/index.ts'
import { richFile, shardRuleFiles } from './fixtures/rule-files.ts'

const dirs: string[] = []
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })))
})

async function ruleDir(files: RuleFile[]): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'tm-reload-'))
  dirs.push(dir)
  await Promise.all(files.map((f) => writeFile(join(dir, f.file), f.text)))
  return dir
}

// Generation B renames every target, so a stale plan from generation A is visible at once.
const generation = (suffix: string): RuleFile[] =>
  shardRuleFiles().map((f) => {
    const json = JSON.parse(f.text)
    if (json.version === 2) json.target.table = `${json.target.table}_${suffix}`
    else json.topic = `${json.topic}_${suffix}`
    return { file: f.file, text: JSON.stringify(json) }
  })

const tables: Array<[string, string]> = [
  ['shop', 't_order_0001'],
  ['shop', 'order_org5'],
  ['shop', 'order_org5_202401'],
  ['shop', 'log_2024'],
  ['shop', 'order_202402'],
  ['shop', 't_user'],
]
const suffixOf = (target: string) => target.slice(target.lastIndexOf('_') + 1)

describe('hot reload', () => {
  it('swaps rule sets atomically under concurrent match calls; a bad set leaves the old one', async () => {
    const dirA = await ruleDir(generation('a'))
    const dirB = await ruleDir(generation('b'))
    const dirBad = await ruleDir([
      ...generation('c'),
      richFile('broken.json', { name: 'broken', match: { table: '(' }, target: { table: 'x' } }),
    ])
    const matcher = createTableMatcher(await loadRuleDirectory(dirA))
    let expected = 'a'
    let done = false
    let bursts = 0
    const oldPlan = matcher.match('shop', 'log_2024')!

    const worker = async () => {
      while (!done) {
        const seen = tables.map(([db, t]) => suffixOf(matcher.match(db, t)!.target.table))
        expect(new Set(seen)).toEqual(new Set([expected]))
        bursts++
        await tick()
      }
    }
    const reloader = async () => {
      const order = [dirBad, dirB, dirBad, dirA, dirB, dirBad, dirA]
      for (let round = 0; round < 3; round++) {
        for (const dir of order) {
          try {
            const set = await loadRuleDirectory(dir)
            matcher.replaceRules(set)
            expected = dir === dirA ? 'a' : 'b'
          } catch (err) {
            expect(dir).toBe(dirBad)
            expect(err).toMatchObject({ code: 'TM_BAD_REGEX', file: 'broken.json' })
          }
          expect(suffixOf(matcher.match('shop', 't_order_0001')!.target.table)).toBe(expected)
          await tick()
        }
      }
      done = true
    }
    await Promise.all([worker(), worker(), worker(), reloader()])
    expect(bursts).toBeGreaterThan(20)
    // A plan handed out before a reload keeps working for rows already in flight.
    expect(oldPlan.mapRow({ Id: 1 })).toEqual({ id: 1, year: '2024' })
  })

  it('refuses a set that would make a table already seen match two rules, and keeps the old one', async () => {
    const matcher = createTableMatcher(await loadRuleDirectory(await ruleDir(generation('a'))))
    for (const [db, t] of tables) matcher.match(db, t)
    // a new rule whose pattern also covers the organisation+month shards already live
    const overlapping = await loadRuleDirectory(
      await ruleDir([
        ...generation('b'),
        richFile('catch-all.json', {
          name: 'catch_all_orders',
          match: { database: 'shop', table: 'order_org\\d+_\\d{6}' },
          target: { table: 'ods_everything' },
        }),
      ]),
    )
    let error: unknown
    try {
      matcher.replaceRules(overlapping)
    } catch (err) {
      error = err
    }
    expect(error).toMatchObject({ code: 'TM_AMBIGUOUS' })
    const message = (error as Error).message
    expect(message).toContain('catch_all_orders')
    expect(message).toContain('order_org5_202401')
    // nothing changed: the old generation still answers
    expect(suffixOf(matcher.match('shop', 'order_org5_202401')!.target.table)).toBe('a')
    // a set that overlaps only on tables never seen is accepted (they fail when first met)
    const fresh = createTableMatcher(await loadRuleDirectory(await ruleDir(generation('a'))))
    fresh.match('shop', 't_user')
    fresh.replaceRules(overlapping)
    expect(fresh.match('shop', 't_user')).toBeDefined()
    expect(() => fresh.match('shop', 'order_org5_202401')).toThrow(
      expect.objectContaining({ code: 'TM_AMBIGUOUS' }),
    )
  })
})
