import { applyDecorators } from '@nestjs/common';
import { Transform } from 'class-transformer';
import { ValidateBy } from 'class-validator';
import { parseInstant } from '@emargement/conference';

/** The constraint's name: a body whose only faults are times is answered `400 invalid_time` (validation.ts). */
export const INSTANT_CONSTRAINT = 'isRfc3339Instant';

/**
 * A time in a request body: an RFC 3339 date-time with an offset, read by
 * the one parser the door phone uses too (`parseInstant`, libs/conference),
 * and normalised before anything stores it. Replaces `@IsISO8601`, which let
 * through ISO 8601 forms that `Date.parse` cannot read.
 */
export const IsInstant = (): PropertyDecorator =>
  applyDecorators(
    Transform(({ value }: { value: unknown }) => parseInstant(value)?.text ?? value),
    ValidateBy({
      name: INSTANT_CONSTRAINT,
      validator: {
        validate: (value: unknown) => parseInstant(value) !== null,
        defaultMessage: () => 'must be an RFC 3339 date-time with an offset, e.g. 2014-09-19T09:30:00+02:00',
      },
    }),
  );
