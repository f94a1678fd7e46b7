import type { Role } from './roles.js';

/**
 * Who may call what: every route of the API, by method and path as the router
 * matched it, with the roles allowed. The guard refuses (403) any route that
 * is not listed here, so a new route is closed until someone decides who may
 * use it. `organiser` may do everything; the others get what their work needs
 * (API.md, devices and roles):
 *
 * - `door`: tickets, scans, attendee search, walk-ins (registrations) and lunch payments;
 * - `kiosk`: the charter, the admitted signatories' names, and signing;
 * - `display`: aggregate attendance only, never a person's data.
 *
 * Routes outside `/api` (health, the web pages, the OpenAPI document) carry no
 * data and are not guarded. The matrix test (test/access.e2e.spec.ts) holds
 * its own copy of this table and checks every cell against the running server.
 */
const O: Role = 'organiser';
const ANY: readonly Role[] = ['organiser', 'door', 'kiosk', 'display'];

export const ACCESS_POLICY: Readonly<Record<string, readonly Role[]>> = {
  // devices
  'POST /api/devices': [O],
  'GET /api/devices': [O],
  'DELETE /api/devices/:deviceId': [O],
  'GET /api/me': ANY,
  // conferences and registrations
  'POST /api/conferences': [O],
  'GET /api/conferences': ANY,
  'GET /api/conferences/:cid': ANY,
  'PUT /api/conferences/:cid': [O],
  'PUT /api/conferences/:cid/walk-in-policy': [O],
  'POST /api/conferences/:cid/registrations': [O, 'door'],
  'POST /api/conferences/:cid/registrations/import': [O],
  'GET /api/conferences/:cid/registrations': [O],
  'GET /api/conferences/:cid/registrations.csv': [O],
  'POST /api/conferences/:cid/registrations/:rid/cancel': [O],
  // Organisers only: the door checks a document against the name on its list, so the door must not change it.
  'PATCH /api/conferences/:cid/registrations/:rid': [O],
  'GET /api/conferences/:cid/registrations/:rid/ticket.png': [O, 'door'],
  'GET /api/conferences/:cid/registrations/:rid/ticket.pdf': [O, 'door'],
  'GET /api/conferences/:cid/tickets.pdf': [O],
  // name badges (issue 24): the sheets for the welcome tables are the organisers'; one badge and its print, the door's too
  'GET /api/conferences/:cid/badges.pdf': [O],
  'GET /api/conferences/:cid/registrations/:rid/badge.pdf': [O, 'door'],
  'POST /api/conferences/:cid/registrations/:rid/badge-prints': [O, 'door'],
  'GET /api/conferences/:cid/badge-printers': [O, 'door'],
  'PUT /api/conferences/:cid/badge-printers': [O],
  // tickets by e-mail
  'POST /api/conferences/:cid/tickets/send': [O],
  'GET /api/conferences/:cid/ticket-mail': [O],
  'GET /api/conferences/:cid/attendees': [O, 'door'],
  // personal data
  'GET /api/conferences/:cid/registrations/:rid/export': [O],
  'POST /api/conferences/:cid/registrations/:rid/erase': [O],
  'GET /api/conferences/:cid/registrations/:rid/history': [O],
  // arrivals
  'GET /api/conferences/:cid/tickets/:ticketCode': [O, 'door'],
  'POST /api/conferences/:cid/scans': [O, 'door'],
  'POST /api/conferences/:cid/scans/:scanId/undo': [O, 'door'],
  'POST /api/conferences/:cid/registrations/:rid/undo-admission': [O, 'door'],
  'POST /api/conferences/:cid/registrations/:rid/lunch-payment': [O, 'door'],
  'POST /api/conferences/:cid/registrations/:rid/lunch-payment/:paymentId/reverse': [O, 'door'],
  // the door without network
  'GET /api/conferences/:cid/door-dataset': [O, 'door'],
  'GET /api/conferences/:cid/conflicts': [O],
  'POST /api/conferences/:cid/conflicts/:conflictId/acknowledge': [O],
  // the charter
  'POST /api/conferences/:cid/charters': [O],
  'GET /api/conferences/:cid/charters': [O, 'kiosk'],
  'GET /api/conferences/:cid/charters/:chid': [O, 'kiosk'],
  'GET /api/conferences/:cid/charters/:chid/signatories': [O, 'kiosk'],
  'POST /api/conferences/:cid/charters/:chid/signatures': [O, 'kiosk'],
  'POST /api/conferences/:cid/charters/:chid/signatures/:signatureId/void': [O],
  'POST /api/conferences/:cid/charters/:chid/close': [O],
  'GET /api/conferences/:cid/charters/:chid/verify': [O, 'kiosk'],
  'GET /api/conferences/:cid/charters/:chid/document.pdf': [O],
  'GET /api/conferences/:cid/charters/:chid/signatures/:signatureId/receipt': [O, 'kiosk'],
  // the root that sealed charters chain to: no secret, any device may hand it on
  'GET /api/charter-seal/root.crt': ANY,
  // backups of the embedded store: where they go is the organisers' business
  'GET /api/backups': [O],
  // spaces, movements (POST …/scans with `space`), who is on site, the evacuation roll call
  'POST /api/conferences/:cid/spaces': [O],
  'GET /api/conferences/:cid/spaces': [O, 'door', 'display'],
  'GET /api/conferences/:cid/on-site': [O, 'door'],
  'GET /api/conferences/:cid/on-site.pdf': [O, 'door'],
  'POST /api/conferences/:cid/roll-calls': [O, 'door'],
  'POST /api/conferences/:cid/roll-calls/:rollCallId/marks': [O, 'door'],
  'GET /api/conferences/:cid/roll-calls/:rollCallId': [O, 'door'],
  // live attendance (the socket.io feed: see FEED_ROLES)
  'GET /api/conferences/:cid/attendance': [O, 'display'],
};

/** Who may open the socket.io `/attendance` feed. */
export const FEED_ROLES: readonly Role[] = [O, 'display'];

/** The roles allowed on a route, or `undefined` when the route is not in the policy (refused). */
export const rolesFor = (method: string, path: string): readonly Role[] | undefined =>
  ACCESS_POLICY[`${method.toUpperCase()} ${path}`];
