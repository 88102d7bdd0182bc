import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { withLayout } from '../../src/shared/graph/layout';
import { projectToFile } from '../../src/shared/project/codec';
import { createProject } from '../../src/shared/project/project';
import type { ProjectFile } from '../../src/shared/project/schema';
import { buildTemplate } from '../../src/shared/templates';
import { removeDir, tempDir } from '../support/training-fixtures';
import { noteExample, noteMeasurement, tallyOf } from './support/figures';
import type { KillableServer } from './support/killable-server';
import { startKillableServer } from './support/killable-server';
import { seededRandom } from './support/seeded-random';

/**
 * Autosave against a killed app (issue 15). The window's edits reach the recovery store through
 * `project.autosave` (src/renderer's autosave sends each edit a moment after it is made); here a
 * client speaks that api to a real `cnn-studio serve` process, which is SIGKILLed between edits or
 * with an autosave in flight, at moments from a seeded generator. A server started again on the same
 * state folder must offer the last acknowledged edit (or the one in flight), whole. The renderer's
 * debounce is the renderer's tests' concern; driving Chromium would add minutes and test nothing more
 * of what survives a kill, which is decided in the server process.
 */

const SEED = 15_005;
const KILLS = 8;
const KEY = 'untitled-1';

let home: string;
const random = seededRandom(SEED);
const base: ProjectFile = projectToFile(createProject('Autosaved', withLayout(buildTemplate('lenet5'))));

beforeAll(async () => {
  home = await tempDir('adv-autosave');
});
afterAll(() => removeDir(home));

/** The project after `n` edits: renamed and a layer moved, as a person editing the canvas would. */
function edited(n: number): ProjectFile {
  const file = structuredClone(base);
  file.name = `Autosaved, edit ${n}`;
  const node = file.nodes[n % file.nodes.length]!;
  node.position = { x: 100 + n * 7, y: 40 + n * 3 };
  return file;
}

function connect(server: KillableServer): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/api?token=${server.token}`, { headers: { Origin: `http://127.0.0.1:${server.port}` } });
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

function request(ws: WebSocket, id: number, method: string, params: unknown): Promise<{ ok: boolean; result?: unknown; error?: unknown }> {
  return new Promise((resolve, reject) => {
    const onMessage = (data: WebSocket.RawData) => {
      const message = JSON.parse(data.toString()) as { id?: number; ok: boolean };
      if (message.id !== id) return;
      ws.off('message', onMessage);
      resolve(message);
    };
    ws.on('message', onMessage);
    ws.once('close', () => reject(new Error('closed')));
    ws.send(JSON.stringify({ kind: 'request', id, method, params }));
  });
}

describe('autosave when the app is killed', () => {
  it('the_recovery_copy_restores_the_last_edit_after_each_kill', async (context) => {
    const tally = tallyOf(context, 'Autosave');
    let edit = 0;
    let inFlightKills = 0;
    for (let k = 0; k < KILLS; k++) {
      const server = await startKillableServer(home);
      const ws = await connect(server);
      const edits = random.int(1, 6);
      let acknowledged = edit;
      for (let i = 0; i < edits; i++) {
        edit += 1;
        const answer = await request(ws, edit, 'project.autosave', { key: KEY, path: null, project: edited(edit) });
        if (answer.ok) acknowledged = edit;
      }
      // Half the kills land between edits, half with the next autosave just sent.
      const inFlight = k % 2 === 1;
      if (inFlight) {
        edit += 1;
        ws.send(JSON.stringify({ kind: 'request', id: edit, method: 'project.autosave', params: { key: KEY, path: null, project: edited(edit) } }));
        await new Promise((r) => setTimeout(r, random.int(0, 3)));
        inFlightKills += 1;
      }
      ws.terminate();
      await server.kill();

      const again = await startKillableServer(home);
      const reader = await connect(again);
      const answer = await request(reader, 1, 'project.recovery', {});
      reader.close();
      await again.kill();
      tally.cases += 1;
      const entries = (answer.result as { entries: { key: string; project: ProjectFile }[] } | undefined)?.entries ?? [];
      const restored = entries.find((e) => e.key === KEY)?.project;
      const expected = inFlight ? [edited(acknowledged), edited(edit)] : [edited(acknowledged)];
      if (!answer.ok || !restored || !expected.some((e) => JSON.stringify(e) === JSON.stringify(restored))) {
        tally.filesLost += 1;
        noteExample(tally, `kill ${k + 1}: after edit ${acknowledged}${inFlight ? ` with edit ${edit} in flight` : ''} the recovery copy holds ${restored ? JSON.stringify(restored.name) : 'nothing'}`);
      }
      if (restored && JSON.stringify(restored) === JSON.stringify(edited(edit))) acknowledged = edit;
      edit = acknowledged;
    }
    noteMeasurement(tally, `autosave: ${KILLS} SIGKILLs of the server (${inFlightKills} with an autosave in flight); each restart offered the last edit whole`);
    expect(tally.filesLost, tally.examples.join('\n')).toBe(0);
  });
});
