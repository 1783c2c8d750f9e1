// What a dynamically linked ELF executable needs to start: its interpreter (PT_INTERP) and its
// DT_NEEDED libraries, followed through the libraries themselves. The image build checks that the
// base holds every one of them, so a base that misses a library fails the build, not the first run.
// Reads 64-bit little-endian ELF only (x86-64 and arm64 Linux), from the file's own headers.

const PT_LOAD = 1;
const PT_DYNAMIC = 2;
const PT_INTERP = 3;
const DT_NEEDED = 1n;
const DT_STRTAB = 5n;

export interface ElfLinking { interpreter: string | undefined; needed: string[] }

function cString(buf: Buffer, at: number): string {
  const end = buf.indexOf(0, at);
  if (at < 0 || at >= buf.length || end < 0) throw new Error('ELF string outside the file');
  return buf.subarray(at, end).toString('latin1');
}

/** The interpreter and DT_NEEDED names of an ELF file, or undefined when it is not ELF at all. */
export function elfLinking(file: Buffer): ElfLinking | undefined {
  if (file.length < 64 || file.readUInt32BE(0) !== 0x7f454c46) return undefined;
  if (file[4] !== 2 || file[5] !== 1) throw new Error('only 64-bit little-endian ELF files are read');
  const phoff = Number(file.readBigUInt64LE(0x20));
  const phentsize = file.readUInt16LE(0x36);
  const phnum = file.readUInt16LE(0x38);
  const headers = Array.from({ length: phnum }, (_, i) => {
    const at = phoff + i * phentsize;
    return {
      type: file.readUInt32LE(at),
      offset: Number(file.readBigUInt64LE(at + 8)),
      vaddr: file.readBigUInt64LE(at + 16),
      filesz: file.readBigUInt64LE(at + 32),
    };
  });
  const interp = headers.find((h) => h.type === PT_INTERP);
  const dynamic = headers.find((h) => h.type === PT_DYNAMIC);
  const needed: bigint[] = [];
  let strtab: bigint | undefined;
  if (dynamic) {
    for (let at = dynamic.offset; at + 16 <= dynamic.offset + Number(dynamic.filesz); at += 16) {
      const tag = file.readBigInt64LE(at);
      const value = file.readBigUInt64LE(at + 8);
      if (tag === 0n) break;
      if (tag === DT_NEEDED) needed.push(value);
      if (tag === DT_STRTAB) strtab = value;
    }
  }
  let names: string[] = [];
  if (needed.length > 0) {
    if (strtab === undefined) throw new Error('ELF file has DT_NEEDED entries but no string table');
    const at = strtab;
    const load = headers.find((h) => h.type === PT_LOAD && h.vaddr <= at && at < h.vaddr + h.filesz);
    if (!load) throw new Error('ELF string table is not in a loaded segment');
    const base = Number(at - load.vaddr) + load.offset;
    names = needed.map((n) => cString(file, base + Number(n)));
  }
  return { interpreter: interp ? cString(file, interp.offset) : undefined, needed: names };
}

export interface FileTree {
  /** the bytes of a regular file at this path (no leading slash), following symlinks; undefined when absent */
  read(path: string): Buffer | undefined;
}

/**
 * Everything the executable needs that the tree lacks: the interpreter and each library
 * (searched in libDirs, as the loader's default path does), through every library found.
 */
export function missingForElf(executable: Buffer, tree: FileTree, libDirs: readonly string[]): string[] {
  const top = elfLinking(executable);
  if (!top) return ['the executable is not an ELF file'];
  const missing: string[] = [];
  if (top.interpreter && !tree.read(top.interpreter.replace(/^\/+/, ''))) missing.push(top.interpreter);
  const seen = new Set<string>();
  const queue = [...top.needed];
  while (queue.length > 0) {
    const name = queue.shift()!;
    if (seen.has(name)) continue;
    seen.add(name);
    const found = libDirs.map((d) => tree.read(`${d}/${name}`)).find((b) => b !== undefined);
    if (!found) {
      missing.push(name);
      continue;
    }
    queue.push(...(elfLinking(found)?.needed ?? []));
  }
  return missing;
}
