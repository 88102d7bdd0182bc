/**
 * The glob subset the run-time asset list uses for `files` (`*`, `?`, `**`), as a matcher of
 * `/`-separated paths relative to the asset's folder.
 */
export function globMatcher(glob: string): (path: string) => boolean {
  let source = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*' && glob[i + 1] === '*') {
      // `**/` matches any number of folders, a trailing `**` anything at all.
      source += glob[i + 2] === '/' ? '(?:.*/)?' : '.*';
      i += glob[i + 2] === '/' ? 2 : 1;
    } else if (c === '*') source += '[^/]*';
    else if (c === '?') source += '[^/]';
    else source += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  const pattern = new RegExp(`^${source}$`);
  return (path) => pattern.test(path);
}
