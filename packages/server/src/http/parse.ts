/** Validates input against a shared schema, turning a failure into a 400 that names each field. */
import type { z } from 'zod';
import { HttpError } from './errors.js';

export function issuesOf(error: z.ZodError): Array<{ field: string; message: string }> {
  return error.issues.map((issue) => ({ field: issue.path.join('.') || '(body)', message: issue.message }));
}

export function parseOr400<S extends z.ZodType>(schema: S, input: unknown, what: string): z.infer<S> {
  const result = schema.safeParse(input);
  if (!result.success) throw new HttpError(400, `invalid ${what}`, issuesOf(result.error));
  return result.data;
}
