import { DeliveryError } from './errors.ts'

/** Rejects anything but a plain object holding only `allowed` keys. */
export function checkOptions(where: string, options: unknown, allowed: readonly string[]): void {
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new DeliveryError(
      'DELIVERY_OPTIONS',
      `${where}: options must be an object, received ${describe(options)}`,
    )
  }
  for (const key of Object.keys(options)) {
    if (!allowed.includes(key)) {
      throw new DeliveryError(
        'DELIVERY_OPTIONS',
        `${where}: unknown option "${key}" (known: ${allowed.join(', ')})`,
      )
    }
  }
}

/** A short description of a received value (never its content when it may be long). */
export function describe(value: unknown): string {
  if (value === undefined) return 'nothing'
  if (value === null) return 'null'
  if (typeof value === 'string')
    return value.length > 40 ? `a string of ${value.length}` : JSON.stringify(value)
  if (Array.isArray(value)) return `an array of ${value.length}`
  if (typeof value === 'object') return `an object with keys [${Object.keys(value).join(', ')}]`
  return String(value)
}
