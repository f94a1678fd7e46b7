import { Injectable } from '@nestjs/common';
import {
  normaliseText,
  SearchIndex,
  type ConferenceEvent,
  type ConferenceState,
  type Registration,
  type Scheduled,
} from '@emargement/conference';
import { ConferenceRegistry } from '../conference-registry.js';

/** `searchWords` of fields already normalised (`normaliseText`): each one's words, and multi-word ones run together. */
const wordsOf = (normalised: readonly string[]): string[] => {
  const words: string[] = [];
  for (const text of normalised) {
    if (text === '') continue;
    const fieldWords = text.split(' ');
    words.push(...fieldWords);
    if (fieldWords.length > 1) words.push(fieldWords.join(''));
  }
  return words;
};

/**
 * One conference's registrations, indexed for the door's search and the
 * organisers' table: the search words (`SearchIndex`) and a name order for
 * sorting, both by ordinal (the registry's order, which only ever grows).
 */
export class ConferenceDirectory {
  readonly index = new SearchIndex();
  private readonly nameKeys: string[] = [];
  private readonly organisationKeys: string[] = [];
  private byName: number[] | undefined;
  private nameRanks: Int32Array | undefined;

  update(r: Registration): void {
    const { firstName, lastName, organisation, email } = r.person;
    // Each field normalised once, for the words (as `searchWords` makes them) and the sort keys.
    const [first, last, org, mail] = [firstName, lastName, organisation ?? '', email].map(normaliseText);
    const ordinal = this.index.set(r.registrationId, wordsOf([first!, last!, org!, mail!]));
    // Plain comparison of normalised text (no accents, no case), not a collator:
    // 100,000 keys sort in a tenth of a second instead of seconds.
    const nameKey = `${last!}\u0000${first!}`;
    if (this.nameKeys[ordinal] !== nameKey) {
      this.nameKeys[ordinal] = nameKey;
      this.byName = undefined;
      this.nameRanks = undefined;
    }
    this.organisationKeys[ordinal] = org!;
  }

  /** Ordinals by last name, then first name, then registry order. */
  nameOrder(): readonly number[] {
    if (this.byName === undefined) {
      const keys = this.nameKeys;
      this.byName = keys.map((_, i) => i).sort((a, b) => (keys[a]! < keys[b]! ? -1 : keys[a]! > keys[b]! ? 1 : a - b));
    }
    return this.byName;
  }

  /** Each ordinal's place in `nameOrder`. */
  nameRank(): Int32Array {
    if (this.nameRanks === undefined) {
      const order = this.nameOrder();
      const ranks = new Int32Array(order.length);
      order.forEach((ordinal, rank) => (ranks[ordinal] = rank));
      this.nameRanks = ranks;
    }
    return this.nameRanks;
  }

  organisationKey(ordinal: number): string {
    return this.organisationKeys[ordinal] ?? '';
  }
}

/**
 * The in-memory directories of this instance's conferences (names in clear:
 * never written to a file), kept in step with the registry cache: every event
 * folded into a conference's registry, by this instance's commands or read
 * from the store (those of other instances), updates the registrations it
 * names before any reader sees the new state. An erasure (`PersonalDataErased`)
 * therefore takes the person's words out as soon as the registry has folded
 * it, which every search does first.
 */
@Injectable()
export class AttendeeDirectory {
  private readonly directories = new Map<string, ConferenceDirectory>();

  constructor(registry: ConferenceRegistry) {
    registry.onFolded((conferenceId, events, state, fresh) => this.folded(conferenceId, events, state, fresh));
  }

  private folded(
    conferenceId: string,
    events: readonly ConferenceEvent[],
    state: ConferenceState,
    fresh: boolean,
  ): void {
    const directory = this.directories.get(conferenceId);
    if (directory === undefined) return; // built from the registry at first use
    if (fresh || state.status !== 'scheduled') {
      this.directories.delete(conferenceId);
      return;
    }
    for (const event of events) {
      const id = (event.data as { registrationId?: unknown }).registrationId;
      const r = typeof id === 'string' ? state.registrations.get(id) : undefined;
      if (r !== undefined) directory.update(r);
    }
  }

  /** The conference's directory, as of `state` (the registry's current state). */
  of(conferenceId: string, state: Scheduled): ConferenceDirectory {
    let directory = this.directories.get(conferenceId);
    if (directory === undefined) {
      directory = new ConferenceDirectory();
      for (const r of state.registrations.values()) directory.update(r);
      this.directories.set(conferenceId, directory);
    }
    return directory;
  }
}
