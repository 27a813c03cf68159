// DATE, DATETIME, TIMESTAMP and TIME as canonical text.
//
// Inputs are always MySQL's own text forms: zongji and mysql2 both run with
// dateStrings, so no value passes through a JS Date (which would shift by the process
// zone, drop microseconds and turn year 50 into 1950). TIMESTAMP arrives in UTC (zongji
// timezone 'Z'; a SELECT session with time_zone '+00:00') and is shown in the source zone.

const dateTimeRe = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})(\.\d{1,6})?$/
const timeRe = /^-?\d{2,3}:\d{2}:\d{2}(\.\d{1,6})?$/

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31
}

/** Month 1-12 and day within the month; a zero date or a zero part is not a date. */
function isValidDate(year: number, month: number, day: number): boolean {
  return month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month)
}

// Every row of a snapshot renders its dates, so these two read the text by character
// codes: what /^\d{4}-\d{2}-\d{2}$/ and `dateTimeRe` accept, without a match array and its substrings.

/** The ASCII digit at `i` as a number, or NaN. */
function digitAt(text: string, i: number): number {
  const d = text.charCodeAt(i) - 48
  return d >= 0 && d <= 9 ? d : Number.NaN
}

/** Whether `text` starts with a valid 'YYYY-MM-DD' (dashes in place, digits ASCII). */
function validDatePrefix(text: string): boolean {
  if (text.charCodeAt(4) !== 45 || text.charCodeAt(7) !== 45) return false
  const year = digitAt(text, 0) * 1000 + digitAt(text, 1) * 100 + digitAt(text, 2) * 10 + digitAt(text, 3)
  const month = digitAt(text, 5) * 10 + digitAt(text, 6)
  const day = digitAt(text, 8) * 10 + digitAt(text, 9)
  // a non-digit makes its part NaN
  return !Number.isNaN(year + month + day) && isValidDate(year, month, day)
}

/** 'YYYY-MM-DD', or null for zero and invalid dates. */
export function renderDate(text: string): string | null {
  return text.length === 10 && validDatePrefix(text) ? text : null
}

/** 'YYYY-MM-DD HH:MM:SS[.ffffff]' as given, or null for zero and invalid dates. */
export function renderDateTime(text: string): string | null {
  const n = text.length
  if (n !== 19 && (n < 21 || n > 26)) return null
  if (text.charCodeAt(10) !== 32 || text.charCodeAt(13) !== 58 || text.charCodeAt(16) !== 58) return null
  for (const i of timeDigits) if (Number.isNaN(digitAt(text, i))) return null
  if (n > 19) {
    if (text.charCodeAt(19) !== 46) return null
    for (let i = 20; i < n; i++) if (Number.isNaN(digitAt(text, i))) return null
  }
  return validDatePrefix(text) ? text : null
}

const timeDigits = [11, 12, 14, 15, 17, 18] as const

/** '[-]HH:MM:SS[.ffffff]' (hours up to 838), as given. */
export function renderTime(text: string): string | null {
  return timeRe.test(text) ? text : null
}

const pad2 = (n: number) => (n < 10 ? '0' : '') + n
const pad4 = (n: number) => String(n).padStart(4, '0')

/** Converts instants (seconds since the epoch) to a zone's wall clock. */
export interface ZoneConverter {
  readonly zone: string
  /** Offset from UTC in seconds at the given instant. */
  offsetAt(epochSeconds: number): number
}

const fixedOffsetRe = /^([+-])(\d{2}):(\d{2})$/

export function isUtcZone(zone: string): boolean {
  return zone === 'UTC' || zone === 'Z' || zone === 'Etc/UTC' || zone === '+00:00' || zone === '-00:00'
}

/** A converter for 'UTC', a fixed offset '+08:00', or an IANA zone name ('America/New_York'). */
export function createZoneConverter(zone: string): ZoneConverter {
  if (isUtcZone(zone)) return { zone, offsetAt: () => 0 }
  const fixed = fixedOffsetRe.exec(zone)
  if (fixed) {
    const seconds = (Number(fixed[2]) * 3600 + Number(fixed[3]) * 60) * (fixed[1] === '-' ? -1 : 1)
    return { zone, offsetAt: () => seconds }
  }
  const format = new Intl.DateTimeFormat('en-US', {
    timeZone: zone, // throws RangeError for an unknown zone
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  })
  // Zone transitions fall on quarter hours, so one lookup per 15-minute bucket is exact
  const cache = new Map<number, number>()
  return {
    zone,
    offsetAt(epochSeconds: number): number {
      const bucket = Math.floor(epochSeconds / 900)
      const hit = cache.get(bucket)
      if (hit !== undefined) return hit
      const at = bucket * 900
      const parts: Record<string, number> = {}
      for (const p of format.formatToParts(new Date(at * 1000))) {
        if (p.type !== 'literal') parts[p.type] = Number(p.value)
      }
      const wall = Date.UTC(parts.year!, parts.month! - 1, parts.day, parts.hour, parts.minute, parts.second)
      const offset = Math.round(wall / 1000 - at)
      if (cache.size > 4096) cache.clear()
      cache.set(bucket, offset)
      return offset
    },
  }
}

/**
 * A TIMESTAMP given as UTC text, shown in the converter's zone with the same fraction.
 * Null for the zero TIMESTAMP ('0000-00-00 00:00:00') and anything unparseable.
 */
export function renderTimestamp(utcText: string, zone: ZoneConverter): string | null {
  const m = dateTimeRe.exec(utcText)
  if (!m) return null
  const year = Number(m[1])
  const month = Number(m[2])
  const day = Number(m[3])
  if (!isValidDate(year, month, day)) return null
  if (zone.offsetAt(0) === 0 && isUtcZoneConverter(zone)) return utcText
  const utcMs = Date.UTC(year, month - 1, day, Number(m[4]), Number(m[5]), Number(m[6]))
  const epoch = utcMs / 1000
  const local = new Date((epoch + zone.offsetAt(epoch)) * 1000)
  return (
    pad4(local.getUTCFullYear()) +
    '-' +
    pad2(local.getUTCMonth() + 1) +
    '-' +
    pad2(local.getUTCDate()) +
    ' ' +
    pad2(local.getUTCHours()) +
    ':' +
    pad2(local.getUTCMinutes()) +
    ':' +
    pad2(local.getUTCSeconds()) +
    (m[7] ?? '')
  )
}

function isUtcZoneConverter(zone: ZoneConverter): boolean {
  return isUtcZone(zone.zone)
}
