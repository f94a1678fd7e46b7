/**
 * What a decider answers. A command is either accepted, with the events to
 * append (possibly none: a repeated id is recognised and writes nothing) and
 * the outcome to send back, or refused with a stable reason code that the
 * server maps to an HTTP status. Refusals are values, not exceptions, so that
 * their codes are part of each command's type; `decide` throws only for a
 * programming error.
 *
 * A refused *entry* at a door is not a refused command: the scan is accepted
 * and its `EntryRefused` event recorded (every scan is an event).
 */

export interface DomainEvent<TType extends string, TData> {
  readonly type: TType;
  readonly data: Readonly<TData>;
}

export interface DomainCommand<TType extends string, TData> {
  readonly type: TType;
  readonly data: Readonly<TData>;
}

export type RefusalDetail = Readonly<Record<string, string | number | boolean | null>>;

export interface Accepted<TEvent, TOutcome> {
  readonly ok: true;
  readonly events: readonly TEvent[];
  readonly outcome: TOutcome;
}

export interface Refused<TReason extends string> {
  readonly ok: false;
  readonly reason: TReason;
  readonly detail?: RefusalDetail;
}

export type Decision<TEvent, TOutcome, TReason extends string> = Accepted<TEvent, TOutcome> | Refused<TReason>;

export const accept = <TEvent, TOutcome>(events: readonly TEvent[], outcome: TOutcome): Accepted<TEvent, TOutcome> => ({
  ok: true,
  events,
  outcome,
});

export const refuse = <TReason extends string>(reason: TReason, detail?: RefusalDetail): Refused<TReason> =>
  detail === undefined ? { ok: false, reason } : { ok: false, reason, detail };

export interface Decider<TCommand, TEvent, TState, TOutcome, TReason extends string> {
  decide(command: TCommand, state: TState): Decision<TEvent, TOutcome, TReason>;
  evolve(state: TState, event: TEvent): TState;
  initialState(): TState;
  /**
   * `events.reduce(evolve, from)`, in linear time. A runner should prefer it:
   * `evolve` is pure, so for a state holding thousands of registrations each
   * call copies them, and reducing a long stream event by event is quadratic.
   */
  fold(events: Iterable<TEvent>, from?: TState): TState;
}

/**
 * For a runner that expects `decide` to return events and to throw on a
 * refusal. The outcome of an accepted command is then lost, so prefer a
 * runner that takes the `Decision` as it is: an import's report and the
 * answer to a repeated id exist only there.
 */
export class CommandRefusedError extends Error {
  constructor(
    readonly reason: string,
    readonly detail?: RefusalDetail,
  ) {
    super(detail === undefined ? reason : `${reason} ${JSON.stringify(detail)}`);
    this.name = 'CommandRefusedError';
  }
}

export const eventsOrThrow = <TEvent, TOutcome, TReason extends string>(
  decision: Decision<TEvent, TOutcome, TReason>,
): TEvent[] => {
  if (!decision.ok) throw new CommandRefusedError(decision.reason, decision.detail);
  return [...decision.events];
};
