// DiffAugment on the page (issue 12, part 1): the dose is a hyper-parameter, off by default; a
// dose outside [0, 1] is refused with the reason; an augmented model trains with finite losses
// and, from the same seed, another run than the plain one (D sees changed images). Each test
// opens its own browser context.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useBrowser } from './harness.mjs';
import { Playground } from './playground.mjs';

const session = useBrowser();

/** A ready page in a fresh context (see `Playground.fresh`). */
const freshPage = () => Playground.fresh(session);

/** The exact values of the first two steps of a tiny model with `augment`. */
async function twoSteps(augment) {
  const { app, context, errors } = await freshPage();
  await app.useTinyModel({ augment });
  await app.stepOnce();
  await app.stepOnce();
  const exact = await app.exactValues();
  assert.deepEqual(errors, [], 'no console errors');
  await context.close();
  return exact;
}

test('the DiffAugment dose is off by default and a dose outside [0, 1] is refused', async () => {
  const { app, context, errors } = await freshPage();
  await app.openHyperParameters();
  assert.equal(await app.hyperParameter('augment'), '0', 'off by default');
  assert.deepEqual(await app.configProblem(), { reason: '', applyDisabled: false });
  await app.setHyperParameter('augment', 1.5);
  const refused = await app.configProblem();
  assert.match(refused.reason, /DiffAugment probability must be in \[0, 1\], not 1\.5/);
  assert.ok(refused.applyDisabled, 'Apply waits for a valid dose');
  await app.setHyperParameter('augment', 0.5);
  assert.deepEqual(await app.configProblem(), { reason: '', applyDisabled: false });
  assert.deepEqual(errors, []);
  await context.close();
});

test('an augmented model trains with finite losses, and not as the plain one does', async () => {
  const augmented = await twoSteps(1);
  const plain = await twoSteps(0);
  // "step [Some(d_loss), Some(g_loss), …, None]", as the page keeps them.
  assert.match(augmented, /^2 /, 'two steps');
  const numbers = [...augmented.matchAll(/Some\(([^)]*)\)/g)].map((m) => Number(m[1]));
  assert.ok(numbers.length >= 4 && numbers.every(Number.isFinite), augmented);
  assert.notEqual(augmented, plain, 'D saw other images');
  assert.equal(await twoSteps(1), augmented, 'one seed, one augmented run');
});
