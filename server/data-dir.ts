// The dev data dir holds secrets, the embedded database and Temporal's state: private to its user.
import fs, { chmodSync, lstatSync, mkdirSync, readdirSync } from 'node:fs';
import path from 'node:path';

/**
 * Creates `dir` (0700) if needed and takes every group and other permission bit off it and off
 * everything in it, also when it existed before with looser modes. The user's own bits stay, so
 * executables (the Temporal binary, the venv) still run. Symlinks are neither followed nor changed:
 * a venv's `python` points outside the data dir.
 */
export function makePrivate(dir: string): { changed: number } {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  let changed = 0;
  const walk = (p: string) => {
    let st;
    try {
      st = lstatSync(p);
    } catch {
      return; // gone meanwhile
    }
    if (st.isSymbolicLink()) return;
    const mode = st.mode & 0o7777;
    const wanted = st.isDirectory() ? (mode & 0o700) | 0o700 : mode & 0o700;
    if (mode !== wanted) {
      chmodSync(p, wanted);
      changed++;
    }
    if (st.isDirectory()) for (const name of readdirSync(p)) walk(path.join(p, name));
  };
  walk(dir);
  return { changed };
}

/**
 * From now on this process creates nothing readable by others: umask 077 for what it opens, and
 * chmod calls stripped of group/other bits. The second matters for PGlite, whose WASM file system
 * chmods every file it creates to 0666 after opening it (it has no umask of its own).
 */
export function keepFilesPrivate(): void {
  process.umask(0o077);
  if ((fs as { __threadlinePrivate?: boolean }).__threadlinePrivate) return;
  const chmodSync = fs.chmodSync;
  const fchmodSync = fs.fchmodSync;
  const strip = (mode: fs.Mode) => (typeof mode === 'number' ? mode & ~0o077 : parseInt(mode, 8) & ~0o077);
  fs.chmodSync = (p: fs.PathLike, mode: fs.Mode) => chmodSync(p, strip(mode));
  fs.fchmodSync = (fd: number, mode: fs.Mode) => fchmodSync(fd, strip(mode));
  (fs as { __threadlinePrivate?: boolean }).__threadlinePrivate = true;
}
