// Lint and formatting in one tool: neostandard with TypeScript support.
import neostandard from 'neostandard'

export default [
  ...neostandard({ ts: true, ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'test-output/**', 'bench/work/**', 'scratch/**'] }),
  {
    // TypeBox's idiom: a schema value and its Static<> type share the contract's name.
    files: ['src/schemas/**/*.ts'],
    rules: { '@typescript-eslint/no-redeclare': 'off' }
  }
]
