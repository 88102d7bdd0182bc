import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFECT_MESSAGE, dispatch } from '../../../../src/main/services/api/dispatch';
import { NO_EVENTS } from '../../../../src/main/services/api/event-sink';
import type { ApiHandlers } from '../../../../src/main/services/api/handler-table';
import { API_METHODS } from '../../../../src/shared/api/contract';
import { rpcResponseSchema } from '../../../../src/shared/api/rpc';
import { StudioError } from '../../../../src/shared/errors';
import type { HandlerFixture } from './api-fixtures';
import { createHandlerFixture } from './api-fixtures';

let fixture: HandlerFixture;
const defects: string[] = [];
beforeAll(async () => {
  fixture = await createHandlerFixture();
});
afterAll(() => fixture.cleanup());

const send = (handlers: ApiHandlers, raw: unknown) => dispatch(handlers, raw, { context: { events: NO_EVENTS }, logDefect: (t) => defects.push(t) });
const request = (method: string, params: unknown, id = 1) => ({ kind: 'request', id, method, params });

describe('dispatch', () => {
  it('has_a_handler_for_every_method_of_the_contract', () => {
    expect(Object.keys(fixture.handlers).sort()).toEqual(Object.keys(API_METHODS).sort());
  });

  it('answers_a_valid_request_with_its_result', async () => {
    const response = await send(fixture.handlers, request('project.recent', {}, 42));
    expect(response).toEqual({ kind: 'response', id: 42, ok: true, result: { paths: [] } });
    expect(rpcResponseSchema.safeParse(response).success).toBe(true);
  });

  it('treats_missing_params_as_an_empty_object', async () => {
    const response = await send(fixture.handlers, { kind: 'request', id: 3, method: 'project.recent' });
    expect(response).toMatchObject({ ok: true });
  });

  it('refuses_parameters_that_do_not_fit_the_schema_naming_the_path', async () => {
    const response = await send(fixture.handlers, request('project.open', { path: 42 }));
    expect(response).toMatchObject({
      ok: false,
      error: { code: 'invalid-argument', message: 'The project.open request is not valid: path must be a string, not number.', where: 'project.open: path' },
    });
  });

  it('refuses_unknown_keys_and_unknown_methods_and_prototype_names', async () => {
    expect(await send(fixture.handlers, request('project.recent', { extra: 1 }))).toMatchObject({ ok: false, error: { code: 'invalid-argument' } });
    for (const name of ['project.delete', 'toString', '__proto__', 'constructor']) {
      const response = await send(fixture.handlers, request(name, {}));
      expect(response).toMatchObject({ ok: false, error: { code: 'invalid-argument', message: `There is no studio method named "${name}".` } });
    }
  });

  it('answers_a_broken_envelope_that_has_an_id_and_drops_one_that_has_none', async () => {
    expect(await send(fixture.handlers, { kind: 'request', id: 9, method: 7 })).toMatchObject({ id: 9, ok: false, error: { code: 'invalid-argument' } });
    for (const raw of [null, 'text', 12, [], { id: -1 }, { id: 1.5, method: 'x' }, { kind: 'request', id: 'a', method: 'app.info', params: {} }]) {
      expect(await send(fixture.handlers, raw)).toBeNull();
    }
  });

  it('passes_studio_errors_as_data_without_a_stack', async () => {
    const response = await send(fixture.handlers, request('project.open', { path: 'missing.cnnstudio' }));
    expect(response).toMatchObject({ ok: false, error: { code: 'file-not-found', message: expect.stringMatching(/missing\.cnnstudio does not exist\.$/), hint: 'Check the path.' } });
    expect(JSON.stringify(response)).not.toMatch(/\bat .*\.ts:\d+/);
  });

  it('turns_a_defect_into_a_generic_sentence_and_logs_its_stack_on_the_host_only', async () => {
    const broken: ApiHandlers = {
      ...fixture.handlers,
      'project.recent': () => {
        throw new TypeError('secret internals at /home/me/.ssh');
      },
      'project.sample': () => {
        throw new StudioError('file-not-found', 'The sample project cannot be found.');
      },
    };
    defects.length = 0;
    const response = await send(broken, request('project.recent', {}));
    expect(response).toEqual({ kind: 'response', id: 1, ok: false, error: { code: 'internal', message: DEFECT_MESSAGE, hint: expect.any(String) } });
    expect(JSON.stringify(response)).not.toContain('secret');
    expect(defects).toHaveLength(1);
    expect(defects[0]).toMatch(/Defect while answering project\.recent: TypeError: secret internals/);
    expect(defects[0]).toMatch(/dispatch\.test\.ts/);
    expect(await send(broken, request('project.sample', {}))).toMatchObject({ ok: false, error: { code: 'file-not-found' } });
    expect(defects).toHaveLength(1);
  });
});
