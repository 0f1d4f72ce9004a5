// A data worker thread's side of the flow control: at most `ahead` posted batches wait for the main thread's ack.
import type { MessagePort } from 'node:worker_threads'

export interface AckWindow {
  /** Counts one more batch posted and not yet acknowledged. */
  posted: () => void
  /** Resolves once fewer than `ahead` batches wait for an ack. */
  room: () => Promise<void>
  /** Stops listening for acks (the last batch is out). */
  close: () => void
}

export function ackWindow (port: MessagePort, ahead: number): AckWindow {
  let inFlight = 0
  let wake: (() => void) | undefined
  port.on('message', () => {
    inFlight--
    const resume = wake
    wake = undefined
    resume?.()
  })
  return {
    posted: () => { inFlight++ },
    room: async () => {
      if (inFlight >= ahead) await new Promise<void>((resolve) => { wake = resolve })
    },
    close: () => { port.removeAllListeners('message') }
  }
}
