// `pipelines-mock serve`: start the HTTP server with flags over environment over defaults.
import { DEFAULTS, ENV, LOG_LEVELS, loadConfig, type ConfigFlags, type LogLevel } from '../config.ts'
import { COMPAT_NAMES } from '../contract/compat.ts'
import { closeOnSignals, startServer } from '../server.ts'
import { startBanner } from './start-banner.ts'
import { parseFlags, print, printError, type Command } from './usage.ts'

const options = {
  host: { type: 'string' },
  port: { type: 'string', short: 'p' },
  db: { type: 'string' },
  token: { type: 'string', multiple: true },
  'api-key': { type: 'string', multiple: true },
  'admin-token': { type: 'string' },
  'admin-body-limit': { type: 'string' },
  'log-level': { type: 'string' },
  'log-format': { type: 'string' },
  'no-seed': { type: 'boolean' },
  'read-only': { type: 'boolean' },
  simulate: { type: 'boolean' },
  speed: { type: 'string' },
  'random-seed': { type: 'string' },
  'simulate-interval': { type: 'string' },
  'simulate-keep': { type: 'string' },
  'cache-mb': { type: 'string' },
  workers: { type: 'string' },
  compat: { type: 'string' },
  'no-prefer': { type: 'boolean' },
  latency: { type: 'string' },
  'error-rate': { type: 'string' },
  'error-status': { type: 'string' },
  'fault-seed': { type: 'string' },
  'journal-size': { type: 'string' },
  'cors-origin': { type: 'string', multiple: true },
  'no-cors': { type: 'boolean' },
  'max-connections': { type: 'string' },
  'keep-alive-timeout': { type: 'string' },
  'headers-timeout': { type: 'string' },
  'request-timeout': { type: 'string' }
} as const

export const serve: Command = {
  name: 'serve',
  help: `Usage: pipelines-mock serve [options]

Serves GET /pipelines/{pipeline_id}/runs/ (plus /openapi.json, /docs, /__admin/health, /__admin/requests).
An empty database is filled with the demo data set on first start.

Options:
  --host HOST          address to listen on (env ${ENV.host}, default 127.0.0.1)
  --port, -p PORT      port, 0 picks a free one (env ${ENV.port}, default 8000)
  --db PATH            SQLite file, created if missing (env ${ENV.db}, default ./data/pipelines-mock.sqlite)
  --token TOKEN        accepted bearer token, repeatable (env ${ENV.tokens}, comma-separated, default demo-token)
  --api-key KEY        accepted Api-key header value, repeatable; unset: Api-key is ignored (env ${ENV.apiKeys})
  --admin-token TOKEN  enables the data-changing /__admin endpoints (env ${ENV.adminToken}, default off)
  --admin-body-limit SIZE  largest body POST /__admin/runs reads, e.g. 50mb (env ${ENV.adminBodyLimit}, default 50mb)
  --log-level LEVEL    fatal|error|warn|info|debug|trace|silent (env ${ENV.logLevel}, default info)
  --log-format FORMAT  text: uvicorn-style lines, one per request (health probes left out); json: pino's
                       structured records (env ${ENV.logFormat}, default text)
  --no-seed            leave an empty database empty (env ${ENV.noSeed}=true)
  --read-only          open the database read-only: no migration, no seeding, no writes (env ${ENV.readOnly}=true)
  --cache-mb MB        memory for cached responses, 0 turns the cache off (env ${ENV.cacheMb}, default ${DEFAULTS.cacheMb})
  --workers N          processes sharing the port, 1 to 64 (env ${ENV.workers}, default 1)

  --compat PROFILE     FastAPI/pydantic generation to mimic: ${COMPAT_NAMES.join(', ')} (env ${ENV.compat}, default current)
  --no-prefer          ignore the Prefer header (code=, delay=) for strict fidelity runs (env ${ENV.noPrefer}=true)
  --latency MS|MIN-MAX add latency to every runs answer, fixed or uniform in a range (env ${ENV.latency}, default off)
  --error-rate RATE    share 0..1 of runs answers replaced by an error (env ${ENV.errorRate}, default 0)
  --error-status LIST  status of injected errors: 500, 503 or 500,503 (env ${ENV.errorStatus}, default 500)
  --fault-seed N       seed of latency and error draws, for reproducible runs (env ${ENV.faultSeed}, default random)
  --journal-size N     requests kept for GET /__admin/requests, 0 turns it off (env ${ENV.journalSize}, default 1000)
  --cors-origin ORIGIN allowed CORS origin, repeatable; scheme://host:* for any port, * for all
                       (env ${ENV.corsOrigins}, comma-separated; default http://localhost:*, http://127.0.0.1:*, http://[::1]:*)
  --no-cors            no CORS headers at all (env ${ENV.noCors}=true)
  --max-connections N  open connections beyond N are closed (env ${ENV.maxConnections}, default 1024)
  --keep-alive-timeout MS   idle keep-alive connections close after MS (env ${ENV.keepAliveTimeout}, default 72000)
  --headers-timeout MS      a client must send its headers within MS (env ${ENV.headersTimeout}, default 10000)
  --request-timeout MS      a client must send its whole request within MS (env ${ENV.requestTimeout}, default 30000)

Demo mode (runs move through Argo phases on a clock; written to the database, so a restart continues):
  --simulate               start runs on a schedule and advance them (env ${ENV.simulate}=true)
  --speed N                the clock runs N times faster than real time (env ${ENV.speed}, default 1)
  --random-seed N          same seed + same database + same instants = same data (env ${ENV.randomSeed}, default 1)
  --simulate-interval SEC  simulated seconds between two runs of a pipeline (env ${ENV.simulateInterval}, default 300)
  --simulate-keep N        prune finished runs beyond each pipeline's N newest, 0 keeps all (env ${ENV.simulateKeep}, default 200)
  -h, --help           show this help`,
  async run (argv) {
    const { values } = parseFlags(argv, options)
    const config = loadConfig(values as ConfigFlags)
    // Workers start with the same flags, so a single process never loads node:cluster.
    const workers = config.workers > 1 ? await import('../workers.ts') : undefined
    if (workers !== undefined && !workers.isWorker()) {
      const shows = (level: LogLevel) => config.logLevel !== 'silent' && LOG_LEVELS.indexOf(level) <= LOG_LEVELS.indexOf(config.logLevel)
      return await workers.runPrimary(config, {
        listening: (url) => print(`pipelines-mock listening on ${url}`),
        log: (level, line) => { if (shows(level)) (level === 'warn' ? printError : print)(line) }
      })
    }
    const server = await startServer(config)
    closeOnSignals(server)
    if (workers?.isWorker() === true) workers.reportListening(server.url)
    else for (const line of startBanner(config, server.url, server.db, server.seededRuns)) print(line)
    return 0
  }
}
