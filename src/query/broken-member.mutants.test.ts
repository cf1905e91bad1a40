/**
 * checkNotBroken (broken-member.ts) called directly on a tolerant load of a model with one broken
 * measure: a member the load left out is refused with its diagnostic, hint and details; members
 * that compiled, and names the model never had, pass (the look-up reports those in Cube's words).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { refused } from '../../test/uprate-error.js';
import { compileModel, type Model } from '../model/index.js';
import { checkNotBroken } from './broken-member.js';

const FILES = {
  'deals.js': `cube('Deals', {
  sql_table: 'deals',
  measures: {
    count: { type: 'count' },
    badRate: { sql: 'won * 1.0 / NULLIF(total, 0)', type: 'number' },
  },
  dimensions: { id: { sql: 'id', type: 'number', primary_key: true } },
});`,
};

function model(): Model {
  const compiled = compileModel(Object.entries(FILES).map(([file, text]) => ({ file, text })), { tolerant: true }).model;
  assert.ok(compiled);
  return compiled;
}

test('a member left out by a tolerant load: QUERY_INVALID at the given place, with the diagnostic, the hint and the problems', () => {
  const m = model();
  const e = refused(() => checkNotBroken(m, 'Deals.badRate', 'measures[3]'), 'QUERY_INVALID', 'measures[3]', {
    message: /^Deals\.badRate cannot be queried: the model defines it with an error, so it was left out when the model was loaded\ndeals\.js:5 Deals\.badRate: error: /,
    hint: /^fix the model \(uprate model validate lists every problem\) and load it again$/,
  });
  const details = e.details as { member: string; problems: { message: string }[] };
  assert.equal(details.member, 'Deals.badRate');
  assert.equal(details.problems.length, 1);
  assert.match(details.problems[0]?.message ?? '', /uses raw columns \(won, total\)/);
});

test('members that compiled and names the model never had pass the check', () => {
  const m = model();
  assert.doesNotThrow(() => checkNotBroken(m, 'Deals.count', 'measures[0]'));
  assert.doesNotThrow(() => checkNotBroken(m, 'Deals.nope', 'measures[0]'));
  assert.doesNotThrow(() => checkNotBroken(m, 'Nope.count', 'measures[0]'));
});
