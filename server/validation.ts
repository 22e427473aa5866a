// Request validation: bodies are checked as sent (no coercion: "7" is not a number), query strings
// and params are coerced (they are text by nature). Both from Fastify's own Ajv compiler.
import AjvCompiler from '@fastify/ajv-compiler';

type BuildValidator = ReturnType<typeof AjvCompiler>;

const factory = AjvCompiler();

export const strictBodyValidators = ((externalSchemas: Parameters<BuildValidator>[0], options: Parameters<BuildValidator>[1]) => {
  const custom = (options?.customOptions ?? {}) as Record<string, unknown>;
  const strict = factory(externalSchemas, { ...options, customOptions: { ...custom, coerceTypes: false } } as Parameters<BuildValidator>[1]);
  const coercing = factory(externalSchemas, { ...options, customOptions: { ...custom, coerceTypes: 'array' } } as Parameters<BuildValidator>[1]);
  return (route: { httpPart?: string } & Parameters<ReturnType<BuildValidator>>[0]) =>
    route.httpPart === 'body' ? strict(route) : coercing(route);
}) as unknown as BuildValidator;
