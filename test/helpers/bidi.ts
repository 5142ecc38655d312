/**
 * A minimal WebDriver BiDi client, enough to drive Debian's stock Firefox
 * (`firefox-esr`) through the explorer's end-to-end flows. playwright-core
 * drives only its own patched Firefox, and puppeteer-core would bring 80
 * packages (proxy agents, yargs, a tar and a zip reader) for the same few
 * commands; stock Firefox speaks BiDi over a WebSocket, so this file does.
 *
 * The WebSocket is RFC 6455's client side over `node:http`'s upgrade (Node
 * 20 has no WebSocket client): masked text frames out, unmasked frames in
 * (text, continuation, ping answered with pong, close). On top of it,
 * commands are `{id, method, params}` answered by `{type: 'success' | 'error',
 * id}`; events (`log.entryAdded`: the page's console errors and uncaught
 * exceptions) are collected per browsing context.
 *
 * Firefox runs headless on a fresh profile in a temporary directory, with a
 * proxy on a closed port so that nothing but 127.0.0.1 and file:// is
 * reachable (the remote agent's recommended preferences already turn off
 * updates and telemetry).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import type { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Debian's Firefox ESR. */
export const FIREFOX = '/usr/bin/firefox-esr';

/** The client side of a WebSocket: text messages in and out. */
class WebSocketClient {
  private buf: Buffer = Buffer.alloc(0);
  private fragments: Buffer[] = [];
  private closed = false;

  private constructor(
    private readonly socket: Socket,
    private readonly onMessage: (text: string) => void,
    head: Buffer,
  ) {
    socket.on('data', (d: Buffer) => this.receive(d));
    socket.on('close', () => (this.closed = true));
    socket.on('error', () => (this.closed = true));
    if (head.length) this.receive(head);
  }

  static connect(url: string, onMessage: (text: string) => void): Promise<WebSocketClient> {
    const u = new URL(url);
    return new Promise((resolve, reject) => {
      const req = request({
        host: u.hostname,
        port: u.port,
        path: u.pathname,
        headers: {
          Connection: 'Upgrade',
          Upgrade: 'websocket',
          'Sec-WebSocket-Version': '13',
          'Sec-WebSocket-Key': randomBytes(16).toString('base64'),
        },
      });
      req.on('upgrade', (_res, socket: Socket, head: Buffer) => {
        socket.setNoDelay(true);
        resolve(new WebSocketClient(socket, onMessage, head));
      });
      req.on('response', (res) => reject(new Error(`${url}: HTTP ${res.statusCode}, no WebSocket`)));
      req.on('error', reject);
      req.end();
    });
  }

  send(text: string): void {
    if (this.closed) throw new Error('WebSocket closed');
    this.frame(0x1, Buffer.from(text));
  }

  close(): void {
    if (!this.closed) this.socket.end();
    this.closed = true;
  }

  private frame(opcode: number, payload: Buffer): void {
    const n = payload.length;
    const head = Buffer.alloc(n < 126 ? 2 : n < 65536 ? 4 : 10);
    head[0] = 0x80 | opcode;
    if (n < 126) head[1] = 0x80 | n;
    else if (n < 65536) {
      head[1] = 0x80 | 126;
      head.writeUInt16BE(n, 2);
    } else {
      head[1] = 0x80 | 127;
      head.writeBigUInt64BE(BigInt(n), 2);
    }
    const mask = randomBytes(4);
    const body = Buffer.alloc(n);
    for (let i = 0; i < n; i++) body[i] = payload[i]! ^ mask[i & 3]!;
    this.socket.write(Buffer.concat([head, mask, body]));
  }

  private receive(chunk: Buffer): void {
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
    for (;;) {
      const b = this.buf;
      if (b.length < 2) return;
      let len = b[1]! & 0x7f;
      let pos = 2;
      if (len === 126) {
        if (b.length < 4) return;
        len = b.readUInt16BE(2);
        pos = 4;
      } else if (len === 127) {
        if (b.length < 10) return;
        len = Number(b.readBigUInt64BE(2));
        pos = 10;
      }
      const masked = (b[1]! & 0x80) !== 0;
      const maskAt = pos;
      if (masked) pos += 4;
      if (b.length < pos + len) return;
      const payload = Buffer.from(b.subarray(pos, pos + len));
      if (masked) for (let i = 0; i < len; i++) payload[i]! ^= b[maskAt + (i & 3)]!;
      this.buf = b.subarray(pos + len);
      const fin = (b[0]! & 0x80) !== 0;
      const opcode = b[0]! & 0x0f;
      if (opcode === 0x8) {
        this.close();
        return;
      }
      if (opcode === 0x9) this.frame(0xa, payload);
      if (opcode === 0x0 || opcode === 0x1 || opcode === 0x2) {
        this.fragments.push(payload);
        if (fin) {
          const text = Buffer.concat(this.fragments).toString('utf8');
          this.fragments = [];
          this.onMessage(text);
        }
      }
    }
  }
}

