import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { TableMatcherError } from './errors.ts'
import type { RuleSet } from './rule.ts'
import { parseRuleSet, type RuleFile, type RuleSetOptions } from './rule-set.ts'

/**
 * Reads every `*.json` file of a directory (not recursive, like the seed's
 * TableConfigReader) and builds one rule set. Any bad file rejects the whole set.
 */
export async function loadRuleDirectory(dir: string, options: RuleSetOptions = {}): Promise<RuleSet> {
  let names: string[]
  try {
    const entries = await readdir(dir, { withFileTypes: true })
    names = entries.filter((e) => e.isFile() && e.name.endsWith('.json')).map((e) => e.name)
  } catch (cause) {
    throw new TableMatcherError('TM_READ', `cannot list rule directory ${dir}`, { cause })
  }
  const files: RuleFile[] = await Promise.all(
    names.map(async (file) => {
      try {
        return { file, text: await readFile(join(dir, file), 'utf8') }
      } catch (cause) {
        throw new TableMatcherError('TM_READ', 'cannot read rule file', { file, cause })
      }
    }),
  )
  return parseRuleSet(files, options)
}
