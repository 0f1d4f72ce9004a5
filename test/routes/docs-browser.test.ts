// /docs in a real browser: Debian's Chromium (playwright-core) authorizes, calls the endpoint and sees a 200 with runs.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { chromium, type Browser } from 'playwright-core'
import { afterAll, describe, expect, it } from 'vitest'
import { readDemoRuns } from '../../src/db/seed-demo.ts'
import { tempDir } from '../helpers/temp.ts'
import { listen, seededDb, testApp, TOKEN } from '../helpers/test-app.ts'
import { hasTool } from '../helpers/tools.ts'

const CHROMIUM = '/usr/bin/chromium'
const hasChromium = hasTool(CHROMIUM, 'apt-get install -y chromium')

const demo = readDemoRuns()
const PIPELINE = demo[0]?.pipeline_version.pipeline_id ?? 'missing'

/** A pydantic timestamp as text that sorts by time (the fraction is written only when not zero). */
const instant = (time: string) => time.length === 20 ? `${time.slice(0, 19)}.000000` : time.slice(0, 26)

let browser: Browser | undefined
afterAll(async () => { await browser?.close() })

// A name that is not localhost, as in a container or a demo environment: Chromium resolves it to this machine.
const OTHER_HOST = 'pipelines-mock.test'

describe.skipIf(!hasChromium)('/docs in Chromium', () => {
  it.each([['127.0.0.1'], [OTHER_HOST]])('at http://%s:PORT: Authorize with demo-token, Try it out, Execute: a 200 with the pipeline\'s runs; a screenshot of the page', async (host) => {
    const port = await listen(await testApp({}, seededDb(demo)))
    const origin = `http://${host}:${port}`
    browser ??= await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', `--host-resolver-rules=MAP ${OTHER_HOST} 127.0.0.1`]
    })
    const page = await browser.newPage({ viewport: { width: 1280, height: 1400 } })
    // Every request the page makes stays on this server: Swagger UI is served from the package, no CDN.
    const foreign: string[] = []
    page.on('request', (request) => { if (!request.url().startsWith(origin) && !request.url().startsWith('data:')) foreign.push(request.url()) })

    await page.goto(`${origin}/docs`)
    await expect.poll(async () => await page.title()).toBe('Pipelines API - Swagger UI')

    await page.locator('.auth-wrapper button.authorize').click()
    const dialog = page.locator('.modal-ux')
    await dialog.locator('input').first().fill(TOKEN)
    await dialog.locator('.auth-btn-wrapper button.authorize').click()
    await dialog.locator('.auth-btn-wrapper button.btn-done').click()

    const operation = page.locator('.opblock-get').first()
    await operation.locator('.opblock-summary').click()
    const tryOut = operation.locator('button.try-out__btn')
    if ((await tryOut.textContent())?.trim() === 'Try it out') await tryOut.click()
    await operation.locator('tr[data-param-name="pipeline_id"] input').fill(PIPELINE)
    await operation.locator('button.execute').click()

    const status = operation.locator('.live-responses-table .response .response-col_status').first()
    await expect.poll(async () => (await status.textContent())?.trim(), { timeout: 15_000 }).toBe('200')
    const body = await operation.locator('.live-responses-table .response-col_description pre').first().textContent() ?? ''
    const runs = JSON.parse(body) as Array<{ id: string, pipeline_version: { pipeline_id: string } }>
    const expected = [...demo.filter((run) => run.pipeline_version.pipeline_id === PIPELINE)]
      .sort((a, b) => instant(b.created_at).localeCompare(instant(a.created_at)) || b.id.localeCompare(a.id))
    expect(runs.map((run) => run.id)).toEqual(expected.map((run) => run.id))
    expect(new Set(runs.map((run) => run.pipeline_version.pipeline_id))).toEqual(new Set([PIPELINE]))
    // The request carried the token: the curl Swagger UI shows is the one it sent.
    expect(await operation.locator('.curl-command').textContent()).toContain(`Authorization: Bearer ${TOKEN}`)
    expect(foreign).toEqual([])

    // A screenshot for a person to look at, in a temp dir: a real PNG of the whole page.
    const screenshot = join(tempDir('pipelines-mock-docs-'), 'docs.png')
    await page.screenshot({ path: screenshot, fullPage: true })
    const png = readFileSync(screenshot)
    expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))
    expect(png.readUInt32BE(16)).toBe(1280)
  }, 60_000)
})
