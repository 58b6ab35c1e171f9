#!/usr/bin/env node
/*
 * `npm start`: runs the whole of Beckon on this machine. Reads .env when there is one, starts the
 * project's own Kafka when no broker answers at KAFKA_BROKERS, builds, fills development defaults for
 * what is not configured (a local mailbox, VAPID keys, secrets), starts the four services and waits
 * until each reports healthy.
 */
const { spawn, spawnSync } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const net = require('node:net');
const path = require('node:path');

const root = path.join(__dirname, '..');
// The deployment's .env (cp config/.env.example .env), as docker compose reads it; the environment wins.
const dotenv = path.join(root, '.env');
if (fs.existsSync(dotenv)) process.loadEnvFile(dotenv);
const stateDir = path.join(root, '.beckon');
fs.mkdirSync(stateDir, { recursive: true });

const SERVICES = [
  { name: 'api', port: Number(process.env.PORT ?? 3000), portVar: 'PORT' },
  { name: 'engine', port: 3001, portVar: 'SERVICE_PORT' },
  { name: 'email', port: 3002, portVar: 'SERVICE_PORT' },
  { name: 'webpush', port: 3003, portVar: 'SERVICE_PORT' },
];

function log(message) {
  console.log(`[beckon] ${message}`);
}

function answers(hostPort, timeoutMs = 1500) {
  const [host, port] = hostPort.split(':');
  return new Promise((resolve) => {
    const socket = net.connect({ host, port: Number(port) });
    const done = (ok) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** Development defaults, generated once and kept in .beckon/ so links and subscriptions survive restarts. */
function devDefaults() {
  const file = path.join(stateDir, 'dev-secrets.json');
  if (!fs.existsSync(file)) {
    const webpush = require('web-push');
    const vapid = webpush.generateVAPIDKeys();
    const secrets = {
      VAPID_PUBLIC_KEY: vapid.publicKey,
      VAPID_PRIVATE_KEY: vapid.privateKey,
      VAPID_SUBJECT: 'mailto:ops@beckon.local',
      UNSUBSCRIBE_SECRET: crypto.randomBytes(32).toString('base64url'),
      API_KEYS: `marketer:${crypto.randomBytes(12).toString('hex')},ops:${crypto.randomBytes(12).toString('hex')}`,
    };
    fs.writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  }
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

async function waitHealthy(service, deadline) {
  while (Date.now() < deadline) {
    try {
      const response = await fetch(`http://127.0.0.1:${service.port}/health`);
      if (response.ok) return true;
    } catch {
      /* not listening yet */
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  return false;
}

async function main() {
  const env = { ...process.env };
  env.KAFKA_BROKERS ??= '127.0.0.1:9092';
  const firstBroker = env.KAFKA_BROKERS.split(',')[0].trim();
  if (!(await answers(firstBroker))) {
    log(`no broker answers at ${firstBroker}: starting the project's own Kafka`);
    const kafka = spawnSync('bash', [path.join(root, 'scripts', 'kafka.sh'), 'start'], { stdio: 'inherit' });
    if (kafka.status !== 0) process.exit(kafka.status ?? 1);
  }

  const children = [];
  const defaults = devDefaults();
  for (const [key, value] of Object.entries(defaults)) env[key] ??= value;
  env.MAIL_FROM ??= 'Beckon Shop <shop@beckon.local>';
  if (env.SMTP_URL === undefined) {
    env.SMTP_URL = 'smtp://127.0.0.1:1025';
    log('SMTP_URL not set: mail goes to the local development mailbox in .beckon/mailbox/');
    children.push({
      name: 'mailbox',
      child: spawn(process.execPath, [path.join(__dirname, 'dev-mailbox.js')], { stdio: 'inherit', env }),
    });
  }

  if (process.env.BECKON_SKIP_BUILD !== '1') {
    log('building (tsc)...');
    const build = spawnSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
    if (build.status !== 0) process.exit(build.status ?? 1);
  }

  for (const service of SERVICES) {
    const main = path.join(root, 'dist', 'apps', service.name, 'src', 'main.js');
    const child = spawn(process.execPath, ['-r', 'tsconfig-paths/register', main], {
      cwd: root,
      stdio: 'inherit',
      env: { ...env, [service.portVar]: String(service.port), TS_NODE_BASEURL: path.join(root, 'dist') },
    });
    children.push({ name: service.name, child });
  }

  let stopping = false;
  const stop = (code) => {
    if (stopping) return;
    stopping = true;
    for (const { child } of children) child.kill('SIGTERM');
    setTimeout(() => process.exit(code), 5000).unref();
  };
  for (const { name, child } of children) {
    child.on('exit', (code) => {
      if (!stopping) {
        log(`${name} exited with ${code}; stopping everything`);
        stop(code ?? 1);
      }
    });
  }
  process.on('SIGINT', () => stop(0));
  process.on('SIGTERM', () => stop(0));

  const deadline = Date.now() + 120_000;
  const healthy = await Promise.all(SERVICES.map((s) => waitHealthy(s, deadline)));
  SERVICES.forEach((s, i) =>
    log(`${s.name.padEnd(8)} http://127.0.0.1:${s.port}/health ${healthy[i] ? 'ready' : 'NOT READY'}`),
  );
  if (healthy.every(Boolean)) {
    log(`ready. API http://127.0.0.1:${SERVICES[0].port}/docs — API keys: ${env.API_KEYS}`);
  } else {
    stop(1);
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
