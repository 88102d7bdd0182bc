import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stateFolder } from '../../../../src/main/services/app-state/state-folder';

describe('state folder', () => {
  it('is_CNN_STUDIO_HOME_when_set', () => {
    expect(stateFolder({ CNN_STUDIO_HOME: 'rel/home' }, 'linux', '/home/u')).toBe(resolve('rel/home'));
  });

  it('follows_each_platforms_convention', () => {
    expect(stateFolder({}, 'linux', '/home/u')).toBe(join('/home/u', '.local', 'state', 'cnn-studio'));
    expect(stateFolder({ XDG_STATE_HOME: '/xdg' }, 'linux', '/home/u')).toBe(join('/xdg', 'cnn-studio'));
    expect(stateFolder({}, 'darwin', '/Users/u')).toBe(join('/Users/u', 'Library', 'Application Support', 'CNN Studio'));
    expect(stateFolder({ APPDATA: 'C:/Users/u/AppData/Roaming' }, 'win32', 'C:/Users/u')).toBe(join('C:/Users/u/AppData/Roaming', 'CNN Studio'));
  });

  it('ignores_a_blank_override', () => {
    expect(stateFolder({ CNN_STUDIO_HOME: '  ' }, 'linux', '/home/u')).toBe(join('/home/u', '.local', 'state', 'cnn-studio'));
  });
});
