#!/usr/bin/env node
/* A local SMTP mailbox for development: accepts every message and saves it as .eml so the quick start can show what Beckon sent. */
const { SMTPServer } = require('smtp-server');
const fs = require('node:fs');
const path = require('node:path');

const port = Number(process.env.DEV_MAILBOX_PORT ?? 1025);
const dir = process.env.DEV_MAILBOX_DIR ?? path.join(__dirname, '..', '.beckon', 'mailbox');
fs.mkdirSync(dir, { recursive: true });

const server = new SMTPServer({
  authOptional: true,
  disabledCommands: ['AUTH', 'STARTTLS'],
  logger: false,
  onData(stream, session, callback) {
    const chunks = [];
    stream.on('data', (chunk) => chunks.push(chunk));
    stream.on('end', () => {
      const raw = Buffer.concat(chunks);
      const file = path.join(dir, `${new Date().toISOString().replace(/[:.]/g, '-')}-${session.id}.eml`);
      fs.writeFileSync(file, raw);
      const subject = /^Subject: (.*)$/im.exec(raw.toString('utf8'))?.[1] ?? '';
      const to = session.envelope.rcptTo.map((r) => r.address).join(', ');
      console.log(`[mailbox] to=${to} subject="${subject}" saved ${file}`);
      callback();
    });
  },
});
server.listen(port, '127.0.0.1', () => console.log(`[mailbox] smtp://127.0.0.1:${port} → ${dir}`));
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => server.close(() => process.exit(0)));
