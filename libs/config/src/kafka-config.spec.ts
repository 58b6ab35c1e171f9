import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..', '..');
const read = (...path: string[]): string => readFileSync(join(ROOT, ...path), 'utf8');
const PINNED = read('config', 'kafka', 'version').trim();

describe('the Kafka version pinned in config/kafka/version', () => {
  it('is a release number', () => {
    expect(PINNED).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('is the image docker-compose.yml runs (compose cannot read the file, so this test holds them equal)', () => {
    expect([...read('docker-compose.yml').matchAll(/image: apache\/kafka:(\S+)/g)].map((m) => m[1])).toEqual([PINNED]);
  });

  it('is the only Kafka version: infra/kafka/pom.xml takes it from scripts/kafka.sh', () => {
    const pom = read('infra', 'kafka', 'pom.xml');
    expect(pom).not.toContain('<kafka.version>');
    expect(pom).toContain('<version>${kafka.version}</version>');
    expect(read('scripts', 'kafka.sh')).toContain('-Dkafka.version="$KAFKA_VERSION"');
  });
});

describe('scripts/kafka.sh config', () => {
  let scratch: string;
  beforeEach(() => {
    scratch = mkdtempSync(join(tmpdir(), 'beckon-kafka-config-'));
  });
  afterEach(() => rmSync(scratch, { recursive: true, force: true }));

  function renderConfig(env: Record<string, string>): void {
    execFileSync('bash', [join(ROOT, 'scripts', 'kafka.sh'), 'config'], {
      env: { PATH: process.env.PATH, HOME: scratch, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  }

  it('renders config/kafka/server.properties for its ports and home', () => {
    const home = join(scratch, 'home');
    renderConfig({ BECKON_KAFKA_HOME: home, KAFKA_PORT: '19192', KAFKA_CONTROLLER_PORT: '19193' });
    const rendered = readFileSync(join(home, 'config', 'server.properties'), 'utf8');
    expect(rendered).toContain('\nlisteners=PLAINTEXT://127.0.0.1:19192,CONTROLLER://127.0.0.1:19193\n');
    expect(rendered).toContain('\nadvertised.listeners=PLAINTEXT://127.0.0.1:19192\n');
    expect(rendered).toContain('\ncontroller.quorum.voters=1@127.0.0.1:19193\n');
    expect(rendered).toContain(`\nlog.dirs=${home}/data/kraft-combined-logs\n`);
    expect(rendered).not.toMatch(/\$\{/);
    // Everything but the placeholders is the template's, line for line.
    const template = read('config', 'kafka', 'server.properties').split('\n');
    const lines = rendered.split('\n').slice(1);
    expect(lines.filter((line, i) => line !== template[i])).toHaveLength(4);
  });

  it('copies config/kafka/log4j.properties, leaving log4j its own ${kafka.logs.dir}', () => {
    const home = join(scratch, 'home');
    renderConfig({ BECKON_KAFKA_HOME: home });
    const rendered = readFileSync(join(home, 'config', 'log4j.properties'), 'utf8');
    expect(rendered.split('\n').slice(1).join('\n')).toBe(read('config', 'kafka', 'log4j.properties'));
    expect(rendered).toContain('log4j.appender.kafkaAppender.File=${kafka.logs.dir}/server.log');
  });

  it('keeps its home under the pinned version and listens on 9092/9093 by default', () => {
    renderConfig({});
    const home = join(scratch, '.cache', 'beckon', `kafka-${PINNED}`);
    const rendered = readFileSync(join(home, 'config', 'server.properties'), 'utf8');
    expect(rendered).toContain('\nlisteners=PLAINTEXT://127.0.0.1:9092,CONTROLLER://127.0.0.1:9093\n');
  });
});
