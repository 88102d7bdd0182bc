import { describe, expect, it } from 'vitest';
import { mainWindowOptions, MIN_WINDOW_SIZE, secureWebPreferences } from '../../../src/main/app/window-options';
import { DEFAULT_WINDOW_SIZE, placeWindow } from '../../../src/main/app/window-placement';

describe('main window options', () => {
  it('isolates_sandboxes_and_keeps_node_out_of_the_page', () => {
    const { webPreferences } = mainWindowOptions({ placement: { width: 1200, height: 800 }, preloadPath: '/app/out/preload/index.cjs' });
    expect(webPreferences).toEqual(secureWebPreferences('/app/out/preload/index.cjs'));
    expect(webPreferences).toMatchObject({
      preload: '/app/out/preload/index.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      experimentalFeatures: false,
      navigateOnDragDrop: false,
    });
  });

  it('opens_hidden_until_painted_at_the_given_placement', () => {
    const options = mainWindowOptions({ placement: { x: 10, y: 20, width: 1200, height: 800 }, preloadPath: 'p', dark: true });
    expect(options).toMatchObject({ x: 10, y: 20, width: 1200, height: 800, show: false, minWidth: MIN_WINDOW_SIZE.width, minHeight: MIN_WINDOW_SIZE.height, backgroundColor: '#1e1e1e' });
    expect(mainWindowOptions({ placement: { width: 1000, height: 700 }, preloadPath: 'p' })).not.toHaveProperty('x');
  });
});

describe('window placement', () => {
  const screen = { x: 0, y: 0, width: 1920, height: 1080 };
  const second = { x: 1920, y: 0, width: 1280, height: 1024 };

  it('centres_the_default_size_the_first_time', () => {
    expect(placeWindow(null, [screen])).toEqual({ x: (1920 - DEFAULT_WINDOW_SIZE.width) / 2, y: (1080 - DEFAULT_WINDOW_SIZE.height) / 2, ...DEFAULT_WINDOW_SIZE });
  });

  it('reopens_where_it_was_left_on_any_screen', () => {
    expect(placeWindow({ x: 2000, y: 50, width: 1000, height: 700, maximized: false, fullScreen: false }, [screen, second])).toEqual({ x: 2000, y: 50, width: 1000, height: 700 });
  });

  it('comes_back_to_the_first_screen_when_its_screen_is_gone', () => {
    const placed = placeWindow({ x: 2000, y: 50, width: 1000, height: 700, maximized: false, fullScreen: false }, [screen]);
    expect(placed).toEqual({ x: 460, y: 190, width: 1000, height: 700 });
  });

  it('never_exceeds_the_screen_nor_goes_below_the_minimum', () => {
    expect(placeWindow({ width: 5000, height: 5000, maximized: false, fullScreen: false }, [screen])).toMatchObject({ width: 1920, height: 1080 });
    expect(placeWindow({ x: 0, y: 0, width: 100, height: 100, maximized: false, fullScreen: false }, [screen])).toMatchObject({ width: MIN_WINDOW_SIZE.width, height: MIN_WINDOW_SIZE.height });
  });
});
