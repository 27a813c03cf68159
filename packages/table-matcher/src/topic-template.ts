import { TableMatcherError } from './errors.ts'

/** Placeholders every topic template may use; capture-group names are allowed too. */
export const builtinPlaceholders = ['db', 'table', 'target', 'rule'] as const

const placeholder = /\{([^{}]*)\}/g
const legalTopic = /^[A-Za-z0-9._-]{1,249}$/

/** Checks a template at load time: known placeholders, and legal characters around them. */
export function checkTopicTemplate(
  template: string,
  captureNames: readonly string[],
  where: { file: string; field: string },
): void {
  for (const m of template.matchAll(placeholder)) {
    const name = m[1]!
    if (!(builtinPlaceholders as readonly string[]).includes(name) && !captureNames.includes(name)) {
      throw new TableMatcherError(
        'TM_BAD_FIELD',
        `unknown placeholder {${name}} in topic template; known: ${[...builtinPlaceholders, ...captureNames].join(', ')}`,
        where,
      )
    }
  }
  const literal = template.replace(placeholder, 'x')
  if (!legalTopic.test(literal)) {
    throw new TableMatcherError(
      'TM_BAD_FIELD',
      `topic template ${JSON.stringify(template)} holds characters Kafka does not allow (A-Z a-z 0-9 . _ -)`,
      where,
    )
  }
}

/** Renders a checked template for one physical table. */
export function renderTopic(template: string, values: Readonly<Record<string, string>>): string {
  if (!template.includes('{')) return template
  const topic = template.replace(placeholder, (_, name: string) => values[name] ?? '')
  if (!legalTopic.test(topic)) {
    throw new TableMatcherError(
      'TM_BAD_TOPIC',
      `topic ${JSON.stringify(topic)} rendered from ${JSON.stringify(template)} is not a legal Kafka topic name`,
    )
  }
  return topic
}
