import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import type { Page } from 'playwright-core';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import type { E2eSession } from './support/e2e-session';
import { NO_CHROMIUM, useStudioSession } from './support/e2e-session';
import { REPO_ROOT } from './support/serve-process';

/**
 * The studio's data, training and judging views in Chromium against `cnn-studio serve`: the sample
 * project's dataset scanned, two epochs trained with the curves updating, paused, a reload that
 * re-attaches, stopped and resumed from the checkpoint, the confusion matrix opened, images
 * predicted (picked and dropped), and an ONNX export that onnxruntime-node loads and agrees with.
 * Screenshots go to test-artifacts/e2e.
 */
const SAMPLE = join(REPO_ROOT, 'resources', 'samples', 'lenet5-fashion.cnnstudio');
const DATASET = join(REPO_ROOT, 'resources', 'datasets', 'fashion-mnist-sample');
const CLASSES = readdirSync(join(DATASET, 'train')).sort();
const firstImage = (split: string, className: string) => join(DATASET, split, className, readdirSync(join(DATASET, split, className)).sort()[0]!);

/** A fresh window on the server, once its start-up has run and the sample project is on the canvas. */
async function openStudio(session: E2eSession) {
  const studio = await session.browser.newPage();
  await studio.page.goto(session.server.url);
  await studio.page.locator('.app[data-ready="true"]').waitFor({ timeout: 90_000 });
  await studio.page.locator('[data-testid="layer-node"]').first().waitFor({ timeout: 90_000 });
  return studio;
}

const attribute = (page: Page, selector: string, name: string) => page.locator(selector).getAttribute(name);
const state = (page: Page) => attribute(page, '[data-testid="training-status"]', 'data-state');
const number = async (page: Page, selector: string, name: string) => Number((await attribute(page, selector, name)) ?? 0);

