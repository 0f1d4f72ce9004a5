// createChangeTracker: the epoch moves on writes through this connection, a writer's bump, and commits by another
// connection or process; requests in one turn share a single check made after they asked.
import { execFileSync } from 'node:child_process'
import { describe, expect, it } from 'vitest'
import { createChangeTracker } from '../../src/db/changes.ts'
import { openDatabase } from '../../src/db/open.ts'
import { seededDb } from '../helpers/test-app.ts'

const NEW_PIPELINE = 'a1b2c3d4-0003-4c1e-9f7a-2d3b8e5a6c03'

/** Inserts a pipeline from a separate node process, through its own better-sqlite3 connection. */
function insertFromAnotherProcess (path: string, pipelineId: string): void {
  execFileSync(process.execPath, ['-e', `
    const Database = require('better-sqlite3')
    const db = new Database(process.argv[1])
    db.pragma('busy_timeout = 5000')
    db.prepare('INSERT INTO pipelines (id) VALUES (?)').run(process.argv[2])
    db.close()`, path, pipelineId])
}

describe('createChangeTracker', () => {
  it('keeps the epoch while nothing changes', () => {
    const changes = createChangeTracker(seededDb())
    const epoch = changes.epoch()
    expect(changes.epoch()).toBe(epoch)
    expect(changes.localEpoch()).toBe(epoch)
  })

  it('moves on a write through the same connection, even without a bump', () => {
    const db = seededDb()
    const changes = createChangeTracker(db)
    const before = changes.epoch()
    db.prepare('INSERT INTO pipelines (id) VALUES (?)').run(NEW_PIPELINE)
    expect(changes.localEpoch()).toBeGreaterThan(before)
  })

  it('moves on a bump without any SQL', () => {
    const changes = createChangeTracker(seededDb())
    const before = changes.epoch()
    changes.bump()
    expect(changes.localEpoch()).toBeGreaterThan(before)
  })

  it('moves on a commit by another connection, which only data_version sees', () => {
    const db = seededDb()
    const other = openDatabase(db.name)
    const changes = createChangeTracker(db)
    const before = changes.epoch()
    other.prepare('INSERT INTO pipelines (id) VALUES (?)').run(NEW_PIPELINE)
    other.close()
    expect(changes.localEpoch()).toBe(before)
    expect(changes.epoch()).toBeGreaterThan(before)
  })

  it('moves on a commit by another process', () => {
    const db = seededDb()
    const changes = createChangeTracker(db)
    const before = changes.epoch()
    insertFromAnotherProcess(db.name, NEW_PIPELINE)
    expect(changes.epoch()).toBeGreaterThan(before)
  })

  it('shares one check among callers in the same turn, made after they asked', async () => {
    const db = seededDb()
    const changes = createChangeTracker(db)
    const before = changes.epoch()
    const first = changes.nextEpoch()
    const second = changes.nextEpoch()
    expect(second).toBe(first)
    // A commit that lands after the request was read but before the check is still seen.
    insertFromAnotherProcess(db.name, NEW_PIPELINE)
    expect(await first).toBeGreaterThan(before)
    expect(changes.nextEpoch()).not.toBe(first)
  })

  it('rejects the waiting callers when the check fails', async () => {
    const db = seededDb()
    const changes = createChangeTracker(db)
    const next = changes.nextEpoch()
    db.close()
    await expect(next).rejects.toThrow(/not open/)
  })
})
