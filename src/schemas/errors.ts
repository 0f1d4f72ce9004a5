// TypeBox schemas of FastAPI's validation error bodies (HTTPValidationError, ValidationError).
import { Type, type Static } from '@sinclair/typebox'

export const ValidationErrorModel = Type.Object({
  loc: Type.Array(Type.Union([Type.String(), Type.Integer()]), { title: 'Location' }),
  msg: Type.String({ title: 'Message' }),
  type: Type.String({ title: 'Error Type' }),
  input: Type.Optional(Type.Unknown({ title: 'Input' })),
  ctx: Type.Optional(Type.Object({}, { title: 'Context' }))
}, { $id: 'ValidationError', title: 'ValidationError' })
export type ValidationErrorModel = Static<typeof ValidationErrorModel>

export const HTTPValidationErrorModel = Type.Object({
  detail: Type.Optional(Type.Array(Type.Ref(ValidationErrorModel), { title: 'Detail' }))
}, { $id: 'HTTPValidationError', title: 'HTTPValidationError' })
export type HTTPValidationErrorModel = Static<typeof HTTPValidationErrorModel>

export const ErrorDetail = Type.Object({ detail: Type.String() }, { $id: 'ErrorDetail' })
