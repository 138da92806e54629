// For a classroom (issue 8, parts 7–8): the guided lesson walks by keyboard and lives in the
// link; a phone-sized screen does not scroll sideways; Tab reaches every control, file inputs
// included; the theme and the text size stay in the link; the charts read as text.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useBrowser } from './harness.mjs';

// Each test opens its own page in a fresh browser context, so none depends on another's state.
const session = useBrowser();
const TIMEOUT = 180_000;

/** A fresh page on the CPU device at `link` (a `#…` view), its networks shown. */
async function openClassroom(link = '') {
  const { context, errors } = await session.freshContext();
  const page = await context.newPage();
  await page.goto(`${session.server.url}?cpu${link}`);
  await page.waitForSelector('[data-testid="generator-layer"]', { timeout: TIMEOUT });
  return { page, context, errors };
}

const lessonStep = (page) => page.$eval('[data-testid="lesson"]', (e) => Number(e.dataset.step)).catch(() => null);
/** The highlighted panel once it is `expected` (the highlight follows a frame later), or what it is then. */
async function focused(page, expected) {
  await page.waitForFunction((want) => (document.querySelector('[data-lesson].lesson-focus')?.dataset.lesson ?? null) === want, expected, { timeout: 5000 }).catch(() => {});
  return page.$eval('[data-lesson].lesson-focus', (e) => e.dataset.lesson).catch(() => null);
}