interface Pending {
  resolve: (v: Record<string, unknown>) => void;
  reject: (e: Error) => void;
  method: string;
}

/** A BiDi remote value, as far as these tests read one. */
interface RemoteValue {
  type: string;
  value?: unknown;
  sharedId?: string;
}

type EvalResult = { type: 'success'; result: RemoteValue } | { type: 'exception'; exceptionDetails: { text: string } };

/** A headless Firefox driven over WebDriver BiDi. */
export class Firefox {
  private nextId = 0;
  private readonly pending = new Map<number, Pending>();
  /** Console errors and uncaught exceptions, per browsing context. */
  readonly errors = new Map<string, string[]>();
  private ws: WebSocketClient | null = null;

  private constructor(
    private readonly proc: ChildProcess,
    private readonly profile: string,
  ) {}

  /** Starts `executable` headless on a fresh profile and opens a BiDi session. */
  static async launch(executable: string = FIREFOX): Promise<Firefox> {
    const profile = mkdtempSync(join(tmpdir(), 'btfkit-firefox-'));
    const prefs: Record<string, string | number | boolean> = {
      // Nothing leaves the machine: every proxied request goes to a closed port (127.0.0.1 is never proxied).
      'network.proxy.type': 1,
      'network.proxy.http': '127.0.0.1',
      'network.proxy.http_port': 9,
      'network.proxy.ssl': '127.0.0.1',
      'network.proxy.ssl_port': 9,
      'browser.safebrowsing.update.enabled': false,
      'services.settings.server': 'http://127.0.0.1:9/',
      'datareporting.policy.dataSubmissionEnabled': false,
    };
    writeFileSync(
      join(profile, 'user.js'),
      Object.entries(prefs)
        .map(([k, v]) => `user_pref(${JSON.stringify(k)}, ${JSON.stringify(v)});\n`)
        .join(''),
    );
    const proc = spawn(
      executable,
      ['--headless', '--no-remote', '--profile', profile, '--remote-debugging-port=0', 'about:blank'],
      { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, MOZ_CRASHREPORTER_DISABLE: '1' } },
    );
    const ff = new Firefox(proc, profile);
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let err = '';
        const timer = setTimeout(() => reject(new Error(`firefox: no BiDi address after 30 s: ${err}`)), 30_000);
        proc.stderr!.on('data', (d: Buffer) => {
          err += d.toString();
          const m = /WebDriver BiDi listening on (ws:\/\/\S+)/.exec(err);
          if (m) {
            clearTimeout(timer);
            resolve(m[1]!);
          }
        });
        proc.on('exit', (code) => {
          clearTimeout(timer);
          reject(new Error(`firefox exited ${code}: ${err}`));
        });
      });
      ff.ws = await WebSocketClient.connect(`${url}/session`, (t) => ff.receive(t));
      await ff.command('session.new', { capabilities: {} });
      await ff.command('session.subscribe', { events: ['log.entryAdded'] });
    } catch (e) {
      await ff.close();
      throw e;
    }
    return ff;
  }

  /** Sends a BiDi command and resolves to its result. */
  command(method: string, params: Record<string, unknown>): Promise<Record<string, unknown>> {
    const id = ++this.nextId;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject, method });
      this.ws!.send(JSON.stringify({ id, method, params }));
    });
  }

  private receive(text: string): void {
    const msg = JSON.parse(text) as {
      type: string;
      id?: number;
      result?: Record<string, unknown>;
      error?: string;
      message?: string;
      method?: string;
      params?: { level?: string; text?: string; source?: { context?: string } };
    };
    if (msg.type === 'event') {
      const p = msg.params;
      if (msg.method === 'log.entryAdded' && p?.level === 'error' && p.source?.context) {
        const list = this.errors.get(p.source.context) ?? [];
        list.push(p.text ?? '');
        this.errors.set(p.source.context, list);
      }
      return;
    }
    const pending = msg.id !== undefined ? this.pending.get(msg.id) : undefined;
    if (!pending) return;
    this.pending.delete(msg.id!);
    if (msg.type === 'success') pending.resolve(msg.result ?? {});
    else pending.reject(new Error(`${pending.method}: ${msg.error}: ${msg.message}`));
  }

  /** Opens a new tab of `width` x `height`. */
  async newPage(width = 1280, height = 800): Promise<FirefoxPage> {
    const { context } = (await this.command('browsingContext.create', { type: 'tab' })) as { context: string };
    await this.command('browsingContext.setViewport', { context, viewport: { width, height } });
    return new FirefoxPage(this, context);
  }

  /** Ends the session and the browser, and removes the profile. */
  async close(): Promise<void> {
    if (this.ws) {
      await Promise.race([
        this.command('browser.close', {}).catch(() => undefined),
        new Promise((r) => setTimeout(r, 5000)),
      ]);
      this.ws.close();
    }
    if (this.proc.exitCode === null) {
      const exited = new Promise((r) => this.proc.once('exit', r));
      const timer = setTimeout(() => this.proc.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    }
    for (const p of this.pending.values()) p.reject(new Error('firefox closed'));
    this.pending.clear();
    rmSync(this.profile, { recursive: true, force: true });
  }
}

