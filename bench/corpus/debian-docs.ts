/**
 * Real course-like PDFs for the benchmarks: manuals shipped by Debian documentation packages,
 * fetched at run time with `apt-get download` + `dpkg -x` and cached under bench/.cache/ (ignored by
 * git; never committed). Shared by bench/grounding and bench/ingest.
 *
 * Versions are not pinned: `apt-get download` takes whatever the configured Debian release offers.
 * What the questions depend on is checked instead: the file's sha256 (the version the questions were
 * written against) or, when a point release changed the file, its page count — and bench/grounding
 * also checks every expected snippet on its expected page, so a changed manual fails loudly rather
 * than scoring against stale answers.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { gunzipSync } from 'node:zlib';
import { pdfPageCount } from './pdf-pages.js';

const run = promisify(execFile);

export interface DebianPdf {
  /** Short id used in question files and reports. */
  id: string;
  /** The file name the class shows (and citations name). */
  fileName: string;
  title: string;
  /** Debian package that ships it. */
  debianPackage: string;
  /** Path inside the package (a `.gz` is unpacked); found by base name if a release moved it. */
  pathInPackage: string;
  pages: number;
  /** sha256 of the (unpacked) PDF the questions were written against. */
  sha256: string;
}

/**
 * Never to be downloaded or used here: kept aside for an independent evaluation, so tuning against
 * them would hide the truth.
 */
export const FORBIDDEN = ['libtasn1.pdf', 'shared-mime-info-spec.pdf', 'r-doc-pdf'] as const;

export const DEBIAN_PDFS: readonly DebianPdf[] = [
  {
    id: 'pari',
    fileName: 'pari-tutorial.pdf',
    title: 'A Tutorial for PARI/GP (2.15)',
    debianPackage: 'pari-doc',
    pathInPackage: 'usr/share/pari/doc/tutorial.pdf',
    pages: 60,
    sha256: '39adef47fe7c5c5b2137dd2a6f0d29900e740889db7bcedfb70ffe4481cb4a1b',
  },
  {
    id: 'gnustd',
    fileName: 'gnu-coding-standards.pdf',
    title: 'GNU Coding Standards (2021)',
    debianPackage: 'gnu-standards',
    pathInPackage: 'usr/share/doc/gnu-standards/standards.pdf.gz',
    pages: 90,
    sha256: '7986330133c982d8b35e14c42f847bf7d19afdc2a080ebf8db9b223c0888021f',
  },
  {
    id: 'maxima',
    fileName: 'maxima-book.pdf',
    title: 'The Maxima Book (2004)',
    debianPackage: 'maxima-doc',
    pathInPackage: 'usr/share/doc/maxima-doc/maximabook-19-Sept-2004.pdf.gz',
    pages: 155,
    sha256: '022b4e349977d8ac6493259215092644384b76209aa79f7c7ca70902eda9b6c2',
  },
  {
    id: 'asy',
    fileName: 'asymptote.pdf',
    title: 'Asymptote: the Vector Graphics Language (2.85)',
    debianPackage: 'asymptote-doc',
    pathInPackage: 'usr/share/doc/asymptote/asymptote.pdf',
    pages: 196,
    sha256: 'e17165321f74a5ec1b884cf20773cc43361df8f7fc707b071debf4ef707de051',
  },
  {
    id: 'gnuplot',
    fileName: 'gnuplot.pdf',
    title: 'gnuplot 5.4 manual',
    debianPackage: 'gnuplot-doc',
    pathInPackage: 'usr/share/doc/gnuplot/gnuplot.pdf',
    pages: 311,
    sha256: 'df68dd0613f043141512fc4436d17aaf96727d5a758d85233915ac5056a97206',
  },
];

/**
 * Manuals whose questions (bench/grounding/questions-fresh.json) were written before the product was
 * ever run on them: a check of how far figures tuned on DEBIAN_PDFS carry over to unseen manuals.
 * Scored as a separate set, in a class of their own, so the original set's figures stay comparable.
 */
export const FRESH_DEBIAN_PDFS: readonly DebianPdf[] = [
  {
    id: 'bashref',
    fileName: 'bashref.pdf',
    title: 'Bash Reference Manual (5.2)',
    debianPackage: 'bash-doc',
    pathInPackage: 'usr/share/doc/bash/bashref.pdf',
    pages: 196,
    sha256: '104971d389c0b9b7a261b0b3070a53b0d8cce6db1ffddefcc8423ddda92acd87',
  },
  {
    id: 'gmpl',
    fileName: 'gmpl.pdf',
    title: 'Modeling Language GNU MathProg (GLPK 5.0)',
    debianPackage: 'glpk-doc',
    pathInPackage: 'usr/share/doc/glpk-doc/gmpl.pdf',
    pages: 74,
    sha256: 'df54ba811d1fe3c041447b575997298d63b0a6366e39454ef2efc382f08203c2',
  },
  {
    id: 'sbcl',
    fileName: 'sbcl.pdf',
    title: 'SBCL User Manual (2.2.9)',
    debianPackage: 'sbcl-doc',
    pathInPackage: 'usr/share/doc/sbcl/sbcl.pdf.gz',
    pages: 167,
    sha256: 'e423ff5cdb7576ad408f7b3d7abf61b568c56665e0b39f800deabe486495d856',
  },
];

