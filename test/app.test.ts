// buildApp: never listens by itself; an internal failure is Starlette's plain-text 500, with nothing leaked.
import { describe, expect, it } from 'vitest'
import { AUTH, FIXTURE, seededDb, testApp } from './helpers/test-app.ts'

describe('buildApp', () => {
  it('returns an app that is not listening', async () => {
    const app = await testApp()
    expect(app.server.listening).toBe(false)
  })

  it('answers an internal failure with a plain-text 500 and no detail', async () => {
    const db = seededDb()
    const app = await testApp({}, db)
    db.close() // every statement now throws "The database connection is not open"
    const response = await app.inject({ url: `/pipelines/${FIXTURE.pipeline1}/runs/`, headers: AUTH })
    expect({ status: response.statusCode, type: response.headers['content-type'], body: response.body })
      .toEqual({ status: 500, type: 'text/plain; charset=utf-8', body: 'Internal Server Error' })
  })

  it('still answers routing, auth and validation without the database', async () => {
    const db = seededDb()
    const app = await testApp({}, db)
    db.close()
    expect((await app.inject({ url: '/pipelines/x/runs' })).statusCode).toBe(307)
    expect((await app.inject({ url: '/pipelines/x/runs/' })).statusCode).toBe(401)
    expect((await app.inject({ url: '/pipelines/x/runs/', headers: AUTH })).statusCode).toBe(422)
  })
})
