import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { SaxesParser } from 'saxes';
import { submitReport } from '../../src/modules/reports/index.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

// Open311 XML and Atom feeds, read by a strict XML 1.0 parser (saxes: the one jsdom and xmldom use), after
// residents typed characters XML cannot carry: a bell, a form feed, a vertical tab, a lone surrogate.
let server: TestServer;
const TYPED = 'Broken bench\u0007 near the \u000bfountain\u000c, reported \ud800 twice\u0000';
let reportId = 0;

before(async () => {
  server = await startTestServer({ demo: true });
  const city = (await server.organisations.findAll())[0];
  assert.ok(city);
  const outcome = await submitReport(server.ctx, city, {
    categoryCode: 'graffiti',
    lat: 44.105,
    lng: 9.81,
    description: TYPED.replace('\u0000', ''), // the database cannot store NUL at all
    source: 'web',
  });
  assert.ok('ok' in outcome, JSON.stringify(outcome));
  reportId = outcome.id;
});
after(() => server.close());

/** Parses a document strictly; the parser's first complaint, or undefined when it is well-formed. */
function strictProblem(xml: string): string | undefined {
  const parser = new SaxesParser({ xmlns: true });
  let problem: string | undefined;
  parser.on('error', (error) => {
    problem ??= error.message;
  });
  parser.write(xml).close();
  return problem;
}

for (const [name, path] of [
  ['Open311 service requests', '/open311/v2/requests.xml'],
  ['the Open311 request', () => `/open311/v2/requests/${reportId}.xml`],
  ['the Atom feed of new reports', '/reports/feed.atom'],
  ['the Atom feed of one report', () => `/reports/${reportId}/feed.atom`],
] as const) {
  test(`${name} stays well-formed XML whatever a resident typed`, async () => {
    const response = await fetch(`${server.url}${typeof path === 'string' ? path : path()}`);
    assert.equal(response.status, 200);
    const xml = await response.text();
    assert.match(xml, /Broken bench/, 'the report is in the document');
    assert.equal(strictProblem(xml), undefined);
    assert.match(xml, /Broken bench near the fountain, reported \ufffd twice/, 'the rest of the text is kept');
  });
}
