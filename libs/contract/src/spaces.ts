import { boolean, instant, integer, listOf, object, string, type Answer } from './schema.js';
import { CATEGORIES } from './vocabulary.js';

/** The day's spaces, who is on site, the roll call (issue 23; API.md « Spaces, movements, who is on site »). */

const hhmm = { type: 'string', pattern: '^\\d{2}:\\d{2}$', description: "HH:MM, the conference's local time" } as const;

export const SpaceDefinedSchema = object({ spaceId: string });
export type SpaceDefined = Answer<typeof SpaceDefinedSchema>;

export const SpaceSchema = object(
  {
    spaceId: string,
    name: string,
    opens: hhmm,
    closes: hhmm,
    capacity: { type: 'integer', nullable: true },
    audience: { type: 'array', items: { type: 'string', enum: CATEGORIES }, nullable: true },
    requiresLunch: boolean,
    oneEntry: boolean,
    exitScan: boolean,
    inside: { type: 'integer', description: 'People inside now (people, not scans)' },
    open: { type: 'boolean', description: "Open now, by the server's clock in the conference's time zone" },
    curve: {
      ...object({
        slotMinutes: integer,
        slots: listOf(
          object({
            at: { ...instant, description: "The slot's start" },
            entered: { type: 'integer', description: 'People who came in during the slot' },
            inside: { type: 'integer', description: 'Inside at the end of the slot' },
            peak: { type: 'integer', description: 'The most inside at once during the slot' },
          }),
        ),
      }),
      description:
        'With `?curve=true`: inside over the day per five minutes, slots with a movement only (the level carries on)',
    },
  },
  ['curve'],
);
export type Space = Answer<typeof SpaceSchema>;

export const SpaceListSchema = object({ items: listOf(SpaceSchema) });
export type SpaceList = Answer<typeof SpaceListSchema>;

export const OnSitePersonSchema = object({
  registrationId: string,
  firstName: string,
  lastName: string,
  organisation: string,
  lastSeen: object({
    place: { type: 'string', description: 'A space, `site` (a door of the site), or the entrance door' },
    at: instant,
  }),
});
export const OnSiteSchema = object({ count: integer, people: listOf(OnSitePersonSchema) });
export type OnSite = Answer<typeof OnSiteSchema>;

export const RollCallStartedSchema = object({ rollCallId: string, expected: integer });
export type RollCallStarted = Answer<typeof RollCallStartedSchema>;

export const RollCallMarkedSchema = object({ rollCallId: string, present: integer });
export type RollCallMarked = Answer<typeof RollCallMarkedSchema>;

export const RollCallSchema = object({
  rollCallId: string,
  startedAt: instant,
  present: integer,
  missing: integer,
  people: listOf(
    object({
      registrationId: string,
      firstName: string,
      lastName: string,
      organisation: string,
      present: boolean,
      at: { type: 'string', nullable: true, description: 'When ticked present' },
    }),
  ),
});
export type RollCall = Answer<typeof RollCallSchema>;
