import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import formbody from '@fastify/formbody';
import multipart from '@fastify/multipart';
import Fastify from 'fastify';
import { Type } from 'typebox';
import { buildValidators } from '../../src/platform/http/app.ts';
import { Email, Id, isEmail, parseId } from '../../src/platform/validation.ts';
import {
  Checkbox,
  fieldErrorTexts,
  FormText,
  IdList,
  MultilineText,
  perLanguages,
  readForm,
  translatedFields,
  translatedValue,
  TrimmedText,
} from '../../src/platform/web/forms.ts';

/** The platform's form reading: schemas, coercion, field errors, the id parser and the e-mail rule. */

const Form = Type.Object({
  title: TrimmedText({ minLength: 1, maxLength: 10 }),
  password: Type.String(),
  note: Type.Optional(TrimmedText()),
  count: Type.Optional(Type.Integer({ minimum: 0, maximum: 99 })),
  price: Type.Optional(Type.Number()),
  public: Checkbox(),
  districtIds: IdList(),
  tags: Type.Array(Type.String()),
  level: Type.Union([Type.Literal('email'), Type.Literal('verified')]),
  email: Type.Optional(Email),
});

const valid = { title: 'Bench', password: ' secret ', level: 'email' };

describe('readForm', () => {
  test('coerces text to the schema: numbers, checkboxes, lists, literals', () => {
    const form = readForm(Form, {
      ...valid,
      _csrf: 'token',
      count: ' 12 ',
      price: '3.5',
      public: 'yes',
      districtIds: ['3', '4'],
      tags: 'one',
    });
    assert.deepEqual(form, {
      ok: true,
      value: {
        title: 'Bench',
        password: ' secret ',
        count: 12,
        price: 3.5,
        public: true,
        districtIds: [3, 4],
        tags: ['one'],
        level: 'email',
      },
    });
  });

  test('trims only the fields that say so, and leaves fields it does not declare out', () => {
    const form = readForm(Form, { ...valid, title: '  Bench  ', extra: 'x' });
    assert.ok(form.ok);
    assert.equal(form.value.title, 'Bench');
    assert.equal(form.value.password, ' secret ');
    assert.equal('extra' in form.value, false);
  });

  test('a checkbox list sent once is a one-element list; absent lists are empty; absent checkboxes false', () => {
    const once = readForm(Form, { ...valid, districtIds: '7' });
    assert.ok(once.ok);
    assert.deepEqual(once.value.districtIds, [7]);
    assert.deepEqual(once.value.tags, []);
    assert.equal(once.value.public, false);
    for (const [sent, expected] of [
      ['on', true],
      ['true', true],
      ['1', true],
      ['no', false],
      ['', false],
    ] as const) {
      const form = readForm(Form, { ...valid, public: sent });
      assert.ok(form.ok);
      assert.equal(form.value.public, expected, `public=${sent}`);
    }
  });

  test('empty optional fields are absent', () => {
    const form = readForm(Form, { ...valid, note: '   ', count: '', price: '', email: '' });
    assert.ok(form.ok);
    assert.equal('note' in form.value, false);
    assert.equal('count' in form.value, false);
    assert.equal('price' in form.value, false);
    assert.equal('email' in form.value, false);
  });

  test('a repeated single field gives its first value', () => {
    const form = readForm(Form, { ...valid, title: ['First', 'Second'] });
    assert.ok(form.ok);
    assert.equal(form.value.title, 'First');
  });

  test('reports one { field, code } per faulty field, in the order of the form', () => {
    const form = readForm(Form, {
      title: '   ',
      count: '12abc',
      districtIds: ['3', 'x', '0'],
      level: 'other',
      email: 'not-an-address',
    });
    assert.deepEqual(form.ok ? undefined : form.input.districtIds, [3, 'x', 0], 'what was read, to show again');
    assert.deepEqual(form.ok ? form : { ok: form.ok, errors: form.errors }, {
      ok: false,
      errors: [
        { field: 'title', code: 'required' },
        { field: 'password', code: 'required' },
        { field: 'count', code: 'invalid' },
        { field: 'districtIds', code: 'invalid' },
        { field: 'level', code: 'invalid' },
        { field: 'email', code: 'email' },
      ],
    });
    const other = readForm(Form, { ...valid, title: 'x'.repeat(11), count: '100' });
    assert.deepEqual(other.ok ? other : other.errors, [
      { field: 'title', code: 'too-long' },
      { field: 'count', code: 'out-of-range' },
    ]);
  });

  test('absent text fields with a default read as empty; present ones are kept as sent', () => {
    const form = readForm(Type.Object({ password: FormText(), name: TrimmedText() }), { password: ' x ' });
    assert.deepEqual(form, { ok: true, value: { password: ' x ', name: '' } });
  });

  test('a multi-line text keeps its spacing, with CRLF line breaks read as LF', () => {
    const form = readForm(Type.Object({ answer: MultilineText(), note: MultilineText() }), {
      answer: ' Fixed.\r\n\r\nThanks ',
    });
    assert.deepEqual(form, { ok: true, value: { answer: ' Fixed.\n\nThanks ', note: '' } });
  });

  test('a missing body reads as an empty form', () => {
    const form = readForm(Type.Object({ next: Type.Optional(Type.String()), remember: Checkbox() }), undefined);
    assert.deepEqual(form, { ok: true, value: { remember: false } });
  });

  test('translated fields: one per language, gathered into one text', () => {
    const schema = perLanguages((languages) => Type.Object({ ...translatedFields('name', languages) }));
    assert.equal(schema(['en', 'it']), schema(['en', 'it']), 'built once per set of languages');
    const form = readForm(schema(['en', 'it']), { name_en: 'Parks', name_it: '' });
    assert.ok(form.ok);
    assert.deepEqual(translatedValue(form.value, 'name', ['en', 'it']), { en: 'Parks', it: '' });
  });

  test('field errors become the texts the page picks per code', () => {
    const t = (key: string) => `<${key}>`;
    const texts = fieldErrorTexts(
      t,
      [
        { field: 'email', code: 'email' },
        { field: 'title', code: 'too-long' },
        { field: 'other', code: 'invalid' },
      ],
      { email: 'error.EMAIL_INVALID', title: { 'too-long': 'error.NAME_TOO_LONG' } },
    );
    assert.deepEqual(texts, {
      email: '<error.EMAIL_INVALID>',
      title: '<error.NAME_TOO_LONG>',
      other: '<error.VALIDATION_FAILED>',
    });
  });

  test('reads urlencoded and multipart bodies alike, files passed through', async () => {
    const app = Fastify();
    await app.register(formbody);
    const Upload = Type.Object({
      title: TrimmedText({ minLength: 1 }),
      districtIds: IdList(),
      public: Checkbox(),
      file: Type.Optional(Type.Unknown()),
    });
    await app.register(async (scope) => {
      await scope.register(multipart, { attachFieldsToBody: 'keyValues' });
      scope.post('/multipart', async (request) => {
        const form = readForm(Upload, request.body);
        assert.ok(form.ok);
        const file = form.value.file;
        return { ...form.value, file: Buffer.isBuffer(file) ? file.toString('utf8') : null };
      });
    });
    app.post('/urlencoded', async (request) => readForm(Upload, request.body));

    const urlencoded = await app.inject({
      method: 'POST',
      url: '/urlencoded',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'title=+Bench+&districtIds=2&public=yes',
    });
    assert.deepEqual(urlencoded.json(), { ok: true, value: { title: 'Bench', districtIds: [2], public: true } });

    const boundary = '----form-test';
    const part = (name: string, value: string, file = false) =>
      `--${boundary}\r\nContent-Disposition: form-data; name="${name}"${file ? '; filename="a.txt"\r\nContent-Type: text/plain' : ''}\r\n\r\n${value}\r\n`;
    const multipartBody =
      part('title', ' Bench ') + part('districtIds', '2') + part('districtIds', '5') + part('file', 'hello', true);
    const sent = await app.inject({
      method: 'POST',
      url: '/multipart',
      headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
      payload: `${multipartBody}--${boundary}--\r\n`,
    });
    assert.equal(sent.statusCode, 200, sent.body);
    assert.deepEqual(sent.json(), { title: 'Bench', districtIds: [2, 5], public: false, file: 'hello' });
    await app.close();
  });
});