/**
 * Manuals of a thousand pages and more, for the large-upload benchmark (bench/ingest/large-upload.ts):
 * one student uploading one whole reference manual. Not part of the grounding question set.
 */
export const LARGE_DEBIAN_PDFS: readonly DebianPdf[] = [
  {
    id: 'octave',
    fileName: 'octave.pdf',
    title: 'GNU Octave (version 7.3.0)',
    debianPackage: 'octave-doc',
    pathInPackage: 'usr/share/doc/octave/octave.pdf',
    pages: 1158,
    sha256: 'ddd24489f87b46fbf99c15cc34aa865ae66775fb7c21927f7f2d6be9470becb8',
  },
];

export interface FetchedPdf {
  spec: DebianPdf;
  path: string;
  bytes: Uint8Array;
  /** How the file was accepted: the exact bytes, or (a newer release) the same page count. */
  verified: 'sha256' | 'page-count';
}

export const DEFAULT_CACHE_DIR = fileURLToPath(new URL('../.cache/debian-docs', import.meta.url));

/** Throws if `spec` names a file or package kept for the independent evaluation. */
export function assertAllowed(spec: Pick<DebianPdf, 'debianPackage' | 'pathInPackage' | 'fileName'>): void {
  const names = [spec.debianPackage, basename(spec.pathInPackage).replace(/\.gz$/, ''), spec.fileName];
  const hit = names.find((n) => (FORBIDDEN as readonly string[]).includes(n));
  if (hit) throw new Error(`${hit} is reserved for an independent evaluation and must not be used here`);
}

/**
 * The PDFs, downloaded and unpacked on first use (needs Debian's apt; runs `apt-get update` once if
 * apt knows no candidate for a package), from the cache afterwards.
 */
export async function fetchDebianPdfs(
  options: { specs?: readonly DebianPdf[]; cacheDir?: string; log?: (line: string) => void } = {},
): Promise<FetchedPdf[]> {
  const specs = options.specs ?? DEBIAN_PDFS;
  const cacheDir = options.cacheDir ?? DEFAULT_CACHE_DIR;
  const log = options.log ?? ((line: string) => console.error(line));
  const pdfDir = join(cacheDir, 'pdfs');
  mkdirSync(pdfDir, { recursive: true });
  let aptUpdated = false;
  const fetched: FetchedPdf[] = [];
  for (const spec of specs) {
    assertAllowed(spec);
    const path = join(pdfDir, spec.fileName);
    if (!existsSync(path)) {
      if (!aptUpdated && !(await aptHasCandidate(spec.debianPackage))) {
        log('apt knows no candidate: apt-get update');
        await run('apt-get', ['update', '-qq']);
        aptUpdated = true;
      }
      log(`downloading ${spec.debianPackage} for ${spec.fileName}`);
      writeFileSync(path, await extractFromPackage(spec, cacheDir));
    }
    const bytes = new Uint8Array(readFileSync(path));
    fetched.push({ spec, path, bytes, verified: await verify(spec, bytes, log) });
  }
  return fetched;
}

export function sha256Of(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

async function verify(spec: DebianPdf, bytes: Uint8Array, log: (line: string) => void) {
  if (sha256Of(bytes) === spec.sha256) return 'sha256' as const;
  const pages = await pdfPageCount(bytes);
  if (pages !== spec.pages) {
    throw new Error(
      `${spec.fileName} from ${spec.debianPackage} changed (${pages} pages, expected ${spec.pages}): ` +
        'its questions no longer apply; update the spec and the questions',
    );
  }
  log(`${spec.fileName}: different bytes than expected, same ${pages} pages (a newer Debian release?)`);
  return 'page-count' as const;
}

async function aptHasCandidate(pkg: string): Promise<boolean> {
  const { stdout } = await run('apt-cache', ['policy', pkg]).catch(() => ({ stdout: '' }));
  return /Candidate: (?!\(none\))\S+/.test(stdout);
}

async function extractFromPackage(spec: DebianPdf, cacheDir: string): Promise<Buffer> {
  const debDir = join(cacheDir, 'debs');
  const unpackDir = join(cacheDir, 'unpacked', spec.debianPackage);
  mkdirSync(debDir, { recursive: true });
  mkdirSync(unpackDir, { recursive: true });
  await run('apt-get', ['download', '-qq', spec.debianPackage], { cwd: debDir });
  const deb = readdirSync(debDir)
    .filter((f) => f.startsWith(`${spec.debianPackage}_`) && f.endsWith('.deb'))
    .map((f) => join(debDir, f))
    .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs)[0];
  if (!deb) throw new Error(`apt-get download ${spec.debianPackage} left no .deb in ${debDir}`);
  await run('dpkg', ['-x', deb, unpackDir]);
  const file = locate(unpackDir, spec.pathInPackage);
  const raw = readFileSync(file);
  return file.endsWith('.gz') ? gunzipSync(raw) : raw;
}

/** The file at `path` in the unpacked package, or the one file of that base name anywhere in it. */
function locate(root: string, path: string): string {
  const exact = join(root, path);
  if (existsSync(exact) && statSync(exact).size > 0) return exact;
  const wanted = new Set([basename(path), basename(path).replace(/\.gz$/, '')]);
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile() && wanted.has(entry.name) && statSync(full).size > 0) found.push(full);
    }
  };
  walk(root);
  if (found.length !== 1)
    throw new Error(`${path} not found (once) in the unpacked package: ${found.join(', ')}`);
  return found[0]!;
}
