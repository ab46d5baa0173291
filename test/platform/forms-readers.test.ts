import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { readBallotVotes } from '../../src/modules/budgets/budgets.forms.ts';
import { readCommentForm } from '../../src/modules/participation/participation.forms.ts';
import { readAnswerField, readCategoryForm } from '../../src/modules/reports/reports.forms.ts';

/** The module readers for forms whose field names are only known from the body, each built on readForm. */

describe('form readers for field names with ids in them', () => {
  test("a distributed ballot's votes_<id> fields: empty is 0, anything but up to five digits is refused", () => {
    assert.deepEqual(readBallotVotes({ votes_3: ' 2 ', votes_7: '', other: 'x', _csrf: 't' }), { 3: 2, 7: 0 });
    assert.deepEqual(readBallotVotes(undefined), {});
    assert.equal(readBallotVotes({ votes_3: '-1' }), undefined);
    assert.equal(readBallotVotes({ votes_3: '123456' }), undefined);
    assert.equal(readBallotVotes({ votes_3: '1.5' }), undefined);
  });

  test("a reply's text comes from reply-<parentId> when body is empty", () => {
    const reply = readCommentForm({ subjectType: 'debate', subjectId: '4', parentId: '9', 'reply-9': 'Agreed' });
    assert.ok(reply.ok);
    assert.equal(reply.value.body, 'Agreed');
    const other = readCommentForm({ subjectType: 'debate', subjectId: '4', parentId: '9', 'reply-8': 'Agreed' });
    assert.ok(other.ok);
    assert.equal(other.value.body, '');
    const top = readCommentForm({ subjectType: 'debate', subjectId: '4', parentId: '', body: 'First' });
    assert.ok(top.ok);
    assert.equal(top.value.body, 'First');
  });

  test("a category's question rows are read by their q<n>_ prefix, only the rows sent", () => {
    const form = readCategoryForm(
      {
        code: ' potholes ',
        name_en: 'Potholes',
        active: '1',
        q0_code: 'depth',
        q0_datatype: 'number',
        q0_required: '1',
        q0_label_en: 'How deep?',
        q10_code: 'lane',
        q10_options: 'left\r\nright',
        q10_remove: '1',
      },
      ['en'],
    );
    assert.ok(form.ok);
    assert.equal(form.category.code, 'potholes');
    assert.equal(form.category.active, true);
    assert.deepEqual(
      form.questions.map((q) => [
        q.code,
        q.datatype,
        q.required,
        (q as Record<string, unknown>).label_en,
        q.options,
        q.remove,
      ]),
      [
        ['depth', 'number', true, 'How deep?', '', false],
        ['lane', '', false, '', 'left\nright', true],
      ],
    );
  });

  test('an answer field: one value or several, trimmed, empty ones left out', () => {
    assert.deepEqual(readAnswerField({ 'a[x]': [' one ', '', 'two'] }, 'a[x]'), ['one', 'two']);
    assert.deepEqual(readAnswerField({ 'a[x]': 'one' }, 'a[x]'), ['one']);
    assert.deepEqual(readAnswerField({}, 'a[x]'), []);
  });
});
