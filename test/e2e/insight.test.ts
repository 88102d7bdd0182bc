import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { E2eSession } from './support/e2e-session';
import { NO_CHROMIUM, useStudioSession } from './support/e2e-session';
import { REPO_ROOT } from './support/serve-process';

/**
 * The views that look inside the network (issue 8), set hand-crafted features beside it (issue 14) and
 * hand it to PyTorch (issue 9), in Chromium against `cnn-studio serve` on the sample project: one short
 * training run, then the explainer, filters, feature maps, saliency, hand-crafted vs learned, HOG and a
 * baseline compared with the run, and the PyTorch export. Screenshots go to test-artifacts/e2e.
 */
const SAMPLE = join(REPO_ROOT, 'resources', 'samples', 'lenet5-fashion.cnnstudio');

async function openStudio(session: E2eSession) {
  const studio = await session.browser.newPage();
  await studio.page.goto(session.server.url);
  await studio.page.locator('.app[data-ready="true"]').waitFor({ timeout: 90_000 });
  await studio.page.locator('[data-testid="layer-node"]').first().waitFor({ timeout: 90_000 });
  return studio;
}

const attribute = (page: Page, selector: string, name: string) => page.locator(selector).first().getAttribute(name);
const text = async (page: Page, selector: string) => ((await page.locator(selector).first().textContent()) ?? '').replace(/\s+/g, ' ').trim();

