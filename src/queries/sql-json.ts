// SQL fragments that render stored values the way the response needs them, so SQLite assembles the JSON.

/** Renders integer microseconds as pydantic does: YYYY-MM-DDTHH:MM:SS[.ffffff]Z (times are never before 1970). */
export function timestampSql (column: string): string {
  return `(strftime('%Y-%m-%dT%H:%M:%S', ${column} / 1000000, 'unixepoch') || ` +
    `CASE WHEN ${column} % 1000000 = 0 THEN 'Z' ELSE printf('.%06dZ', ${column} % 1000000) END)`
}

export function nullableTimestampSql (column: string): string {
  return `CASE WHEN ${column} IS NULL THEN NULL ELSE ${timestampSql(column)} END`
}

/** The same timestamp as JSON text: quoted, or `null`. */
export function timestampJsonSql (column: string): string {
  return `concat('"', ${timestampSql(column)}, '"')`
}

export function nullableTimestampJsonSql (column: string): string {
  return `CASE WHEN ${column} IS NULL THEN 'null' ELSE ${timestampJsonSql(column)} END`
}
