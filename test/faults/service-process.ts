import { ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, readFileSync, WriteStream } from 'node:fs';
import { join } from 'node:path';
import { ScratchDir } from './scratch-dir';

const ROOT = join(__dirname, '..', '..');
const DIST = join(ROOT, 'dist');

export type ServiceName = 'api' | 'engine' | 'email' | 'webpush';

/**
 * One Beckon service as its own OS process, run from the build (`dist/`) as `npm start` runs it,
 * so a restart costs what it costs in production and not a TypeScript compile. Its output goes to
 * `<scratch>/<name>.log`, kept across restarts, and is shown when the suite fails.
 */
export class ServiceProcess {
  private child: ChildProcess | undefined;
  private readonly log: WriteStream;
  private readonly logPath: string;
  readonly port: number;

  constructor(
    readonly name: ServiceName,
    private readonly env: Record<string, string>,
    private readonly scratch: ScratchDir,
    port: number,
  ) {
    this.port = port;
    this.logPath = join(scratch.path, `${name}.log`);
    this.log = createWriteStream(this.logPath, { flags: 'a' });
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Starts the process; the time it was started at, from which "serving again" is measured. */
  start(): number {
    const portVariable = this.name === 'api' ? 'PORT' : 'SERVICE_PORT';
    const main = join(DIST, 'apps', this.name, 'src', 'main.js');
    this.log.write(`----- ${new Date().toISOString()} start\n`);
    const child = spawn(process.execPath, ['-r', 'tsconfig-paths/register', main], {
      cwd: ROOT,
      env: { ...process.env, ...this.env, [portVariable]: String(this.port), TS_NODE_BASEURL: DIST },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.pipe(this.log, { end: false });
    child.stderr!.pipe(this.log, { end: false });
    this.scratch.own(child.pid!);
    this.child = child;
    return Date.now();
  }

  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Sends the signal and waits for the process to be gone. */
  async stop(signal: NodeJS.Signals): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    this.log.write(`----- ${new Date().toISOString()} ${signal}\n`);
    child.kill(signal);
    await exited;
  }

  async healthy(): Promise<boolean> {
    if (!this.running) throw new Error(`${this.name} exited:\n${this.tail()}`);
    const response = await fetch(`${this.url}/health`).catch(() => undefined);
    return response?.status === 200;
  }

  /** What /health answers now, for the failure message. */
  async healthBody(): Promise<string> {
    const response = await fetch(`${this.url}/health`).catch((error: Error) => error);
    return response instanceof Error ? response.message : `${response.status} ${await response.text()}`;
  }

  tail(lines = 40): string {
    try {
      return readFileSync(this.logPath, 'utf8').split('\n').slice(-lines).join('\n');
    } catch {
      return '';
    }
  }

  close(): void {
    this.log.end();
  }
}
