// The request journal: a bounded ring buffer of recent requests (never headers), listed newest first.
export interface JournalEntry {
  id: number
  time: string
  method: string
  path: string
  query: string
  status: number
  duration_ms: number
}

export interface JournalFilter {
  method?: string
  /** Exact path, or a prefix when it ends with `*`. */
  path?: string
  /** A status code (`404`) or a class (`4xx`). */
  status?: string
  limit?: number
}

export interface Journal {
  capacity: number
  record: (entry: Omit<JournalEntry, 'id'>) => void
  /** Matching entries newest first (at most `limit`), and how many matched in all. */
  list: (filter?: JournalFilter) => { requests: JournalEntry[], total: number }
  clear: () => void
}

export function createJournal (capacity: number): Journal {
  const slots: Array<JournalEntry | undefined> = new Array(capacity)
  let next = 0
  let nextId = 1
  return {
    capacity,
    record (entry) {
      if (capacity === 0) return
      slots[next % capacity] = { id: nextId++, ...entry }
      next++
    },
    list (filter = {}) {
      const matches = matcher(filter)
      const requests: JournalEntry[] = []
      let total = 0
      for (let i = next - 1; i >= Math.max(0, next - capacity); i--) {
        const entry = slots[i % capacity] as JournalEntry
        if (!matches(entry)) continue
        total++
        if (requests.length < (filter.limit ?? capacity)) requests.push(entry)
      }
      return { requests, total }
    },
    clear () {
      slots.fill(undefined)
      next = 0
    }
  }
}

function matcher (filter: JournalFilter): (entry: JournalEntry) => boolean {
  const method = filter.method?.toUpperCase()
  const path = filter.path
  const prefix = path?.endsWith('*') === true ? path.slice(0, -1) : undefined
  const status = filter.status?.toLowerCase()
  return (entry) => {
    if (method !== undefined && entry.method !== method) return false
    if (path !== undefined && (prefix === undefined ? entry.path !== path : !entry.path.startsWith(prefix))) return false
    if (status !== undefined && !statusMatches(entry.status, status)) return false
    return true
  }
}

function statusMatches (status: number, wanted: string): boolean {
  return wanted.endsWith('xx') ? String(status)[0] === wanted[0] : String(status) === wanted
}