describe.skipIf(NO_CHROMIUM)('the studio views in Chromium: dataset, training, evaluation, prediction, export', () => {
  const session = useStudioSession({ serveArgs: ['--open-project', SAMPLE] });

  it('scans_trains_pauses_reattaches_stops_resumes_evaluates_predicts_and_exports_the_sample', async () => {
    const studio = await openStudio(session());
    const { page } = studio;
    const errors = [...studio.errors];

    // The dataset: scanned when the view opens, with counts, thumbnails and the split the run will use.
    await page.locator('[data-testid="view-dataset"]').click();
    await expect.poll(() => page.locator('[data-testid="dataset-summary"]').textContent(), { timeout: 30_000 }).toContain('10 classes · 800 training · 200 validation (20% of each class, seed 42) · 300 test · 0 skipped');
    expect(await page.locator('[data-testid="class-count"]').count()).toBe(10);
    expect(await page.locator('[data-testid="class-count-train"]').allTextContents()).toEqual(Array(10).fill('80'));
    await expect.poll(() => page.locator('[data-testid="class-thumbnails"] [data-testid="thumbnail"] img').count(), { timeout: 15_000 }).toBeGreaterThanOrEqual(30);
    await page.locator('[data-testid="aug-flip"]').check();
    await page.locator('[data-testid="preview-sheet"]').waitFor({ timeout: 15_000 });
    await studio.screenshot('studio-dataset');

    // Training: two epochs in small batches, so the curves have points to show while it runs.
    await page.locator('[data-testid="view-training"]').click();
    await page.locator('[data-testid="hp-epochs"]').fill('2');
    await page.locator('[data-testid="hp-epochs"]').blur();
    // Small batches make many short steps: the pause and resume below land inside the two epochs even on a quick machine.
    await page.locator('[data-testid="hp-batch"]').fill('2');
    await page.locator('[data-testid="hp-batch"]').blur();
    await page.locator('[data-testid="start-button"]').click();
    await expect.poll(() => state(page), { timeout: 60_000 }).toBe('running');
    expect(await page.locator('[data-testid="backend"]').textContent()).toMatch(/WebAssembly.*—/);
    // The curves update as batches arrive (the chart is given new data, not rebuilt), and the first epoch lands.
    await expect.poll(() => number(page, '[data-testid="loss-chart"]', 'data-updates'), { timeout: 60_000 }).toBeGreaterThanOrEqual(2);
    await expect.poll(() => page.locator('[data-testid="last-epoch"]').count(), { timeout: 60_000 }).toBe(1);
    expect(await page.locator('[data-testid="last-epoch"]').textContent()).toContain('validation loss');

    // Pause: the engine confirms after its current batch.
    await page.locator('[data-testid="pause-button"]').click();
    await expect.poll(() => state(page), { timeout: 30_000 }).toBe('paused');
    const pointsWhenPaused = await number(page, '[data-testid="loss-chart"]', 'data-points');
    expect(pointsWhenPaused).toBeGreaterThan(2);
    await studio.screenshot('studio-training-paused');

    // A reload of the window re-attaches to the run the services keep, curves included. The edited
    // settings' recovery copy is written a few seconds after the edit (training may be quicker).
    await expect.poll(() => page.getByText(/recovery copy saved/).count(), { timeout: 15_000 }).toBe(1);
    await page.reload();
    await page.locator('.app[data-ready="true"]').waitFor({ timeout: 90_000 });
    // The edited settings were not saved: the window offers their recovery copy, which brings them back.
    await page.locator('[data-testid="recover"]').click();
    await expect.poll(() => page.locator('[data-testid="training-badge"]').textContent(), { timeout: 15_000 }).toBe('paused');
    await page.locator('[data-testid="view-training"]').click();
    await expect.poll(() => state(page)).toBe('paused');
    expect(await number(page, '[data-testid="loss-chart"]', 'data-points')).toBe(pointsWhenPaused);
    errors.push(...studio.errors);
    studio.errors.length = 0;

    // Resume, pause again, and stop while paused: the run ends as stopped, its first epoch kept.
    await page.locator('[data-testid="resume-button"]').click();
    await expect.poll(() => state(page), { timeout: 30_000 }).not.toBe('paused');
    await page.locator('[data-testid="pause-button"]').click();
    await expect.poll(() => state(page), { timeout: 30_000 }).toBe('paused');
    await page.locator('[data-testid="stop-button"]').click();
    await expect.poll(() => state(page), { timeout: 30_000 }).toBe('ended');
    expect(await attribute(page, '[data-testid="training-status"]', 'data-outcome')).toBe('stopped');
    await expect.poll(() => attribute(page, '[data-testid="run-row"]', 'data-status')).toBe('stopped');
    await studio.screenshot('studio-training-stopped');

    // Resume the stopped run from its checkpoint; it finishes its two epochs.
    await page.locator('[data-testid="resume-run-button"]').click();
    await expect.poll(() => attribute(page, '[data-testid="training-status"]', 'data-outcome'), { timeout: 120_000 }).toBe('completed');
    await expect.poll(() => attribute(page, '[data-testid="run-row"]', 'data-status')).toBe('completed');
    expect(await page.locator('[data-testid="run-row"]').count()).toBe(1);
    expect(await page.locator('[data-testid="last-epoch"]').textContent()).toMatch(/^\s*loss [\d.]+, accuracy [\d.]+%; validation loss/);
    await expect.poll(() => page.locator('[data-testid="toast"][data-kind="success"]').allTextContents()).toContainEqual(expect.stringContaining('finished: 2 epochs'));
    await studio.screenshot('studio-training-completed');

    // Evaluation on the run's validation split: the confusion matrix, and the images of a cell.
    await page.locator('[data-testid="view-evaluation"]').click();
    await page.locator('[data-testid="evaluate-button"]').click();
    await page.locator('[data-testid="evaluation-accuracy"]').waitFor({ timeout: 60_000 });
    expect(await page.locator('[data-testid="evaluation-summary"]').textContent()).toContain('on 200 images of the validation split');
    expect(await page.locator('[data-testid="confusion-cell"]').count()).toBe(100);
    const counts = await page.locator('[data-testid="confusion-cell"]').evaluateAll((cells) => cells.map((c) => Number(c.getAttribute('data-count'))));
    expect(counts.reduce((a, b) => a + b, 0)).toBe(200);
    const cell = page.locator('[data-testid="confusion-cell"][data-row="0"][data-column="0"]');
    const diagonal = Number(await cell.getAttribute('data-count'));
    if (diagonal > 0) {
      await cell.click();
      await expect.poll(() => page.locator('[data-testid="cell-image"]').count()).toBe(diagonal);
      expect(await page.locator('[data-testid="cell-images"] h3').textContent()).toContain(`${CLASSES[0]}: predicted right`);
    }
    expect(await page.locator('[data-testid="class-metrics-row"]').count()).toBe(10);
    await studio.screenshot('studio-evaluation');

    // Prediction: one image picked, one dropped; each gets its likeliest classes.
    await page.locator('[data-testid="view-prediction"]').click();
    await page.locator('[data-testid="image-input"]').setInputFiles(firstImage('test', 'trouser'));
    await expect.poll(() => attribute(page, '[data-testid="prediction"]', 'data-status'), { timeout: 60_000 }).toBe('done');
    expect(CLASSES).toContain((await page.locator('[data-testid="prediction-label"]').first().textContent())?.trim());
    expect(await page.locator('[data-testid="prediction"]').first().locator('[data-testid="probability-bar"]').count()).toBe(5);
    const dropped = readFileSync(firstImage('test', 'bag')).toString('base64');
    await page.locator('[data-testid="drop-zone"]').evaluate((zone, data) => {
      // Runs in the page; this file is typed for Node, so the page's DOM classes are named by hand.
      const dom = globalThis as unknown as {
        DataTransfer: new () => { items: { add(file: unknown): void } };
        File: new (parts: unknown[], name: string, options: { type: string }) => unknown;
        DragEvent: new (type: string, init: { dataTransfer: unknown; bubbles: boolean; cancelable: boolean }) => Event;
      };
      const bytes = Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
      const transfer = new dom.DataTransfer();
      transfer.items.add(new dom.File([bytes], 'dropped-bag.png', { type: 'image/png' }));
      zone.dispatchEvent(new dom.DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }));
    }, dropped);
    await expect.poll(() => attribute(page, '[data-testid="prediction"][data-name="dropped-bag.png"]', 'data-status'), { timeout: 60_000 }).toBe('done');
    const bars = await page.locator('[data-testid="prediction"][data-name="dropped-bag.png"] [data-testid="probability-bar"]').evaluateAll((els) =>
      els.map((e) => ({ label: e.getAttribute('data-label'), value: Number.parseFloat((e.querySelector('.value')?.textContent ?? '0').replace('%', '')) })),
    );
    await studio.screenshot('studio-prediction');

    // Export to ONNX: the file exists, onnxruntime-node loads it, and it agrees with the studio's prediction.
    await page.locator('[data-testid="view-export"]').click();
    await page.locator('[data-testid="format-onnx"]').check();
    await page.locator('[data-testid="export-button"]').click();
    await page.locator('[data-testid="export-result"]').waitFor({ timeout: 60_000 });
    const file = (await page.locator('[data-testid="export-file"]').textContent())!.trim();
    expect(file).toMatch(/LeNet-5-on-Fashion-MNIST\.onnx$/);
    expect(existsSync(file)).toBe(true);
    // Browser mode has no file manager to show it in.
    expect(await page.locator('[data-testid="show-in-folder"]').count()).toBe(0);
    await studio.screenshot('studio-export');
    const onnx = await ort.InferenceSession.create(file);
    const { data } = await sharp(firstImage('test', 'bag')).greyscale().raw().toBuffer({ resolveWithObject: true });
    const result = await onnx.run({ [onnx.inputNames[0]!]: new ort.Tensor('float32', Float32Array.from(data, (v) => v / 255), [1, 1, 28, 28]) });
    const probabilities = Array.from(result[onnx.outputNames[0]!]!.data as Float32Array);
    for (const bar of bars) expect(probabilities[CLASSES.indexOf(bar.label!)]! * 100).toBeCloseTo(bar.value, 0);

    errors.push(...studio.errors);
    expect(errors).toEqual([]);
    await page.close();
  });
});
