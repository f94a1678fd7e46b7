import { expect } from '@jest/globals';

/**
 * Given past events, when a command, then new events (and the answer), or a
 * refusal code. After oskardudycz/EventSourcing.NodeJS
 * `samples/decider/src/testing/unit/specification.ts`, for deciders that
 * answer with a decision value rather than throw:
 *
 *   const given = DeciderSpecification.for(conferenceDecider);
 *   given([scheduled]).when(register).then([registered]);
 *   given([scheduled, registered]).when(registerAgain).thenRefused('duplicate_email');
 *
 * Typed structurally, so that this library depends on no context.
 */

export type SpecificationDecision<TEvent, TOutcome, TReason extends string = string> =
  | { readonly ok: true; readonly events: readonly TEvent[]; readonly outcome: TOutcome }
  | { readonly ok: false; readonly reason: TReason; readonly detail?: Readonly<Record<string, unknown>> };

export interface SpecifiedDecider<TCommand, TEvent, TState, TOutcome, TReason extends string> {
  decide(command: TCommand, state: TState): SpecificationDecision<TEvent, TOutcome, TReason>;
  evolve(state: TState, event: TEvent): TState;
  initialState(): TState;
}

export interface Then<TEvent, TOutcome, TReason extends string> {
  /** The command is accepted with exactly these events (none for a repeat) and, if given, this answer. */
  then(expectedEvents: readonly TEvent[], expectedOutcome?: TOutcome): void;
  /** The command is accepted with no event: a repeat, answered as the first time when an answer is given. */
  thenNothingHappens(expectedOutcome?: TOutcome): void;
  /** The command is refused with this code and, if given, at least these details. */
  thenRefused(reason: TReason, detail?: Readonly<Record<string, unknown>>): void;
  /** The raw decision, for assertions the shorthands do not cover. */
  decision(): SpecificationDecision<TEvent, TOutcome, TReason>;
}

export type DeciderSpecification<TCommand, TEvent, TOutcome, TReason extends string> = (
  givenEvents: readonly TEvent[],
) => {
  when(command: TCommand): Then<TEvent, TOutcome, TReason>;
};

export const DeciderSpecification = {
  for<TCommand, TEvent, TState, TOutcome, TReason extends string>(
    decider: SpecifiedDecider<TCommand, TEvent, TState, TOutcome, TReason>,
  ): DeciderSpecification<TCommand, TEvent, TOutcome, TReason> {
    return (givenEvents) => ({
      when(command) {
        const decide = (): SpecificationDecision<TEvent, TOutcome, TReason> => {
          const state = givenEvents.reduce<TState>(
            (current, event) => decider.evolve(current, event),
            decider.initialState(),
          );
          const result = decider.decide(command, state);
          if (result.ok) {
            // A decision whose events the decider cannot fold is a defect the
            // next command would meet: fold them here, where it shows.
            result.events.reduce<TState>((current, event) => decider.evolve(current, event), state);
          }
          return result;
        };
        const accepted = (): Extract<SpecificationDecision<TEvent, TOutcome, TReason>, { ok: true }> => {
          const result = decide();
          if (!result.ok)
            throw new Error(`Expected the command to be accepted, but it was refused: ${describe(result)}`);
          return result;
        };
        return {
          then(expectedEvents, expectedOutcome) {
            const result = accepted();
            expect(result.events).toEqual(expectedEvents);
            if (expectedOutcome !== undefined) expect(result.outcome).toEqual(expectedOutcome);
          },
          thenNothingHappens(expectedOutcome) {
            const result = accepted();
            expect(result.events).toEqual([]);
            if (expectedOutcome !== undefined) expect(result.outcome).toEqual(expectedOutcome);
          },
          thenRefused(reason, detail) {
            const result = decide();
            if (result.ok)
              throw new Error(
                `Expected a refusal (${reason}), but the command was accepted with ${JSON.stringify(result.events)}`,
              );
            expect(result.reason).toBe(reason);
            if (detail !== undefined) expect(result.detail).toMatchObject(detail);
          },
          decision: decide,
        };
      },
    });
  },
};

const describe = (refusal: { reason: string; detail?: Readonly<Record<string, unknown>> }): string =>
  refusal.detail === undefined ? refusal.reason : `${refusal.reason} ${JSON.stringify(refusal.detail)}`;
