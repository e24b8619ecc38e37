/**
 * Atomic file replacement: a reader of `path` sees either the old file or the complete new one,
 * never a partial write, even if the process is killed or the machine loses power mid-save.
 *
 * How: write to a uniquely named temporary file in the same folder (rename is only atomic
 * within one file system), fsync it (so the data is on disk before the name points at it),
 * rename it over the target, then fsync the folder (so the rename itself is durable). On any
 * failure the temporary file is removed and the error rethrown; the target is untouched.
 * A SIGKILL can still leave a `.<name>.<pid>.<random>.tmp` file behind: it is never read as the
 * target, and a later save uses a fresh name.
 */
import { chmodSync, closeSync, fsyncSync, openSync, realpathSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { basename, dirname, join, resolve } from 'node:path';

/** Bytes per write call: writeSync cannot take more than 2 GiB at once. */
const WRITE_CHUNK = 64 * 1024 * 1024;

/** The temporary name used for `path`: hidden, same folder, unique per process and call. */
export function tempPathFor(path: string): string {
  const abs = resolve(path);
  // Keep the name under the usual 255-byte limit even for a long target name.
  const base = basename(abs).slice(0, 100);
  return join(dirname(abs), `.${base}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
}

/** The file a save should replace: through symlinks to the real file, if there is one. */
function existingTarget(path: string): { target: string; mode: number | null } {
  const abs = resolve(path);
  try {
    const real = realpathSync(abs);
    return { target: real, mode: statSync(real).mode & 0o7777 };
  } catch {
    return { target: abs, mode: null };
  }
}

export function atomicWriteFile(path: string, data: Uint8Array): void {
  // Replacing a symlink's target (not the link) and keeping the old file's permissions is
  // what an in-place save would have done.
  const { target, mode } = existingTarget(path);
  const tmp = tempPathFor(target);
  // 'wx': never follow or reuse an existing file at the temporary name.
  const fd = openSync(tmp, 'wx', 0o666);
  let fdOpen = true;
  try {
    if (mode !== null) chmodSync(tmp, mode);
    for (let off = 0; off < data.byteLength; ) {
      off += writeSync(fd, data, off, Math.min(WRITE_CHUNK, data.byteLength - off));
    }
    fsyncSync(fd);
    closeSync(fd);
    fdOpen = false;
    renameSync(tmp, target);
  } catch (err) {
    if (fdOpen) ignoreErrors(() => closeSync(fd));
    ignoreErrors(() => unlinkSync(tmp));
    throw err;
  }
  fsyncDirectory(dirname(target));
}

/** Make a rename durable. Best effort: some platforms cannot open or fsync a folder. */
function fsyncDirectory(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    // Not fatal: the file itself is complete and renamed; only durability across a power
    // cut is weaker on such platforms.
  } finally {
    if (fd !== undefined) ignoreErrors(() => closeSync(fd!));
  }
}

function ignoreErrors(f: () => void): void {
  try {
    f();
  } catch {
    // Cleanup after a failure must not hide the original error.
  }
}
