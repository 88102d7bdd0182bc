import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { NO_CHROMIUM, useStudioSession } from './support/e2e-session';
import type { E2eSession } from './support/e2e-session';

/**
 * The canvas in Chromium against `cnn-studio serve`: building a net from the palette by drag and
 * drop, shapes on the connections, an error flagged and undone, the ResNet-18 template's exact
 * parameter total, save and reopen. Screenshots go to test-artifacts/e2e.
 */

/** A fresh window on the server, once its start-up (host facts, recovery offer) has run. */
async function openStudio(session: E2eSession) {
  const studio = await session.browser.newPage();
  await studio.page.goto(session.server.url);
  await studio.page.locator('.app[data-ready="true"]').waitFor({ timeout: 30_000 });
  // Another test's unsaved work may be offered for recovery; this one starts clean.
  if (await studio.page.locator('[data-testid="recovery-entry"]').count()) await studio.page.getByRole('button', { name: 'Decide later' }).click();
  return studio;
}

/** Drags a palette entry (`layer:Conv2D`) onto the canvas at a point of it. */
async function dropFromPalette(page: Page, entry: string, x: number, y: number): Promise<void> {
  const before = await page.locator('[data-testid="layer-node"]').count();
  await page.dragAndDrop(`[data-entry="${entry}"]`, '[data-testid="canvas"]', { targetPosition: { x, y } });
  await page.locator('[data-testid="layer-node"]').nth(before).waitFor();
}

/** Draws a connection from one layer's output dot to another's input dot. */
async function connect(page: Page, from: string, to: string): Promise<void> {
  const source = await page.locator(`.vue-flow__node[data-id="${from}"] .vue-flow__handle.source`).boundingBox();
  const target = await page.locator(`.vue-flow__node[data-id="${to}"] .vue-flow__handle.target`).boundingBox();
  if (!source || !target) throw new Error(`no handles to connect ${from} → ${to}`);
  await page.mouse.move(source.x + source.width / 2, source.y + source.height / 2);
  await page.mouse.down();
  await page.mouse.move(target.x + target.width / 2, target.y + target.height / 2, { steps: 10 });
  await page.mouse.up();
}

/** Every connection's label, as `from->to=shape`. */
async function edgeLabels(page: Page): Promise<string[]> {
  return page.locator('[data-testid="edge-label"]').evaluateAll((els) => els.map((e) => `${e.getAttribute('data-edge-id')}=${(e.textContent ?? '').trim()}`).sort());
}

const nodeIds = (page: Page) => page.locator('[data-testid="layer-node"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-node-id')));

