import { initialState, type MovementsState, type SpaceDefinition, type Where } from './movements.js';

/**
 * Where one person is, as the door's list carries it (issue 23): enough for
 * a phone to run `decide` on a movement without the server. The server
 * writes it from its folded state (`placeOf`), the phone folds every row
 * back into a state (`movementsFromPlaces`); the two agree on every rule the
 * decider checks (who is inside each space, who has left the site, who has
 * already entered a one-entry space and when), which a property test checks.
 * Idempotency (answers by scan id) and roll calls stay on the server.
 */
export interface Place {
  registrationId: string;
  /** The space the person is in now, and since when; null: in the corridors, or gone. */
  inside: Where | null;
  /** When the person last left the site (and has not come back), or null. */
  leftSiteAt: string | null;
  /** Every space the person has entered today, with the first entry (for « one entry »). */
  entered: readonly Where[];
}

/** The person's place in `state`; null when no movement ever named them (most rows of the list). */
export function placeOf(state: MovementsState, registrationId: string): Place | null {
  const inside = state.where.get(registrationId) ?? null;
  const leftSiteAt = state.leftSite.get(registrationId) ?? null;
  const entered: Where[] = [];
  for (const [spaceId, people] of state.entered) {
    const at = people.get(registrationId);
    if (at !== undefined) entered.push({ spaceId, at });
  }
  if (inside === null && leftSiteAt === null && entered.length === 0) return null;
  entered.sort((a, b) => a.spaceId.localeCompare(b.spaceId));
  return { registrationId, inside, leftSiteAt, entered };
}

/** The state a phone decides on: the spaces and everyone's place, as the list gave them. */
export function movementsFromPlaces(
  conferenceId: string,
  spaces: Iterable<SpaceDefinition>,
  places: Iterable<Place>,
): MovementsState {
  const state = initialState();
  state.conferenceId = conferenceId;
  for (const space of spaces) {
    state.spaces.set(space.spaceId, space);
    state.inside.set(space.spaceId, new Set());
  }
  for (const place of places) {
    const { registrationId } = place;
    if (place.inside !== null) {
      state.where.set(registrationId, place.inside);
      let inside = state.inside.get(place.inside.spaceId);
      if (inside === undefined) state.inside.set(place.inside.spaceId, (inside = new Set<string>()));
      inside.add(registrationId);
    }
    if (place.leftSiteAt !== null) state.leftSite.set(registrationId, place.leftSiteAt);
    for (const { spaceId, at } of place.entered) {
      let entered = state.entered.get(spaceId);
      if (entered === undefined) state.entered.set(spaceId, (entered = new Map<string, string>()));
      entered.set(registrationId, at);
    }
  }
  return state;
}
