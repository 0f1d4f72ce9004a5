// openDatabase: pragmas on every connection, and one clear error for paths that cannot be a database.
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { DatabaseOpenError, openDatabase } from '../../src/db/open.ts'
import { tempDir } from '../helpers/temp.ts'

const dir = tempDir()

describe('openDatabase', () => {
  it('creates missing parent directories and sets WAL and foreign keys', () => {
    const db = openDatabase(join(dir, 'a', 'b', 'new.sqlite'))
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal')
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1)
    expect(db.pragma('busy_timeout', { simple: true })).toBe(5000)
    db.close()
  })

  it('opens read-only without creating anything', () => {
    const path = join(dir, 'ro.sqlite')
    openDatabase(path).close()
    const db = openDatabase(path, { readOnly: true })
    expect(db.readonly).toBe(true)
    db.close()
    expect(() => openDatabase(join(dir, 'missing', 'ro.sqlite'), { readOnly: true })).toThrow(DatabaseOpenError)
  })

  it('names the path when it is a directory', () => {
    const path = join(dir, 'a-directory')
    mkdirSync(path)
    expect(() => openDatabase(path)).toThrow(DatabaseOpenError)
    expect(() => openDatabase(path)).toThrow(new RegExp(`^cannot open database ${path}: `))
  })

  it('names the path when its parent is a file', () => {
    const file = join(dir, 'plain-file')
    writeFileSync(file, 'x')
    expect(() => openDatabase(join(file, 'db.sqlite'))).toThrow(`cannot open database ${file}/db.sqlite: ${file} is not a directory`)
    expect(() => openDatabase(join(file, 'deeper', 'db.sqlite'))).toThrow(`cannot open database ${file}/deeper/db.sqlite: ${file} is not a directory`)
  })

  it('names the path when the file is not SQLite', () => {
    const file = join(dir, 'text.sqlite')
    writeFileSync(file, 'this is not a database, just text that is long enough to have a header'.repeat(20))
    expect(() => openDatabase(file)).toThrow(`cannot open database ${file}: file is not a database`)
  })
})
