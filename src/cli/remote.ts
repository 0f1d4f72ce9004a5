// The live server that verify and record talk to, from the REMOTE options they share.
import type { ValuesOf } from '../options/option.ts'
import type { REMOTE } from '../options/table.ts'

export interface Remote {
  baseUrl: string
  token: string
  apiKey: string | undefined
  timeoutMs: number
  retries: number
}

export function remoteOf (values: ValuesOf<typeof REMOTE>): Remote {
  return { baseUrl: values.baseUrl, token: values.token, apiKey: values.apiKey, timeoutMs: values.timeout, retries: values.retries }
}
