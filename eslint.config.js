// Lint and formatting in one tool: neostandard with TypeScript support.
import neostandard from 'neostandard'

export default [
  ...neostandard({ ts: true, ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'test-output/**', 'bench/results/**', 'scratch/**'] })
]
