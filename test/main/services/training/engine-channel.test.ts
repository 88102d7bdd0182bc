import { describe, expect, it } from 'vitest';
import { engineEnvironment } from '../../../../src/main/services/training/engine-channel';

describe('the engine process environment', () => {
  it('limits_malloc_arenas_unless_the_user_chose_a_value', () => {
    expect(engineEnvironment({ PATH: '/bin' })).toEqual({ PATH: '/bin', MALLOC_ARENA_MAX: '2' });
    expect(engineEnvironment({ MALLOC_ARENA_MAX: '8' })).toEqual({ MALLOC_ARENA_MAX: '8' });
  });
});
