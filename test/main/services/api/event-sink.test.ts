import { describe, expect, it } from 'vitest';
import { createEventSink, eventEnvelope } from '../../../../src/main/services/api/event-sink';
import type { RpcEvent } from '../../../../src/shared/api/rpc';
import { rpcEventSchema } from '../../../../src/shared/api/rpc';

describe('event sink', () => {
  it('sends_contract_checked_envelopes', () => {
    const sent: RpcEvent[] = [];
    createEventSink((m) => sent.push(m)).emit('app.menuCommand', { command: 'file.openPath', path: '/p/a.cnnstudio' });
    expect(sent).toEqual([{ kind: 'event', event: 'app.menuCommand', payload: { command: 'file.openPath', path: '/p/a.cnnstudio' } }]);
    expect(rpcEventSchema.safeParse(sent[0]).success).toBe(true);
  });

  it('fails_where_a_payload_breaks_the_contract', () => {
    expect(() => eventEnvelope('app.menuCommand', { command: 'file.format-disk' } as never)).toThrow(/does not match the api contract/);
  });
});
