import { test } from 'node:test';
import { usePage, fixtures } from './harness.mjs';
import { Playground } from './playground.mjs';

const session = usePage('?cpu');
const recipes = JSON.parse(process.env.RECIPES);
test('explore', { timeout: 1_800_000 }, async () => {
  const app = new Playground(session.page);
  session.page.on('dialog', (d) => d.accept());
  await app.ready();
  if (process.env.IMAGES) await app.addImages(JSON.parse(process.env.IMAGES).map((f) => `${fixtures}/${f}`), JSON.parse(process.env.IMAGES).length);
  console.log('dataset', await app.dataset());
  for (const r of recipes) {
    const steps = r.steps; delete r.steps;
    await app.newModel(r);
    const runs = await app.runsEnded();
    await session.page.click('[data-testid="train"]');
    const seen = new Map();
    while (true) {
      const t = await session.page.textContent('[data-testid="losses"]').catch(() => '');
      const s = await app.step().catch(() => 0);
      const m = /D\(G\(z\)\) ([\d.]+)/.exec(t);
      if (m) seen.set(Math.floor(s / 50), [...(seen.get(Math.floor(s / 50)) ?? []), Number(m[1])]);
      if (s >= steps) break;
      if (await session.page.$('[data-testid="alarm"]')) { console.log('ALARM', (await session.page.textContent('[data-testid="alarm"]')).slice(0, 150)); if (await session.page.$('[data-testid="train"]')) break; }
      await session.page.waitForTimeout(30);
    }
    console.log(JSON.stringify(r), [...seen].map(([b, v]) => (v.reduce((a, x) => a + x, 0) / v.length).toFixed(2)).join(' '));
    if (await session.page.$('[data-testid="pause"]')) await session.page.click('[data-testid="pause"]');
    await app.waitForIdle(runs);
  }
});
