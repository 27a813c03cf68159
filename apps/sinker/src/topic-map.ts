// The topic → target table map. Accepts the seed connector's `starrocks.topic2table.map`
// text ("topic:table,topic:table") as well as a JSON object.

export function parseTopicTableMap(text: string, field: string, errors: string[]): Record<string, string> {
  const out: Record<string, string> = {}
  for (const raw of text.split(',')) {
    const entry = raw.trim()
    if (entry === '') continue
    const i = entry.lastIndexOf(':')
    const topic = i > 0 ? entry.slice(0, i).trim() : ''
    const table = i > 0 ? entry.slice(i + 1).trim() : ''
    if (topic === '' || table === '') {
      errors.push(`${field} entries must be "topic:table", received ${JSON.stringify(entry)}`)
      continue
    }
    if (out[topic] !== undefined && out[topic] !== table) {
      errors.push(`${field} maps topic ${JSON.stringify(topic)} twice (${out[topic]} and ${table})`)
      continue
    }
    out[topic] = table
  }
  return out
}
