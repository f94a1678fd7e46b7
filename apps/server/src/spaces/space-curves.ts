import { Injectable } from '@nestjs/common';
import type { MovementEvent } from '@emargement/spaces';
import { MovementsRegistry } from './movements-registry.js';

/** The curve's step, as the arrivals curve of the dashboard. */
export const CURVE_SLOT_MINUTES = 5;
const SLOT_MS = CURVE_SLOT_MINUTES * 60_000;

export interface CurveSlot {
  /** The slot's start (ISO-8601, UTC). */
  at: string;
  /** People who came in during the slot (people, not scans: a second « in » of someone inside is not one). */
  entered: number;
  /** Inside at the end of the slot. */
  inside: number;
  /** The most inside at once during the slot. */
  peak: number;
}

interface SpaceTrack {
  inside: Set<string>;
  slots: Map<number, { entered: number; inside: number; peak: number }>;
}

/**
 * Who was inside each space over the day, per five minutes: the curve the
 * dashboard draws beside each space's bar (issue 23). Counted from the
 * movements as they are folded, by the same steps as the decider's `evolve`
 * (entering one space is leaving the one the person was in; leaving the site
 * is leaving the space), at each movement's own time (a scan's, also when a
 * phone sends it late). Slots with no movement are left out: the level carries
 * on from the slot before.
 */
export class InsideCurves {
  private readonly spaces = new Map<string, SpaceTrack>();
  private readonly where = new Map<string, string>();

  apply(event: MovementEvent): void {
    switch (event.type) {
      case 'SpaceDefined':
        this.track(event.data.spaceId);
        return;
      case 'PersonEnteredSpace': {
        const { registrationId, spaceId, at } = event.data;
        const from = this.where.get(registrationId);
        if (from !== undefined && from !== spaceId) this.leave(registrationId, from, at);
        const space = this.track(spaceId);
        if (space.inside.has(registrationId)) return;
        space.inside.add(registrationId);
        this.where.set(registrationId, spaceId);
        this.note(space, at, 1);
        return;
      }
      case 'PersonLeftSpace':
        this.leave(event.data.registrationId, event.data.spaceId, event.data.at);
        return;
      case 'PersonLeftSite': {
        const from = this.where.get(event.data.registrationId);
        if (from !== undefined) this.leave(event.data.registrationId, from, event.data.at);
        return;
      }
      default:
        return;
    }
  }

  private track(spaceId: string): SpaceTrack {
    let space = this.spaces.get(spaceId);
    if (space === undefined) this.spaces.set(spaceId, (space = { inside: new Set(), slots: new Map() }));
    return space;
  }

  private leave(registrationId: string, spaceId: string, at: string): void {
    const space = this.spaces.get(spaceId);
    if (this.where.get(registrationId) === spaceId) this.where.delete(registrationId);
    if (space === undefined || !space.inside.delete(registrationId)) return;
    this.note(space, at, 0);
  }

  private note(space: SpaceTrack, at: string, entered: number): void {
    const ms = Date.parse(at);
    if (Number.isNaN(ms)) return;
    const key = Math.floor(ms / SLOT_MS) * SLOT_MS;
    const slot = space.slots.get(key);
    const inside = space.inside.size;
    if (slot === undefined) space.slots.set(key, { entered, inside, peak: inside });
    else {
      slot.entered += entered;
      slot.inside = inside;
      slot.peak = Math.max(slot.peak, inside);
    }
  }

  /** The space's slots with a movement, oldest first. */
  curve(spaceId: string): CurveSlot[] {
    const space = this.spaces.get(spaceId);
    if (space === undefined) return [];
    return [...space.slots].sort(([a], [b]) => a - b).map(([ms, s]) => ({ at: new Date(ms).toISOString(), ...s }));
  }
}

/**
 * The curves of this instance, kept beside the movements registry's cache: it
 * hands over every event it folds (all of them when it folds a conference from
 * the start), so the curves are as fresh as the counts `GET …/spaces` gives.
 */
@Injectable()
export class SpaceCurves {
  private readonly byConference = new Map<string, InsideCurves>();

  constructor(private readonly movements: MovementsRegistry) {
    movements.onFolded((conferenceId, events, fresh) => {
      if (fresh) this.byConference.set(conferenceId, new InsideCurves());
      const curves = this.byConference.get(conferenceId);
      if (curves === undefined) return;
      for (const event of events) curves.apply(event);
    });
  }

  /** The space's curve; folds the conference's movements first if this instance has not yet. */
  async curve(conferenceId: string, spaceId: string): Promise<CurveSlot[]> {
    await this.movements.current(conferenceId);
    return this.byConference.get(conferenceId)?.curve(spaceId) ?? [];
  }
}
