// Adds up vitest's JSON reports into one closing line: "Tests: N passed, N failed".
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'

const dir = process.argv[2]
let passed = 0
let failed = 0
let skipped = 0
let files = 0
const failures = []
for (const name of readdirSync(dir).filter((f) => f.endsWith('.json'))) {
  const report = JSON.parse(readFileSync(join(dir, name), 'utf8'))
  files += 1
  passed += report.numPassedTests
  failed += report.numFailedTests
  skipped += report.numPendingTests + (report.numTodoTests ?? 0)
  for (const file of report.testResults) {
    if (file.status === 'failed' && file.assertionResults.every((a) => a.status !== 'failed')) {
      failed += 1 // a file that failed to load counts as a failure
      failures.push(`${name}: ${file.name} (${(file.message ?? '').split('\n')[0]})`)
    }
    for (const a of file.assertionResults) if (a.status === 'failed') failures.push(`${name}: ${a.fullName}`)
  }
}
if (failures.length) console.log(`failed:\n  ${failures.join('\n  ')}`)
console.log(`${files} test runs`)
console.log(`Tests: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`)
process.exit(failed > 0 || passed === 0 ? 1 : 0)