/** One tab: navigation, functions run in the page, files for an `<input type=file>`, screenshots. */
export class FirefoxPage {
  constructor(
    private readonly ff: Firefox,
    readonly context: string,
  ) {}

  /** The page's console errors and uncaught exceptions so far. */
  get errors(): string[] {
    return this.ff.errors.get(this.context) ?? [];
  }

  async goto(url: string): Promise<void> {
    await this.ff.command('browsingContext.navigate', { context: this.context, url, wait: 'complete' });
  }

  async reload(): Promise<void> {
    await this.ff.command('browsingContext.reload', { context: this.context, wait: 'complete' });
  }

  /**
   * Runs `fn(arg)` in the page (awaiting a promise it returns) and resolves to
   * its value through JSON. `fn` must not close over anything of the test.
   */
  async evaluate<A, R>(fn: (arg: A) => R | Promise<R>, arg?: A): Promise<R> {
    const declaration = `async function (a) { const v = await (${fn.toString()})(JSON.parse(a)); return JSON.stringify(v === undefined ? null : v); }`;
    const r = (await this.ff.command('script.callFunction', {
      functionDeclaration: declaration,
      arguments: [{ type: 'string', value: JSON.stringify(arg ?? null) }],
      target: { context: this.context },
      awaitPromise: true,
    })) as unknown as EvalResult;
    if (r.type === 'exception') throw new Error(`in the page: ${r.exceptionDetails.text}`);
    return JSON.parse(String(r.result.value)) as R;
  }

  /** Resolves when `fn(arg)` returns something truthy in the page (polled); rejects after `timeoutMs`. */
  async waitFor<A>(fn: (arg: A) => unknown, arg?: A, timeoutMs = 30_000): Promise<void> {
    const end = performance.now() + timeoutMs;
    for (;;) {
      if (await this.evaluate(fn, arg)) return;
      if (performance.now() > end) throw new Error(`timed out waiting for ${fn.toString()} (${JSON.stringify(arg)})`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  /** Sets the files of the `<input type=file>` `selector` names (as a user's pick does: a change event follows). */
  async setFiles(selector: string, paths: string[]): Promise<void> {
    const r = (await this.ff.command('script.evaluate', {
      expression: `document.querySelector(${JSON.stringify(selector)})`,
      target: { context: this.context },
      awaitPromise: false,
    })) as unknown as EvalResult;
    if (r.type !== 'success' || r.result.type !== 'node') throw new Error(`${selector}: no such element`);
    await this.ff.command('input.setFiles', {
      context: this.context,
      element: { sharedId: r.result.sharedId },
      files: paths,
    });
  }

  /** Writes a PNG of the viewport to `path`. */
  async screenshot(path: string): Promise<void> {
    const { data } = (await this.ff.command('browsingContext.captureScreenshot', { context: this.context })) as {
      data: string;
    };
    writeFileSync(path, Buffer.from(data, 'base64'));
  }

  async close(): Promise<void> {
    await this.ff.command('browsingContext.close', { context: this.context });
  }
}
