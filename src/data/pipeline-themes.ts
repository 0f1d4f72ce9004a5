// What generated pipelines do: themes (names, datasets, columns) and the SQL steps of each version, drafted as a
// linear ELT chain whose SQL reads exactly its input datasets and writes its output ones.

const REGIONS = ['eu', 'us', 'apac', 'latam']

// ---------------------------------------------------------------------------------------------
// Themes: what a pipeline does, which decides its name, its datasets and its SQL.

export interface Theme {
  name: string
  entity: string
  source: string
  key: string
  time: string
  amount: string
  dimension: string
  lookup: string
  lookupColumn: string
  daily?: string
  cadenceMinutes: number
}

const THEMES: readonly Theme[] = [
  { name: 'orders-daily', entity: 'orders', source: 'shop.orders', key: 'order_id', time: 'ordered_at', amount: 'amount', dimension: 'customer_id', lookup: 'stg.customers', lookupColumn: 'segment', cadenceMinutes: 1440 },
  { name: 'customer-360', entity: 'customers', source: 'crm.contacts', key: 'customer_id', time: 'updated_at', amount: 'lifetime_value', dimension: 'account_id', lookup: 'stg.accounts', lookupColumn: 'tier', cadenceMinutes: 240 },
  { name: 'revenue-reporting', entity: 'revenue', source: 'billing.invoices', key: 'invoice_id', time: 'issued_at', amount: 'net_amount', dimension: 'customer_id', lookup: 'stg.customers', lookupColumn: 'region', daily: 'mart.revenue_daily', cadenceMinutes: 720 },
  { name: 'inventory-snapshot', entity: 'inventory', source: 'wms.stock_levels', key: 'sku', time: 'counted_at', amount: 'quantity', dimension: 'warehouse_id', lookup: 'stg.warehouses', lookupColumn: 'country', cadenceMinutes: 30 },
  { name: 'payments-reconciliation', entity: 'payments', source: 'psp.transactions', key: 'transaction_id', time: 'captured_at', amount: 'amount', dimension: 'merchant_id', lookup: 'stg.merchants', lookupColumn: 'currency', cadenceMinutes: 120 },
  { name: 'web-sessions', entity: 'sessions', source: 'events.page_views', key: 'session_id', time: 'event_time', amount: 'duration_seconds', dimension: 'visitor_id', lookup: 'stg.visitors', lookupColumn: 'channel', cadenceMinutes: 15 },
  { name: 'marketing-attribution', entity: 'touchpoints', source: 'ads.clicks', key: 'click_id', time: 'clicked_at', amount: 'cost', dimension: 'campaign_id', lookup: 'stg.campaigns', lookupColumn: 'channel', cadenceMinutes: 360 },
  { name: 'support-tickets', entity: 'tickets', source: 'helpdesk.tickets', key: 'ticket_id', time: 'opened_at', amount: 'resolution_minutes', dimension: 'agent_id', lookup: 'stg.agents', lookupColumn: 'team', cadenceMinutes: 60 },
  { name: 'shipping-sla', entity: 'shipments', source: 'logistics.shipments', key: 'shipment_id', time: 'shipped_at', amount: 'transit_hours', dimension: 'carrier_id', lookup: 'stg.carriers', lookupColumn: 'service_level', cadenceMinutes: 180 },
  { name: 'subscription-churn', entity: 'subscriptions', source: 'billing.subscriptions', key: 'subscription_id', time: 'renewed_at', amount: 'mrr', dimension: 'customer_id', lookup: 'stg.customers', lookupColumn: 'segment', cadenceMinutes: 1440 },
  { name: 'product-catalog', entity: 'products', source: 'pim.products', key: 'product_id', time: 'modified_at', amount: 'list_price', dimension: 'category_id', lookup: 'stg.categories', lookupColumn: 'department', cadenceMinutes: 720 },
  { name: 'fraud-signals', entity: 'signals', source: 'risk.events', key: 'event_id', time: 'detected_at', amount: 'score', dimension: 'account_id', lookup: 'stg.accounts', lookupColumn: 'risk_tier', cadenceMinutes: 10 }
]

/** Unique per index: the theme name, then with a region, then with a region and a number. */
export function pipelineName (index: number): { theme: Theme, name: string } {
  const theme = THEMES[index % THEMES.length] as Theme
  const round = Math.floor(index / THEMES.length)
  if (round === 0) return { theme, name: theme.name }
  const region = REGIONS[(round - 1) % REGIONS.length] as string
  const lap = Math.floor((round - 1) / REGIONS.length)
  return { theme, name: lap === 0 ? `${theme.name}-${region}` : `${theme.name}-${region}-${lap + 1}` }
}

// ---------------------------------------------------------------------------------------------
// Steps: a linear ELT chain whose SQL reads exactly its input datasets and writes its output ones.

type StepKind = 'extract' | 'stage' | 'dedupe' | 'enrich' | 'aggregate' | 'check' | 'publish'

interface StepDraft {
  name: string
  query: string
  inputs: string[]
  outputs: string[]
  conditional: boolean
  typicalSeconds: [number, number]
}

/** Which kinds a pipeline of n steps keeps, most essential first; they run in KIND_ORDER. */
const KIND_PRIORITY: readonly StepKind[] = ['extract', 'aggregate', 'stage', 'publish', 'check', 'enrich', 'dedupe']
const KIND_ORDER: readonly StepKind[] = ['extract', 'stage', 'dedupe', 'enrich', 'aggregate', 'check', 'publish']
const ROLLUP_GRAINS = ['week', 'month', 'quarter', 'year']
const LOOKBACK_DAYS = [1, 3, 7, 2]