describe('parseId', () => {
  test('accepts positive 32-bit integers in decimal digits', () => {
    assert.equal(parseId('1'), 1);
    assert.equal(parseId('42'), 42);
    assert.equal(parseId('2147483647'), 2147483647);
    assert.equal(parseId(7), 7);
  });

  test('refuses everything else', () => {
    for (const value of [
      '2147483648',
      '99999999999',
      '1e3',
      '-1',
      '0',
      'NaN',
      '0x10',
      '',
      ' 7',
      '7 ',
      '1.5',
      '+3',
      'Infinity',
      undefined,
      null,
      ['1'],
      0,
      -3,
      1.5,
      2147483648,
      Number.NaN,
    ])
      assert.equal(parseId(value), undefined, `refuses ${JSON.stringify(value)}`);
  });

  test('the id schema has the same bounds', () => {
    const form = Type.Object({ id: Id });
    assert.equal(readForm(form, { id: '2147483647' }).ok, true);
    assert.deepEqual(readForm(form, { id: '2147483648' }), {
      input: { id: 2147483648 },
      ok: false,
      errors: [{ field: 'id', code: 'out-of-range' }],
    });
    assert.deepEqual(readForm(form, { id: '0' }), {
      input: { id: 0 },
      ok: false,
      errors: [{ field: 'id', code: 'out-of-range' }],
    });
  });
});

describe('the e-mail rule', () => {
  test('accepts ordinary addresses', () => {
    for (const address of ['name@example.org', 'a.b+c@mail.city.example', 'giulia@valmora.example', 'é@ü.example'])
      assert.ok(isEmail(address), address);
  });

  test('refuses what is not one', () => {
    for (const address of [
      '',
      'name',
      'name@',
      '@example.org',
      'name@example',
      'name@example.o',
      'a b@example.org',
      'a@b@example.org',
      `${'x'.repeat(65)}@example.org`,
      `name@${'x'.repeat(250)}.org`,
    ])
      assert.equal(isEmail(address), false, address);
  });

  test('the API validates format email with the same rule', async () => {
    const app = Fastify({ schemaController: { compilersFactory: { buildValidator: buildValidators as never } } });
    app.post('/check', { schema: { body: Type.Object({ email: Email }) } }, async () => ({ ok: true }));
    const post = (email: string) => app.inject({ method: 'POST', url: '/check', payload: { email } });
    assert.equal((await post('name@example.org')).statusCode, 200);
    // ajv-formats would refuse these; the platform's rule accepts them (and the forms do too).
    assert.equal((await post('é@ü.example')).statusCode, 200);
    assert.equal(readForm(Type.Object({ email: Email }), { email: 'é@ü.example' }).ok, true);
    // and both refuse a one-letter top-level domain
    assert.equal((await post('name@example.o')).statusCode, 400);
    assert.equal(readForm(Type.Object({ email: Email }), { email: 'name@example.o' }).ok, false);
    await app.close();
  });
});