test('the lesson opens from its link, walks by arrow keys, and the link follows', async () => {
  const { page, context, errors } = await openClassroom('#lesson=9');
  await page.waitForSelector('[data-testid="lesson"]', { timeout: TIMEOUT });
  assert.equal(await lessonStep(page), 9);
  assert.match(await page.textContent('[data-testid="lesson"]'), /Lesson 9 of 14 · The discriminator D/);
  assert.equal(await focused(page, 'discriminator'), 'discriminator', 'the step points at its panel');

  await page.keyboard.press('ArrowRight');
  assert.equal(await lessonStep(page), 10);
  assert.equal(await focused(page, 'verdict'), 'verdict');
  assert.match(page.url(), /[#&]lesson=10(&|$)/);
  await page.keyboard.press('ArrowLeft');
  await page.keyboard.press('ArrowLeft');
  assert.equal(await lessonStep(page), 8);
  assert.equal(await focused(page, 'generator'), 'generator');

  await page.reload();
  await page.waitForSelector('[data-testid="lesson"]', { timeout: TIMEOUT });
  assert.equal(await lessonStep(page), 8, 'a reload restores the step from the link');

  await page.keyboard.press('Escape');
  assert.equal(await lessonStep(page), null, 'Escape closes it');
  assert.equal(await focused(page, null), null);
  assert.doesNotMatch(page.url(), /lesson=/);
  // Keyboard alone: focus the Lesson button and press Enter.
  await page.focus('[data-testid="lesson-start"]');
  await page.keyboard.press('Enter');
  assert.equal(await lessonStep(page), 1);
  assert.equal(await focused(page, 'lab'), 'lab', 'the lesson begins in the 2-D lab');
  for (let i = 0; i < 16; i += 1) await page.keyboard.press('ArrowRight');
  assert.equal(await lessonStep(page), 14, 'stays on the last step');
  assert.equal(await focused(page, 'explorer'), 'explorer');
  assert.deepEqual(errors, [], 'no console errors');
  await context.close();
});

test('Tab reaches every enabled control on the page, in the page\'s order, the file inputs included', async () => {
  const { page, context, errors } = await openClassroom();
  // Every control a keyboard user should reach now: enabled, shown (not in a closed section),
  // each tagged with its place in the document.
  const expected = await page.evaluate(() => {
    const selector = 'a[href], button, input, select, textarea, summary, [tabindex]:not([tabindex="-1"])';
    // checkVisibility: false inside a closed <details> (its content is skipped, not laid out).
    const shown = (e) => e.type === 'file' || e.checkVisibility({ visibilityProperty: true });
    const controls = [...document.querySelectorAll(selector)]
      .filter((e) => !e.disabled && e.getAttribute('tabindex') !== '-1' && shown(e))
      // A radio group is one stop, at its checked button; arrow keys move within it.
      .filter((e) => !(e.type === 'radio' && !e.checked && e.name
        && document.querySelector(`input[type="radio"][name="${e.name}"]:checked`)));
    controls.forEach((e, i) => { e.dataset.tabOrder = String(i); });
    return controls.map((e) => e.dataset.testid ?? `${e.tagName.toLowerCase()}:${(e.textContent || e.name || e.type || '').trim().slice(0, 30)}`);
  });
  await page.focus('[data-tab-order="0"]');
  const reached = [0];
  for (let i = 0; i < expected.length + 20; i += 1) {
    await page.keyboard.press('Tab');
    const order = await page.evaluate(() => document.activeElement?.dataset.tabOrder ?? null);
    if (order === null) continue; // a control that appeared since (none expected)
    if (Number(order) === 0) break; // round again
    reached.push(Number(order));
  }
  console.log(`# Tab reached ${reached.length} of the page's ${expected.length} controls`);
  const missed = expected.filter((_, i) => !reached.includes(i));
  assert.deepEqual(missed, [], `controls Tab never reached (of ${expected.length})`);
  assert.deepEqual(reached, [...reached].sort((a, b) => a - b), 'Tab follows the page\'s order');
  for (const input of ['checkpoint-input', 'file-input', 'folder-input', 'project-input']) {
    assert.ok(expected.includes(input), `${input} is among them`);
  }
  assert.deepEqual(errors, [], 'no console errors');
  await context.close();
});

test('the sample grid\'s tiles are chosen and explored by keyboard', async () => {
  const { page, context, errors } = await openClassroom();
  await page.waitForSelector('[data-testid="samples"][data-step]', { timeout: TIMEOUT });
  await page.focus('[data-testid="samples"]');
  for (const key of ['ArrowRight', 'ArrowRight', 'ArrowDown']) await page.keyboard.press(key);
  assert.equal(await page.getAttribute('[data-testid="samples"]', 'data-cursor'), '10');
  assert.match(await page.getAttribute('[data-testid="samples"]', 'aria-label'), /row 2, column 3/);
  assert.equal(await lessonStep(page), null, 'arrow keys on the grid do not walk a lesson');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.querySelector('[data-testid="source-training"]')?.checked, null, { timeout: TIMEOUT });
  assert.deepEqual(errors, [], 'no console errors');
  await context.close();
});

test('theme and text size stay in the link; the charts read as text', async () => {
  const { page, context, errors } = await openClassroom();
  const theme = () => page.evaluate(() => document.documentElement.dataset.theme ?? null);
  const before = await page.textContent('[data-testid="theme-toggle"]');
  await page.click('[data-testid="theme-toggle"]');
  const chosen = /Light/.test(before) ? 'light' : 'dark';
  assert.equal(await theme(), chosen);
  await page.selectOption('[data-testid="text-size"]', '150');
  assert.match(page.url(), new RegExp(`theme=${chosen}&text=150`));
  const bodyColour = () => page.evaluate(() => getComputedStyle(document.body).color);
  const colour = await bodyColour();
  await page.reload();
  await page.waitForSelector('[data-testid="theme-toggle"]');
  assert.equal(await theme(), chosen, 'the theme came back from the link');
  assert.equal(await bodyColour(), colour);
  assert.equal(await page.evaluate(() => document.documentElement.style.fontSize), '150%');

  await page.waitForSelector('[data-testid="step"]:not([disabled])', { timeout: TIMEOUT });
  await page.click('[data-testid="step"]');
  await page.waitForFunction(() => /At step 1: D /.test(document.querySelector('[data-testid="chart-text"]')?.textContent), null, { timeout: TIMEOUT });
  const label = await page.getAttribute('.chart svg', 'aria-label');
  assert.match(label, /^Losses\. At step 1: D \d+\.\d{3} \(from/);
  assert.deepEqual(errors, [], 'no console errors');
  await context.close();
});

test('at 390 × 844 nothing scrolls sideways', async () => {
  const { browser, server } = session;
  const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
  const page = await context.newPage();
  await page.goto(`${server.url}?cpu`);
  await page.waitForSelector('[data-testid="generator-layer"]', { timeout: TIMEOUT });
  await page.waitForSelector('[data-testid="verdict"][data-version="1"]', { timeout: TIMEOUT });
  const widths = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, view: window.innerWidth }));
  assert.ok(widths.scroll <= widths.view, JSON.stringify(widths));
  // Wider than the screen anywhere? Name it, for the failure message.
  const wide = await page.evaluate(() => [...document.querySelectorAll('body *')]
    .filter((e) => e.getBoundingClientRect().right > window.innerWidth + 1 && getComputedStyle(e).position !== 'absolute')
    .slice(0, 5).map((e) => `${e.tagName}.${e.className}`));
  assert.deepEqual(wide, []);
  await context.close();
});
