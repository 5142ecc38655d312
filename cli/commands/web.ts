/**
 * `btfkit web [FILE...] [--port N]`: serves the BTF explorer (the page built
 * from web/ into dist/web/) on 127.0.0.1 and prints its address. The FILEs
 * are preloaded: the page fetches `files.json` and opens each file, split
 * BTF over its base (`-B`, or vmlinux for a module under /sys/kernel/btf, as
 * for every command). Only the page's own files and the FILEs are served;
 * everything else is parsed in the browser.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { BtfError, BtfErrorCode } from '../../lib/errors.js';
import { readInput } from '../../lib/io.js';
import { basePathFor, inputPath, usageError } from '../common.js';
import type { CliIo } from '../io.js';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
};

/** The built page's directory: dist/web, beside dist/bin (the bundle) or two up from dist/cli/commands. */
function pageDir(): string {
  for (const rel of ['../web/', '../../web/']) {
    const dir = fileURLToPath(new URL(rel, import.meta.url));
    if (existsSync(`${dir}index.html`)) return dir;
  }
  throw new BtfError(BtfErrorCode.Io, 'the explorer page is not built (npm run build makes dist/web)');
}

interface Served {
  name: string;
  base: string | null;
  bytes: Uint8Array;
}

export function register(program: Command, io: CliIo): void {
  program
    .command('web')
    .description('serve the BTF explorer on 127.0.0.1 (a page that parses BTF in the browser), FILEs preloaded')
    .argument('[files...]', 'raw BTF or ELF objects to open in the page')
    .option('--port <n>', 'the port (0: any free one)', '8080')
    .option('-B, --base <file>', 'base BTF for the FILEs that are split BTF')
    .action(async (args: string[], opts: { port: string; base?: string }) => {
      const port = Number(opts.port);
      if (!/^\d+$/.test(opts.port) || port > 65535) throw usageError('web', `invalid port '${opts.port}'`);
      const dir = pageDir();
      const served: Served[] = [];
      const names = new Map<string, string>(); // path -> name in the page
      const add = async (path: string, base: string | null): Promise<string> => {
        const known = names.get(path);
        if (known !== undefined) return known;
        let name = basename(path);
        for (let i = 2; served.some((s) => s.name === name); i++) name = `${basename(path)}~${i}`;
        const baseName = base !== null ? await add(base, null) : null;
        served.push({ name, base: baseName, bytes: await readInput(path) });
        names.set(path, name);
        return name;
      };
      for (const a of args) {
        const path = inputPath(a);
        await add(path, basePathFor(path, opts.base) ?? null);
      }
      const list = JSON.stringify(served.map((s, i) => ({ name: s.name, url: `files/${i}`, base: s.base })));
      const server = createServer((req, res) => {
        const url = new URL(req.url ?? '/', 'http://127.0.0.1');
        const p = url.pathname;
        const send = (code: number, type: string, body: string | Uint8Array) => {
          res.writeHead(code, {
            'content-type': type,
            'cache-control': 'no-store',
            'x-content-type-options': 'nosniff',
          });
          res.end(body);
        };
        if (req.method !== 'GET' && req.method !== 'HEAD') return send(405, 'text/plain', 'method not allowed\n');
        if (p === '/files.json') return send(200, TYPES['.json']!, list);
        const file = /^\/files\/(\d+)$/.exec(p);
        if (file) {
          const s = served[Number(file[1])];
          return s ? send(200, 'application/octet-stream', s.bytes) : send(404, 'text/plain', 'not found\n');
        }
        const page = p === '/' ? 'index.html' : p.slice(1);
        if (!/^[a-z]+\.(html|js|css)$/.test(page) || !existsSync(`${dir}${page}`))
          return send(404, 'text/plain', 'not found\n');
        send(200, TYPES[page.slice(page.lastIndexOf('.'))]!, readFileSync(`${dir}${page}`));
      });
      await new Promise<void>((resolve, reject) => {
        server.once('error', (e: NodeJS.ErrnoException) =>
          reject(new BtfError(BtfErrorCode.Io, `cannot listen on 127.0.0.1:${port}: ${e.code ?? e.message}`)),
        );
        server.listen(port, '127.0.0.1', () => resolve());
      });
      const addr = server.address();
      const real = addr && typeof addr === 'object' ? addr.port : port;
      io.out(`btfkit web: http://127.0.0.1:${real}/\n`);
      await new Promise<void>((resolve) => {
        server.on('close', resolve);
        const stop = () => server.close();
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
    });
}
