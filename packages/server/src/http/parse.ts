/** Validates input against a shared schema, turning a failure into a 400 that names each field. */
import type { z } from 'zod';
import { HttpError } from './errors.js';

/** `whole` names what an issue without a path is about: the body, or a query string. */
export function issuesOf(error: z.ZodError, whole = '(body)'): Array<{ field: string; message: string }> {
  return error.issues.map((issue) => ({ field: issue.path.join('.') || whole, message: issue.message }));
}

export function parseOr400<S extends z.ZodType>(schema: S, input: unknown, what: string): z.infer<S> {
  const result = schema.safeParse(input);
  if (!result.success) throw new HttpError(400, `invalid ${what}`, issuesOf(result.error, what === 'query' ? '(query)' : '(body)'));
  return result.data;
}
