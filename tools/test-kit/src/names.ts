import { randomBytes } from 'node:crypto'

let counter = 0

/**
 * A name no other test (in this or a concurrent run) uses: safe as a MySQL database or
 * table name, a Kafka topic and a consumer group. At most 48 characters.
 */
export function uniqueName(prefix: string): string {
  counter += 1
  const clean = prefix
    .toLowerCase()
    .replace(/[^a-z0-9_]/g, '_')
    .slice(0, 24)
  return `${clean}_${process.pid.toString(36)}${counter.toString(36)}_${randomBytes(3).toString('hex')}`
}
