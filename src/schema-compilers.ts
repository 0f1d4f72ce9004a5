// Fastify's schema compilers (Ajv, fast-json-stringify), loaded when a route with a schema first needs one.
import { createRequire } from 'node:module'
import type { FastifyServerOptions } from 'fastify'

type Compilers = NonNullable<NonNullable<FastifyServerOptions['schemaController']>['compilersFactory']>
type ValidatorFactory = NonNullable<Compilers['buildValidator']>
type SerializerFactory = NonNullable<Compilers['buildSerializer']>

// They are Fastify's dependencies, not this package's: resolved from Fastify's folder, as Fastify itself does.
const requireFromFastify = createRequire(createRequire(import.meta.url).resolve('fastify'))
let validatorFactory: ValidatorFactory | undefined
let serializerFactory: SerializerFactory | undefined

/**
 * Fastify loads both when an app is created (a sixth of the start-up) though only routes with a schema use them,
 * and no route here has one. Given as factories, Fastify counts them as custom compilers, which changes one thing:
 * a headers schema's property names are not lower-cased for you.
 */
export const lazyCompilers: Compilers = {
  buildValidator: (schemas, options) => {
    validatorFactory ??= (requireFromFastify('@fastify/ajv-compiler') as () => ValidatorFactory)()
    return validatorFactory(schemas, options)
  },
  buildSerializer: (schemas, options) => {
    serializerFactory ??= (requireFromFastify('@fastify/fast-json-stringify-compiler') as () => SerializerFactory)()
    return serializerFactory(schemas, options)
  }
}
