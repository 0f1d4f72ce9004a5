// Progress of long commands on stderr: a cli-progress bar on a terminal, a plain line per 10% otherwise.
import cliProgress from 'cli-progress'

export interface Progress {
  update: (value: number) => void
  stop: () => void
}

export interface ProgressOptions {
  label: string
  total: number
  /** Formats a value for the plain lines and the bar (e.g. runs, megabytes). */
  format?: (value: number) => string
  stream?: NodeJS.WriteStream
  /** Off a terminal, print no lines for jobs smaller than this (they finish before anyone reads them). */
  linesFrom?: number
}

export function createProgress ({ label, total, format = String, stream = process.stderr, linesFrom = 0 }: ProgressOptions): Progress {
  if (total <= 0 || (stream.isTTY !== true && total < linesFrom)) return { update () {}, stop () {} }
  return stream.isTTY ? barProgress(label, total, format, stream) : lineProgress(label, total, format, stream)
}

function barProgress (label: string, total: number, format: (value: number) => string, stream: NodeJS.WriteStream): Progress {
  const bar = new cliProgress.SingleBar({
    stream,
    format: `${label} [{bar}] {percentage}% {shown}/{all} eta {eta_formatted}`,
    hideCursor: true,
    clearOnComplete: true
  }, cliProgress.Presets.shades_classic)
  bar.start(total, 0, { shown: format(0), all: format(total) })
  return {
    update: (value) => { bar.update(value, { shown: format(value) }) },
    stop: () => { bar.stop() }
  }
}

function lineProgress (label: string, total: number, format: (value: number) => string, stream: NodeJS.WriteStream): Progress {
  let nextTenth = 1
  return {
    update (value) {
      if (value < (total * nextTenth) / 10) return
      while (value >= (total * nextTenth) / 10) nextTenth++
      stream.write(`${label}: ${format(value)}/${format(total)} (${Math.floor((100 * value) / total)}%)\n`)
    },
    stop () {}
  }
}
