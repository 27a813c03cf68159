import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { createTableMatcher, loadRuleDirectory } from '../src/index.ts'

const seedDir = fileURLToPath(new URL('./fixtures/seed-rules', import.meta.url))

describe('loadRuleDirectory', () => {
  it('loads every *.json file of a directory of seed rule files, ignoring other files', async () => {
    const set = await loadRuleDirectory(seedDir)
    expect(set.files).toEqual(['database.table.json', 'shop.t_order.json'])
    const matcher = createTableMatcher(set, { codegen: false })
    expect(matcher.match('database', 'table')?.target.topic).toBe('topic_name')
    // Default anchoring is full: the seed regex shop\.t_order_\d{4} no longer accepts a suffix.
    expect(matcher.match('shop', 't_order_0001_bak')).toBeUndefined()
    expect(matcher.match('shop', 't_order_0001')?.mapRow({ id: 1, orderNo: 'n', OrgID: 2 })).toEqual({
      id: 1,
      order_no: 'n',
      org_i_d: 2,
      table_name: 't_order_0001',
    })
  })

  it('reproduces Python re.match prefix matching with anchoring "start"', async () => {
    const matcher = createTableMatcher(await loadRuleDirectory(seedDir, { anchoring: 'start' }))
    expect(matcher.match('shop', 't_order_0001_bak')?.rule).toBe('shop.t_order')
  })

  it('fails with TM_READ (retriable) for a missing directory', async () => {
    await expect(loadRuleDirectory(`${seedDir}-missing`)).rejects.toMatchObject({
      code: 'TM_READ',
      retriable: true,
    })
  })
})
