import { ValidationPipe, type ArgumentMetadata, type ValidationError } from '@nestjs/common';
import { ApiError, type FieldError } from './api-error.js';
import { INSTANT_CONSTRAINT } from './instant.js';

function constraintNames(errors: ValidationError[]): string[] {
  return errors.flatMap((e) => [...Object.keys(e.constraints ?? {}), ...constraintNames(e.children ?? [])]);
}

function flatten(errors: ValidationError[], parent = ''): FieldError[] {
  return errors.flatMap((e) => {
    const field = parent ? `${parent}.${e.property}` : e.property;
    const own = Object.values(e.constraints ?? {}).map((message) => ({ field, message }));
    return [...own, ...flatten(e.children ?? [], field)];
  });
}

/**
 * A body validated against a DTO must be a JSON object: an array would be
 * turned into an array of DTOs, validated as something else entirely.
 */
class StrictValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type === 'body' && Array.isArray(value) && this.toValidate(metadata)) {
      throw new ApiError(400, 'validation_failed', 'The body must be a JSON object', [
        { field: 'body', message: 'must be a JSON object' },
      ]);
    }
    return super.transform(value, metadata) as Promise<unknown>;
  }
}

/** DTOs are validated strictly: unknown fields are refused, not silently dropped. */
export function strictValidationPipe(): ValidationPipe {
  return new StrictValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    exceptionFactory: (errors) => {
      const fields = flatten(errors);
      // A body whose only faults are its times gets a code of its own: a door
      // phone with a clock or a format gone wrong can tell it from the rest.
      const names = constraintNames(errors);
      const onlyTimes = names.length > 0 && names.every((n) => n === INSTANT_CONSTRAINT);
      return new ApiError(
        400,
        onlyTimes ? 'invalid_time' : 'validation_failed',
        fields.map((f) => `${f.field}: ${f.message}`).join('; ') || 'Invalid request body',
        fields,
      );
    },
  });
}
