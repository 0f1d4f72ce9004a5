// The ring buffer behind the request journal: order, bound, filters, clear.
import { describe, expect, it } from 'vitest'
import { createJournal } from '../src/journal.ts'

const entry = (path: string, status = 200, method = 'GET') => ({ time: '2026-11-04T09:30:00Z', method, path, query: '', status, duration_ms: 1 })

describe('createJournal', () => {
  it('keeps the newest entries up to its capacity, newest first', () => {
    const journal = createJournal(3)
    for (let i = 1; i <= 5; i++) journal.record(entry(`/p/${i}`))
    const { requests, total } = journal.list()
    expect(requests.map((r) => [r.id, r.path])).toEqual([[5, '/p/5'], [4, '/p/4'], [3, '/p/3']])
    expect(total).toBe(3)
  })

  it('filters by exact path, path prefix, method, status code and class, and limits', () => {
    const journal = createJournal(10)
    journal.record(entry('/a/1', 200))
    journal.record(entry('/a/2', 404))
    journal.record(entry('/b', 422, 'POST'))
    journal.record(entry('/a/1', 401))
    const paths = (filter: Parameters<typeof journal.list>[0]) => journal.list(filter).requests.map((r) => `${r.path} ${r.status}`)
    expect(paths({ path: '/a/1' })).toEqual(['/a/1 401', '/a/1 200'])
    expect(paths({ path: '/a/*' })).toEqual(['/a/1 401', '/a/2 404', '/a/1 200'])
    expect(paths({ method: 'post' })).toEqual(['/b 422'])
    expect(paths({ status: '4xx' })).toEqual(['/a/1 401', '/b 422', '/a/2 404'])
    expect(paths({ status: '200' })).toEqual(['/a/1 200'])
    expect(journal.list({ status: '4xx', limit: 1 })).toMatchObject({ total: 3, requests: [{ path: '/a/1', status: 401 }] })
  })

  it('clears, and keeps numbering after a clear', () => {
    const journal = createJournal(2)
    journal.record(entry('/x'))
    journal.clear()
    expect(journal.list()).toEqual({ requests: [], total: 0 })
    journal.record(entry('/y'))
    expect(journal.list().requests.map((r) => r.id)).toEqual([2])
  })

  it('records nothing with capacity 0', () => {
    const journal = createJournal(0)
    journal.record(entry('/x'))
    expect(journal.list()).toEqual({ requests: [], total: 0 })
  })
})
