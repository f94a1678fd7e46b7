import type { CharterClosed, CharterPublished, CharterSigned, SignatureVoided, Strokes } from '../src/charter.js';
import type { CloseCharter, PublishCharter, SignCharter, SignerFacts, VoidSignature } from '../src/charter.decide.js';
import { charterDecider } from '../src/charter.decide.js';

/** Builders for the charter specs: one small world, varied by overrides. */

export const conferenceId = 'c0nf0000-0000-4000-8000-000000002014';
export const charterId = 'c4a70000-0000-4000-8000-000000000001';
const uuid = (prefix: string, n: number): string => `${prefix}-0000-4000-8000-${String(n).padStart(12, '0')}`;
export const registrationId = (n: number): string => uuid('00000000', n);
export const signatureId = (n: number): string => uuid('5190a000', n);
export const scanId = (n: number): string => uuid('5ca00000', n);
export const tablet = 'Tablette 1';
export const organiserDevice = 'd0000000-0000-4000-8000-0000000000aa';
export const at = (time: string): string => `2014-09-19T${time}+02:00`;

export const title = 'Charte des Pôles Territoriaux de Coopération Économique';
export const text = '# Charte\n\n1. **Coopérer plutôt que concurrencer.**\n2. Partir du territoire.\n';

/** Two tiny valid PNGs (4×2, red and dark red), made with pngjs. */
export const pngA =
  'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAQAAAACCAYAAAB/qH1jAAAAE0lEQVR4AWNkYGD4z4AEmBjQAAAeSAEDMFwK/gAAAABJRU5ErkJggg==';
export const pngB =
  'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAQAAAACCAYAAAB/qH1jAAAAE0lEQVR4AWNsYGD4z4AEmBjQAAAuyAGDv+n1sAAAAABJRU5ErkJggg==';

export const strokes: Strokes = [
  [
    { x: 10, y: 20, time: 1411131600000, pressure: 0.5 },
    { x: 12.5, y: 22.25, time: 1411131600016, pressure: 0.5 },
    { x: 15, y: 21, time: 1411131600032 },
  ],
];

export const consent = {
  wording: 'J’ai lu la charte et je la signe au nom de mon organisation.',
  givenAt: at('16:00:30'),
};

export const publish = (overrides: Partial<PublishCharter['data']> = {}): PublishCharter => ({
  type: 'PublishCharter',
  data: { charterId, conferenceId, title, text, publishedAt: at('08:00:00'), ...overrides },
});

export const names = ['Claude Alphandéry', 'Colin Lemaître', 'Fanélie Carrey-Conte', 'Geneviève Cœur'] as const;
export const organisations = [
  'Le Labo de l’ESS',
  'PTCE Culture&Coopération',
  'Assemblée nationale',
  'Pays Basque',
] as const;

/** Registration n, admitted at the main door, a signatory, unless told otherwise. */
export const signer = (n: number, overrides: Partial<SignerFacts> = {}): SignerFacts => ({
  registrationId: registrationId(n),
  name: names[(n - 1) % names.length]!,
  category: 'signatory',
  status: 'registered',
  admission: { scanId: scanId(n), at: at(`09:3${n % 10}:00`), door: 'Accueil principal' },
  ...overrides,
});

/** Signature n by registration n for organisation n. */
export const sign = (n: number, overrides: Partial<SignCharter['data']> = {}): SignCharter => ({
  type: 'SignCharter',
  data: {
    charterId,
    conferenceId,
    signatureId: signatureId(n),
    signer: signer(n),
    onBehalfOf: organisations[(n - 1) % organisations.length]!,
    textSha256: '6b1d1c3d1ae4ea0b4f5aa6d4ce6d80a0c1b3ac0e23a9e8bd0a3b28ad8c3d8e5b',
    consent,
    strokes,
    canvas: { width: 600, height: 240, devicePixelRatio: 2 },
    image: pngA,
    nameSalt: `salt-${n}`,
    signedAt: at(`16:0${n % 10}:00`),
    deviceSignedAt: at(`16:0${n % 10}:01`),
    kiosk: tablet,
    userAgent: 'Mozilla/5.0 (iPad)',
    ...overrides,
  },
});

export const voidCommand = (n: number, overrides: Partial<VoidSignature['data']> = {}): VoidSignature => ({
  type: 'VoidSignature',
  data: {
    charterId,
    conferenceId,
    signatureId: signatureId(n),
    reason: 'Signé pour la mauvaise organisation',
    voidedBy: organiserDevice,
    voidedAt: at('16:30:00'),
    ...overrides,
  },
});

export const close = (overrides: Partial<CloseCharter['data']> = {}): CloseCharter => ({
  type: 'CloseCharter',
  data: { charterId, conferenceId, closedBy: organiserDevice, closedAt: at('17:00:00'), ...overrides },
});

type Command = PublishCharter | SignCharter | VoidSignature | CloseCharter;
type Event = CharterPublished | CharterSigned | SignatureVoided | CharterClosed;

/**
 * The events these commands decide, in order, each on the state the earlier
 * ones made: a history to start specs from, with real hashes. A `SignCharter`
 * whose `textSha256` is the builder's placeholder gets the charter's.
 */
export function history(...commands: Command[]): Event[] {
  let state = charterDecider.initialState();
  const events: Event[] = [];
  for (const command of commands) {
    const c =
      command.type === 'SignCharter' && state.status !== 'not_published'
        ? { ...command, data: { ...command.data, textSha256: state.charter.textSha256 } }
        : command;
    const decision = charterDecider.decide(c, state);
    if (!decision.ok) throw new Error(`history: ${c.type} refused ${decision.reason}`);
    for (const event of decision.events) {
      events.push(event);
      state = charterDecider.evolve(state, event);
    }
  }
  return events;
}

/** `sign(n)` with the charter's real text hash. */
export const signed = (n: number, overrides: Partial<SignCharter['data']> = {}): SignCharter => {
  const [published] = history(publish());
  return sign(n, { textSha256: (published as CharterPublished).data.textSha256, ...overrides });
};
