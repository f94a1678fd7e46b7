import { describe, expect, test } from '@jest/globals';
import { renderTemplate, templateText } from './template.js';
import { messageScope } from './ticket-message.js';

describe('the e-mail templates', () => {
  test('values are escaped in HTML, kept as written in text; sections show, repeat and hide', () => {
    const text = '{{#list}}[{{at}} {{title}}]{{/list}}{{^list}}none{{/list}} {{name}}{{#flag}}!{{/flag}}';
    const scope = { name: '<b>Ève & Cie</b>', flag: false, list: [{ at: '09:30', title: 'Café "noir"' }] };
    expect(renderTemplate(text, scope, true)).toBe('[09:30 Café &quot;noir&quot;] &lt;b&gt;Ève &amp; Cie&lt;/b&gt;');
    expect(renderTemplate(text, { ...scope, list: [] }, false)).toBe('none <b>Ève & Cie</b>');
  });

  test('a name the message does not give is an error, not a blank', () => {
    expect(() => renderTemplate('Bonjour {{prenom}}', {}, false)).toThrow('{{prenom}}');
  });

  test('every template of both languages renders with the scope a message gives (no name missing)', () => {
    const scope = messageScope({
      ticket: {
        conferenceId: 'c',
        conference: {
          name: 'Journée',
          venue: 'Bercy',
          startsAt: '2014-09-19T09:30:00+02:00',
          endsAt: '2014-09-19T16:30:00+02:00',
          timezone: 'Europe/Paris',
          idCheckRequired: true,
          lunch: { priceCents: 2000, currency: 'EUR' },
        },
        registrationId: 'r',
        ticketCode: 'code',
        firstName: 'Claude',
        lastName: 'Alphandéry',
        organisation: null,
        category: 'speaker',
        status: 'registered',
        lunch: true,
        lunchPaid: false,
      },
      programme: [{ at: '09:30', title: 'Accueil café' }],
      language: 'fr',
      ticketUrl: 'https://example.org/billet/x',
    });
    for (const lang of ['fr', 'en'])
      for (const part of ['subject.txt', 'txt', 'html'])
        expect(renderTemplate(templateText(`${lang}.${part}`), scope, part === 'html')).toContain(
          part === 'subject.txt' ? 'Journée' : 'Claude',
        );
  });
});