export function stepDrafts (theme: Theme, count: number, revision: number): StepDraft[] {
  const kept = new Set(KIND_PRIORITY.slice(0, Math.min(count, KIND_PRIORITY.length)))
  const kinds = KIND_ORDER.filter((kind) => kept.has(kind))
  const daily = theme.daily ?? `mart.${theme.entity}_daily`
  let current = ''
  const drafts: StepDraft[] = []
  for (const kind of kinds) {
    const draft = kindDraft(kind, theme, current, daily, revision)
    drafts.push(draft)
    if (kind !== 'check' && kind !== 'publish') current = draft.outputs[0] as string
    if (kind === 'aggregate') drafts.push(...extraDrafts(theme, count - kinds.length, daily))
  }
  return drafts
}

function kindDraft (kind: StepKind, t: Theme, current: string, daily: string, revision: number): StepDraft {
  const e = t.entity
  switch (kind) {
    case 'extract': return {
      name: `extract-${e}`,
      query: `INSERT INTO raw.${e} SELECT * FROM ${t.source} WHERE ${t.time} >= CURRENT_DATE - INTERVAL '${LOOKBACK_DAYS[revision % LOOKBACK_DAYS.length] ?? 1} days'`,
      inputs: [t.source],
      outputs: [`raw.${e}`],
      conditional: false,
      typicalSeconds: [30, 240]
    }
    case 'stage': return {
      name: `stage-${e}`,
      query: `INSERT INTO stg.${e} SELECT ${t.key}, ${t.dimension}, ${t.amount}, ${t.time} FROM ${current} WHERE ${t.key} IS NOT NULL${revision % 2 === 1 ? ' AND NOT is_test' : ''}`,
      inputs: [current],
      outputs: [`stg.${e}`],
      conditional: false,
      typicalSeconds: [8, 90]
    }
    case 'dedupe': return {
      name: `dedupe-${e}`,
      query: `INSERT INTO stg.${e}_deduped SELECT * FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY ${t.key} ORDER BY ${t.time} DESC) AS rn FROM ${current}) ranked WHERE rn = 1`,
      inputs: [current],
      outputs: [`stg.${e}_deduped`],
      conditional: false,
      typicalSeconds: [10, 120]
    }
    case 'enrich': return {
      name: `enrich-${e}`,
      query: `INSERT INTO int.${e}_enriched SELECT f.*, d.${t.lookupColumn} FROM ${current} f LEFT JOIN ${t.lookup} d ON d.${t.dimension} = f.${t.dimension}`,
      inputs: [current, t.lookup],
      outputs: [`int.${e}_enriched`],
      conditional: false,
      typicalSeconds: [15, 180]
    }
    case 'aggregate': return {
      name: `aggregate-${e}`,
      query: `INSERT INTO ${daily} SELECT CAST(${t.time} AS DATE) AS day, COUNT(*) AS ${e}_count, SUM(${t.amount}) AS total_${t.amount}` +
        `${revision >= 2 ? `, AVG(${t.amount}) AS avg_${t.amount}` : ''} FROM ${current} GROUP BY 1`,
      inputs: [current],
      outputs: [daily],
      conditional: false,
      typicalSeconds: [20, 300]
    }
    case 'check': return {
      name: `check-${e}`,
      query: `SELECT COUNT(*) AS failed_rows FROM ${daily} WHERE ${e}_count < 0 OR total_${t.amount} IS NULL`,
      inputs: [daily],
      outputs: [],
      conditional: false,
      typicalSeconds: [2, 25]
    }
    case 'publish': return {
      name: `publish-${e}`,
      query: `INSERT INTO reporting.${e}_kpis SELECT * FROM ${daily} WHERE day = CURRENT_DATE - 1`,
      inputs: [daily],
      outputs: [`reporting.${e}_kpis`],
      conditional: true,
      typicalSeconds: [3, 45]
    }
  }
}

/** Steps beyond the seven kinds: roll-ups of the daily table, then archive copies. */
function extraDrafts (t: Theme, count: number, daily: string): StepDraft[] {
  const drafts: StepDraft[] = []
  for (let i = 0; i < count; i++) {
    const grain = ROLLUP_GRAINS[i]
    if (grain !== undefined) {
      const table = `mart.${t.entity}_${grain}ly`
      drafts.push({
        name: `rollup-${t.entity}-${grain}ly`,
        query: `INSERT INTO ${table} SELECT DATE_TRUNC('${grain}', day) AS ${grain}, SUM(${t.entity}_count) AS ${t.entity}_count, SUM(total_${t.amount}) AS total_${t.amount} FROM ${daily} GROUP BY 1`,
        inputs: [daily],
        outputs: [table],
        conditional: false,
        typicalSeconds: [10, 120]
      })
    } else {
      const n = i - ROLLUP_GRAINS.length + 1
      drafts.push({
        name: `archive-${t.entity}-${n}`,
        query: `INSERT INTO archive.${t.entity}_daily_${n} SELECT * FROM ${daily} WHERE day < CURRENT_DATE - ${n * 30}`,
        inputs: [daily],
        outputs: [`archive.${t.entity}_daily_${n}`],
        conditional: false,
        typicalSeconds: [5, 60]
      })
    }
  }
  return drafts
}
