import { accept, refuse, type Decider, type Decision, type DomainCommand, type DomainEvent } from '@emargement/decider';

/**
 * Which printer prints each door's badges (issue 24): the organisers name a
 * CUPS queue on the server for a door, and whether that door prints a badge
 * on every admission (off unless set: admitting never prints by itself).
 * One small stream per conference, `badgeprinters-<conferenceId>`, so that
 * every instance learns the setting from the store, as it learns the rest.
 */

export interface DoorPrinter {
  door: string;
  queue: string;
  printOnAdmission: boolean;
}

export type DoorPrinterSet = DomainEvent<
  'DoorPrinterSet',
  { conferenceId: string; door: string; queue: string | null; printOnAdmission: boolean; setAt: string }
>;
export type DoorPrinterEvent = DoorPrinterSet;

export type SetDoorPrinter = DomainCommand<
  'SetDoorPrinter',
  {
    conferenceId: string;
    door: string;
    /** `null` removes the door's printer: its badges are then printed from the phone only. */
    queue: string | null;
    printOnAdmission: boolean;
    setAt: string;
    /** The conference's doors (the registry's fact). */
    doors: readonly string[];
  }
>;

export type DoorPrintersRefusalReason = 'unknown_door' | 'invalid_queue';

/**
 * A CUPS queue name: printable, no space, slash, '#' or quote (CUPS refuses them), at most 127 characters, and
 * never a leading « - »: the name is handed to lpstat and lp as an argument, where « -h host » is an option.
 */
export const QUEUE_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.+-]{0,126}$/;

export type DoorPrintersState = ReadonlyMap<string, DoorPrinter>;

export const initialDoorPrinters = (): DoorPrintersState => new Map();

export function evolveDoorPrinters(state: DoorPrintersState, event: DoorPrinterEvent): DoorPrintersState {
  const next = new Map(state);
  const { door, queue, printOnAdmission } = event.data;
  if (queue === null) next.delete(door);
  else next.set(door, { door, queue, printOnAdmission });
  return next;
}

export function decideDoorPrinter(
  command: SetDoorPrinter,
  state: DoorPrintersState,
): Decision<DoorPrinterEvent, DoorPrinter | null, DoorPrintersRefusalReason> {
  const { conferenceId, door, queue, printOnAdmission, setAt, doors } = command.data;
  if (!doors.includes(door)) return refuse('unknown_door');
  if (queue !== null && !QUEUE_NAME.test(queue)) return refuse('invalid_queue');
  const now = state.get(door);
  const answer = queue === null ? null : { door, queue, printOnAdmission };
  // The same setting again writes nothing.
  if ((now === undefined && queue === null) || (now?.queue === queue && now.printOnAdmission === printOnAdmission))
    return accept([], answer);
  return accept([{ type: 'DoorPrinterSet', data: { conferenceId, door, queue, printOnAdmission, setAt } }], answer);
}

export const doorPrintersDecider: Decider<
  SetDoorPrinter,
  DoorPrinterEvent,
  DoorPrintersState,
  DoorPrinter | null,
  DoorPrintersRefusalReason
> = {
  decide: decideDoorPrinter,
  evolve: evolveDoorPrinters,
  initialState: initialDoorPrinters,
  fold: (events, from = initialDoorPrinters()) => {
    let state = from;
    for (const e of events) state = evolveDoorPrinters(state, e);
    return state;
  },
};