describe.skipIf(NO_CHROMIUM)('the insight, explainer, HOG and PyTorch views in Chromium', () => {
  const session = useStudioSession({ serveArgs: ['--open-project', SAMPLE] });

  it('trains_the_sample_then_opens_every_view_on_the_run', async () => {
    const studio = await openStudio(session());
    const { page } = studio;

    // The explainer from the inspector: the sample's c3 (5x5 on 14x14x6) has the size formula with its numbers.
    await page.locator('.vue-flow__node[data-id="c3"]').click();
    await page.locator('[data-testid="explain-node"]').click();
    await page.locator('[data-testid="explainer-panel"]').waitFor();
    expect(await attribute(page, '.app', 'data-view')).toBe('explainer');
    expect(await text(page, '[data-testid="size-rows"]')).toBe('rows: (14 − 5 + 0) / 1 + 1 = 9 + 1 = 10');
    expect(await text(page, '[data-testid="parameter-text"]')).toBe('(5·5·6 + 1)·16 = 151·16 = 2416');
    await page.locator('[data-testid="step-next"]').first().click();
    expect(await text(page, '[data-testid="step-position"]')).toContain('Output value 2 of');
    await studio.screenshot('insight-explainer-conv');
    // A pooling node: s2 (2x2, stride 2) on the lecture's two 4x4 maps.
    await page.locator('[data-testid="explainer-node"]').selectOption('s2');
    await page.locator('[data-testid="pool-steps"]').waitFor();
    expect(await text(page, '[data-testid="pool-steps"] [data-testid="step-equation"]')).toMatch(/^y\[1\]\[0\]\[0\] = \(.*\) \/ 4 = /);
    await studio.screenshot('insight-explainer-pool');

    // One short training run to look inside.
    await page.locator('[data-testid="view-training"]').click();
    await page.locator('[data-testid="hp-epochs"]').fill('2');
    await page.locator('[data-testid="hp-epochs"]').blur();
    await page.locator('[data-testid="start-button"]').click();
    await expect.poll(() => attribute(page, '[data-testid="training-status"]', 'data-outcome'), { timeout: 180_000 }).toBe('completed');

    // Filters: c1's six 5x5 kernels after training, beside the ones it started from.
    await page.locator('[data-testid="view-insight"]').click();
    await expect.poll(() => attribute(page, '[data-testid="insight-target"]', 'data-source'), { timeout: 15_000 }).toBe('run');
    await page.locator('[data-testid="filters-after"]').waitFor({ timeout: 60_000 });
    expect(await attribute(page, '[data-testid="filters-after"]', 'data-tiles')).toBe('6');
    expect(await attribute(page, '[data-testid="filters-before"]', 'data-tiles')).toBe('6');
    expect(await text(page, '[data-testid="filters-summary"]')).toContain('c1: 6 filters of 5x5x1');
    await studio.screenshot('insight-filters');

    // Feature maps: the first dataset image through every layer; a map opened large.
    await page.locator('[data-testid="insight-tab-maps"]').click();
    await page.locator('[data-testid="layer-maps"][data-layer="c1"]').waitFor({ timeout: 60_000 });
    expect(await text(page, '[data-testid="layer-maps"][data-layer="c1"] [data-testid="layer-shape"]')).toBe('28x28x6');
    expect(await page.locator('[data-testid="layer-maps"][data-layer="c1"] [data-testid="feature-map"]').count()).toBe(6);
    expect(await text(page, '[data-testid="layer-maps"][data-layer="output"] [data-testid="layer-shape"]')).toBe('10');
    await page.locator('[data-testid="layer-maps"][data-layer="c3"] [data-testid="feature-map"]').nth(2).click();
    await page.locator('[data-testid="map-zoom"][data-layer="c3"][data-channel="2"]').waitFor();
    const zoomed = page.locator('[data-testid="zoomed-map"]');
    const box = (await zoomed.boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await expect.poll(() => text(page, '[data-testid="zoom-value"]')).toMatch(/^row \d+, column \d+: −?[\d.e−]+$/);
    await studio.screenshot('insight-feature-maps');

    // Saliency: Grad-CAM and the gradient, over the image, for the predicted class.
    await page.locator('[data-testid="insight-tab-saliency"]').click();
    await expect.poll(() => page.locator('[data-testid="saliency-overlay"]').count(), { timeout: 90_000 }).toBe(2);
    expect(await text(page, '[data-testid="saliency-summary"]')).toMatch(/^The network predicts \S+ \([\d.]+%\); the maps explain \S+\./);
    expect(await page.locator('[data-testid="saliency-view"] [data-testid="probability-bar"]').count()).toBe(5);
    await studio.screenshot('insight-saliency');

    // Hand-crafted vs learned: the ten Sobel and Robinson masks beside c1's six learned filters.
    await page.locator('[data-testid="insight-tab-hand-crafted"]').click();
    await expect.poll(() => page.locator('[data-testid="hand-crafted-response"]').count(), { timeout: 60_000 }).toBe(10);
    expect(await page.locator('[data-testid="learned-response"]').count()).toBe(6);
    await studio.screenshot('insight-hand-crafted');

    // HOG: the picture of the image at the network's input size, and one cell in detail.
    await page.locator('[data-testid="view-hog"]').click();
    await page.locator('[data-testid="hog-picture"]').waitFor({ timeout: 30_000 });
    expect(await text(page, '[data-testid="hog-summary"]')).toContain('28 x 28 pixels: 3 x 3 cells, 2 x 2 blocks of 2 x 2 cells, 9 bins → 144 features');
    await page.locator('[data-testid="hog-cell-size"]').fill('4');
    await expect.poll(() => text(page, '[data-testid="hog-summary"]')).toContain('7 x 7 cells, 6 x 6 blocks of 2 x 2 cells, 9 bins → 1,296 features');
    await page.locator('[data-testid="hog-cell"][data-row="3"][data-col="3"]').click({ force: true });
    await page.locator('[data-testid="hog-cell-detail"][data-row="3"][data-col="3"]').waitFor();
    expect(await page.locator('[data-testid="hog-votes"] tbody tr').count()).toBe(9);
    await studio.screenshot('insight-hog');

    // The baseline: HOG with 4-pixel cells, trained on the run's own data, then both evaluated on the test split.
    await page.locator('[data-testid="hog-tab-compare"]').click();
    await page.locator('[data-testid="train-baseline"]').click();
    await page.locator('[data-testid="compare-verdict"]').waitFor({ timeout: 180_000 });
    expect(await text(page, '[data-testid="compare-verdict"]')).toMatch(/^On these 300 images the (network|HOG \(4-pixel cells.*baseline) (is|are) /);
    expect(await page.locator('[data-testid="compare-f1"] tbody tr').count()).toBe(10);
    expect(await page.locator('[data-testid="baseline-comparison"] [data-testid="confusion-matrix"]').count()).toBe(2);
    await studio.screenshot('insight-baseline-comparison');
    await expect.poll(() => page.locator('[data-testid="compare-mask"]').count(), { timeout: 60_000 }).toBe(10);
    await page.locator('[data-testid="compare-picked"]').scrollIntoViewIfNeeded();
    await studio.screenshot('insight-baseline-picked-image');

    // The baseline is in the run history beside the network's run.
    await page.locator('[data-testid="view-training"]').click();
    await expect.poll(() => page.locator('[data-testid="run-row"]').count(), { timeout: 15_000 }).toBe(2);
    expect(await page.locator('[data-testid="run-kind"]').allTextContents()).toEqual(['baseline']);

    // The PyTorch engine choice says which Python with torch it would use, or how to get one.
    await page.locator('[data-testid="hp-backend"]').selectOption('pytorch');
    await expect.poll(() => attribute(page, '[data-testid="pytorch-engine"]', 'data-found'), { timeout: 90_000 }).not.toBe('unknown');
    expect(await text(page, '[data-testid="pytorch-engine"]')).toMatch(/The PyTorch engine runs the exported package with Python [\d.]+ .* with torch [\d.]+|No Python with torch was found/);
    await studio.screenshot('insight-pytorch-engine');
    await page.locator('[data-testid="hp-backend"]').selectOption('auto');

    // The PyTorch package of the run, with how to run it.
    await page.locator('[data-testid="run-row"]:not(:has([data-testid="run-kind"]))').click();
    await page.locator('[data-testid="view-export"]').click();
    await page.locator('[data-testid="format-pytorch"]').check();
    await page.locator('[data-testid="export-button"]').click();
    await page.locator('[data-testid="pytorch-export-result"]').waitFor({ timeout: 60_000 });
    expect(await text(page, '[data-testid="pytorch-how-to-run"]')).toContain('torchrun --standalone --nproc_per_node=N train.py');
    await studio.screenshot('insight-pytorch-export');

    // Hand-crafted masks into the network: a frozen Sobel layer right after the Input.
    await page.locator('[data-testid="view-insight"]').click();
    await page.locator('[data-testid="insight-tab-hand-crafted"]').click();
    for (const name of ['robinson-n', 'robinson-nw', 'robinson-w', 'robinson-sw', 'robinson-s', 'robinson-se', 'robinson-e', 'robinson-ne']) await page.locator(`[data-testid="preset-${name}"]`).uncheck();
    await page.locator('[data-testid="use-as-layer-button"]').click();
    await page.locator('.vue-flow__node[data-id="sobel1"]').waitFor();
    expect(await attribute(page, '.app', 'data-view')).toBe('network');
    await studio.screenshot('insight-sobel-layer');

    expect(studio.errors).toEqual([]);
    await page.close();
  });
});