describe.skipIf(NO_CHROMIUM)('the canvas in Chromium', () => {
  const session = useStudioSession();

  it('builds_a_net_from_the_palette_connects_it_flags_an_error_and_undoes_it', async () => {
    const { page, errors, screenshot } = await openStudio(session());
    await page.locator('[data-testid="empty-canvas"]').waitFor();

    await dropFromPalette(page, 'layer:Input', 120, 120);
    await dropFromPalette(page, 'layer:Conv2D', 380, 120);
    await dropFromPalette(page, 'layer:MaxPool2D', 640, 120);
    await dropFromPalette(page, 'layer:Flatten', 380, 320);
    await dropFromPalette(page, 'layer:Output', 640, 320);
    expect(await nodeIds(page)).toEqual(['input', 'conv1', 'maxpool1', 'flatten1', 'output']);

    await connect(page, 'input', 'conv1');
    await connect(page, 'conv1', 'maxpool1');
    await connect(page, 'maxpool1', 'flatten1');
    await connect(page, 'flatten1', 'output');
    // Input 28x28x1; Conv2D 32@3x3 → 26x26x32; max-pool 2x2 → 13x13x32; 5,408 values; 10 classes.
    await expect.poll(() => edgeLabels(page)).toEqual([
      'conv1->maxpool1=26x26x32',
      'flatten1->output=5408',
      'input->conv1=28x28x1',
      'maxpool1->flatten1=13x13x32',
    ]);
    await expect.poll(() => page.locator('[data-testid="status-params"]').textContent()).toBe((3 * 3 * 32 + 32 + 5408 * 10 + 10).toLocaleString('en-US'));
    await page.locator('[data-testid="no-problems"]').waitFor();

    // A refused connection says why.
    await connect(page, 'conv1', 'output');
    await expect.poll(() => page.locator('[data-testid="toast"][data-kind="error"]').first().textContent()).toContain('Output output takes one input and already receives flatten1.');

    // Edit in the inspector: the shapes downstream follow as you type.
    await page.locator('.vue-flow__node[data-id="conv1"]').click();
    await page.locator('[data-param="filters"] input').fill('0');
    expect(await page.locator('[data-testid="param-problem"]').textContent()).toBe('Filters (N) must be at least 1');
    await page.locator('[data-param="filters"] input').fill('8');
    await expect.poll(() => edgeLabels(page)).toContain('maxpool1->flatten1=13x13x8');
    await page.locator('[data-param="filters"] input').blur();
    await screenshot('canvas-built-from-palette');

    // An error: a kernel larger than the image is flagged on the node and in the problems list.
    await page.locator('[data-param="kernelSize"] input').fill('40');
    await page.locator('[data-param="kernelSize"] input').blur();
    await page.locator('.vue-flow__node[data-id="conv1"] .marker.error').waitFor();
    const problem = page.locator('[data-testid="problem"][data-node-id="conv1"]');
    expect(await problem.textContent()).toContain('The 40x40 kernel is larger than the 28x28 input.');
    await page.locator('.vue-flow__node[data-id="conv1"] .marker.error').hover();
    expect(await page.locator('[data-testid="status-message"]').textContent()).toContain('Conv2D conv1: The 40x40 kernel is larger than the 28x28 input.');
    await screenshot('canvas-error-flagged');

    // Undo removes the error, redo brings it back (the keyboard, then the toolbar).
    await page.keyboard.press('Control+z');
    await expect.poll(() => page.locator('.vue-flow__node[data-id="conv1"] .marker.error').count()).toBe(0);
    expect(await edgeLabels(page)).toContain('conv1->maxpool1=26x26x8');
    await page.locator('[data-testid="cmd-redo"]').click();
    await page.locator('.vue-flow__node[data-id="conv1"] .marker.error').waitFor();
    await page.locator('[data-testid="cmd-undo"]').click();
    await page.locator('[data-testid="cmd-undo"]').click();
    await expect.poll(() => edgeLabels(page)).toContain('conv1->maxpool1=26x26x32');
    await screenshot('canvas-after-undo');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('creates_resnet18_from_its_template_with_the_exact_parameter_total_and_opens_a_block', async () => {
    const { page, errors, screenshot } = await openStudio(session());
    await page.locator('[data-testid="cmd-new"]').click();
    await page.locator('[data-template="resnet18"]').click();
    expect(await page.locator('[data-testid="new-height"]').inputValue()).toBe('224');
    expect(await page.locator('[data-testid="new-classes"]').inputValue()).toBe('1000');
    expect(await page.locator('[data-testid="new-total"]').textContent()).toBe('11,699,112');
    await screenshot('new-project-resnet18');
    await page.locator('[data-testid="new-create"]').click();
    await expect.poll(() => page.locator('[data-testid="layer-node"]').count()).toBe(15);
    // torchvision's resnet18 has 11,689,512 parameters; BatchNorm's running statistics add 9,600 non-trainable.
    expect(await page.locator('[data-testid="status-params"]').textContent()).toBe('11,699,112');
    await page.locator('[data-testid="tab-summary"]').click();
    expect(await page.locator('[data-testid="summary-total-params"]').textContent()).toBe('11,699,112');
    expect(await page.locator('[data-testid="summary-trainable-params"]').textContent()).toBe('11,689,512');
    await screenshot('resnet18-canvas');

    await page.locator('.vue-flow__node[data-id="layer2_1"] [data-testid="open-block"]').click();
    await page.locator('[data-testid="block-view"]').waitFor();
    await expect.poll(() => page.locator('[data-testid="block-row"]').count()).toBe(9);
    expect(await page.locator('[data-testid="block-total"]').textContent()).toBe('230,912');
    await screenshot('resnet18-block-layer2_1');
    await page.keyboard.press('Escape');
    await expect.poll(() => page.locator('[data-testid="block-view"]').count()).toBe(0);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('saves_a_project_and_opens_it_again', async () => {
    const { server } = session();
    const first = await openStudio(session());
    await first.page.locator('[data-entry="template:lenet5"]').click();
    await first.page.locator('[data-testid="new-create"]').click();
    await expect.poll(() => first.page.locator('[data-testid="layer-node"]').count()).toBe(9);
    await first.page.locator('.vue-flow__node[data-id="f6"]').click();
    await first.page.locator('[data-param="units"] input').fill('42');
    await first.page.locator('[data-param="units"] input').blur();
    await first.page.locator('[data-testid="dirty-marker"]').waitFor();

    const path = join(server.home, 'saved-lenet.cnnstudio');
    await first.page.locator('[data-testid="cmd-save"]').click();
    await first.page.locator('[data-testid="save-path"]').fill(path);
    await first.page.locator('[data-testid="save-confirm"]').click();
    await expect.poll(() => first.page.locator('[data-testid="dirty-marker"]').count()).toBe(0);
    const total = await first.page.locator('[data-testid="status-params"]').textContent();
    expect(first.errors).toEqual([]);
    await first.page.close();

    const second = await openStudio(session());
    await second.page.locator('[data-testid="cmd-open"]').click();
    await second.page.locator('[data-testid="open-path"]').fill(path);
    await second.page.locator('[data-testid="open-confirm"]').click();
    await expect.poll(() => second.page.locator('[data-testid="layer-node"]').count()).toBe(9);
    expect(await second.page.locator('[data-testid="project-name"]').textContent()).toContain('LeNet-5');
    expect(await second.page.locator('[data-testid="status-params"]').textContent()).toBe(total);
    expect(await second.page.locator('.vue-flow__node[data-id="f6"] [data-testid="node-summary"]').textContent()).toBe('42 tanh');
    expect(await second.page.locator('[data-testid="dirty-marker"]').count()).toBe(0);
    await second.screenshot('reopened-project');
    expect(second.errors).toEqual([]);
    await second.page.close();
  });
});
