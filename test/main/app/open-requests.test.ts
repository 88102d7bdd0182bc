import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectFilesFromArgv } from '../../../src/main/app/open-requests';

describe('project files from the command line', () => {
  it('keeps_only_project_files_made_absolute', () => {
    const argv = ['/opt/CNN Studio/cnn-studio', '.', '--enable-logging', 'a.cnnstudio', '/home/u/B.CNNSTUDIO', 'notes.txt', '--flag=x.cnnstudio'];
    expect(projectFilesFromArgv(argv, '/home/u/work')).toEqual([join('/home/u/work', 'a.cnnstudio'), '/home/u/B.CNNSTUDIO']);
  });

  it('is_empty_for_a_plain_launch', () => {
    expect(projectFilesFromArgv(['/usr/bin/electron', '/repo'], '/')).toEqual([]);
  });
});
