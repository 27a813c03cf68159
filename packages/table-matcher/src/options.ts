import { TableMatcherError } from './errors.ts'

/** Rejects anything but a plain object holding only `allowed` keys. */
export function checkOptions(where: string, options: unknown, allowed: readonly string[]): void {
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new TableMatcherError(
      'TM_OPTIONS',
      `${where}: options must be an object, received ${JSON.stringify(options)}`,
    )
  }
  for (const key of Object.keys(options)) {
    if (!allowed.includes(key)) {
      throw new TableMatcherError(
        'TM_OPTIONS',
        `${where}: unknown option "${key}" (known: ${allowed.join(', ')}), received ${JSON.stringify((options as Record<string, unknown>)[key])}`,
      )
    }
  }
}
