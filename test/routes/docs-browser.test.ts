// /docs in a real browser: Debian's Chromium (playwright-core) authorizes, calls the endpoint and sees a 200 with runs.
import { existsSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { chromium, type Browser } from 'playwright-core'
import { afterAll, describe, expect, it } from 'vitest'
import { readDemoRuns } from '../../src/db/seed-demo.ts'
import { listen, ROOT, seededDb, testApp, TOKEN } from '../helpers.ts'

const CHROMIUM = '/usr/bin/chromium'
const SCREENSHOT = join(ROOT, 'test-output', 'docs.png')
const hasChromium = existsSync(CHROMIUM)
if (!hasChromium) console.warn(`skipping the /docs browser test: ${CHROMIUM} is missing (apt-get install -y chromium; .ci/run installs it)`)

const demo = readDemoRuns()
const PIPELINE = demo[0]?.pipeline_version.pipeline_id ?? 'missing'

let browser: Browser | undefined
afterAll(async () => { await browser?.close() })

describe.skipIf(!hasChromium)('/docs in Chromium', () => {
  it('Authorize with demo-token, Try it out, Execute: a 200 with the pipeline\'s runs; screenshot in test-output/docs.png', async () => {
    const port = await listen(await testApp({}, seededDb(demo)))
    const origin = `http://127.0.0.1:${port}`
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run']
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
    const runs = JSON.parse(body) as Array<{ pipeline_version: { pipeline_id: string } }>
    expect(runs.length).toBe(demo.filter((run) => run.pipeline_version.pipeline_id === PIPELINE).length)
    expect(new Set(runs.map((run) => run.pipeline_version.pipeline_id))).toEqual(new Set([PIPELINE]))
    // The request carried the token: the curl Swagger UI shows is the one it sent.
    expect(await operation.locator('.curl-command').textContent()).toContain(`Authorization: Bearer ${TOKEN}`)
    expect(foreign).toEqual([])

    mkdirSync(join(ROOT, 'test-output'), { recursive: true })
    await page.screenshot({ path: SCREENSHOT, fullPage: true })
    expect(existsSync(SCREENSHOT)).toBe(true)
  }, 60_000)
})
