// Boundary validation: parse untrusted input with a shared zod schema or fail with 400 and per-field details.
import { z } from 'zod';
import { BookId } from '../shared/protocol.ts';
import { invalid } from './errors.ts';

export function parse<S extends z.ZodType>(schema: S, value: unknown, message: string): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw invalid(message, result.error);
  return result.data;
}

/** A UUID from the path, reported under `id` when malformed. */
export function parseId(value: string | undefined): string {
  return parse(z.object({ id: BookId }), { id: value }, 'Invalid id').id;
}
