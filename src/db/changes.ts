// Tells readers when the data may have changed: a commit by any other connection or process (PRAGMA data_version),
// a write through this connection (total_changes()), or a writer's explicit bump.
import type { Db } from './open.ts'

export interface ChangeTracker {
  /** Marks the data as changed; a writer calls it after it commits. */
  bump: () => void
  /**
   * A number that differs whenever the data may have changed since it was last read. It asks SQLite for
   * data_version, which starts a read transaction: a few system calls.
   */
  epoch: () => number
  /**
   * epoch() read once for everyone who asks in the same turn of the event loop, and only after they asked (in the
   * check phase that follows): so a request always sees every commit that finished before it was read, and a burst
   * of requests costs one read of data_version.
   */
  nextEpoch: () => Promise<number>
  /** epoch() without data_version: only this process's writes, no file access. */
  localEpoch: () => number
}

export function createChangeTracker (db: Db): ChangeTracker {
  const dataVersion = db.prepare('PRAGMA data_version').pluck()
  const totalChanges = db.prepare('SELECT total_changes()').pluck()
  let generation = 0
  let seenVersion = -1
  let seenChanges = -1
  let seenGeneration = -1
  let epoch = 0
  let pending: Promise<number> | undefined

  function read (askFile: boolean): number {
    const version = askFile ? dataVersion.get() as number : seenVersion
    const changes = totalChanges.get() as number
    if (version !== seenVersion || changes !== seenChanges || generation !== seenGeneration) {
      epoch++
      seenVersion = version
      seenChanges = changes
      seenGeneration = generation
    }
    return epoch
  }

  function nextEpoch (): Promise<number> {
    pending ??= new Promise((resolve, reject) => {
      setImmediate(() => {
        pending = undefined
        try {
          resolve(read(true))
        } catch (error) {
          reject(error)
        }
      })
    })
    return pending
  }

  return { bump: () => { generation++ }, epoch: () => read(true), nextEpoch, localEpoch: () => read(false) }
}
