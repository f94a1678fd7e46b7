// Files the built server reads beside its code that tsc does not emit: the ticket e-mails' templates
// (apps/server/src/conferences/tickets/mail/templates). Run by `npm run build:server` after tsc.
import { cpSync } from 'node:fs';

const ASSETS = ['apps/server/src/conferences/tickets/mail/templates'];

for (const dir of ASSETS) cpSync(dir, `dist/${dir}`, { recursive: true });
