// Timestamps as pydantic v2 writes them (YYYY-MM-DDTHH:MM:SS[.ffffff]Z), stored as integer microseconds.
const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?(?:([Zz])|([+-])(\d{2}):(\d{2}))$/

const pad = (value: number, width: number) => String(value).padStart(width, '0')

/** Formats microseconds since the epoch (UTC); the fraction appears only when non-zero, always 6 digits. */
export function formatTimestamp (microseconds: number): string {
  const micros = ((microseconds % 1_000_000) + 1_000_000) % 1_000_000
  const date = new Date((microseconds - micros) / 1000)
  const seconds = `${pad(date.getUTCFullYear(), 4)}-${pad(date.getUTCMonth() + 1, 2)}-${pad(date.getUTCDate(), 2)}` +
    `T${pad(date.getUTCHours(), 2)}:${pad(date.getUTCMinutes(), 2)}:${pad(date.getUTCSeconds(), 2)}`
  return micros === 0 ? `${seconds}Z` : `${seconds}.${pad(micros, 6)}Z`
}

/** Parses an RFC 3339 date-time with an explicit offset into UTC microseconds; undefined when invalid. */
export function parseTimestamp (text: string): number | undefined {
  const match = RFC3339.exec(text)
  if (match === null) return undefined
  const [, y, mo, d, h, mi, s, fraction, , sign, offH, offM] = match
  const year = Number(y); const month = Number(mo); const day = Number(d)
  const hour = Number(h); const minute = Number(mi); const second = Number(s)
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined
  if (hour > 23 || minute > 59 || second > 59) return undefined
  const offsetMinutes = sign === undefined ? 0 : (sign === '-' ? -1 : 1) * (Number(offH) * 60 + Number(offM))
  if (Math.abs(offsetMinutes) >= 24 * 60) return undefined
  const millis = Date.UTC(year, month - 1, day, hour, minute, second) - offsetMinutes * 60_000
  const micros = fraction === undefined ? 0 : Number(fraction.padEnd(6, '0'))
  return millis * 1000 + micros
}

function daysInMonth (year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate()
}
