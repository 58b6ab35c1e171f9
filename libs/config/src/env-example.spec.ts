import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { configSchema, loadConfig } from './beckon-config';

const ROOT = join(__dirname, '..', '..', '..');

interface ExampleVariable {
  name: string;
  /** What follows `=`: the default, or nothing when there is none. */
  written: string;
  meaning: string;
}

interface ExampleSection {
  title: string;
  variables: ExampleVariable[];
}

/**
 * config/.env.example as sections (`# ===== title =====`) of variables, each a commented-out
 * `# NAME=default` line after a comment line saying what it means.
 */
function readEnvExample(): ExampleSection[] {
  const sections: ExampleSection[] = [];
  let meaning = '';
  for (const line of readFileSync(join(ROOT, 'config', '.env.example'), 'utf8').split('\n')) {
    const title = /^# =====\s*(.+?)\s*=====$/.exec(line);
    const variable = /^# ?([A-Z][A-Z0-9_]*)=(.*)$/.exec(line);
    if (title) sections.push({ title: title[1], variables: [] });
    else if (variable) {
      if (sections.length === 0) throw new Error(`${variable[1]} comes before any section`);
      sections[sections.length - 1].variables.push({ name: variable[1], written: variable[2], meaning });
      meaning = '';
    } else meaning = line.startsWith('#') ? line.replace(/^#\s*/, '') : '';
  }
  return sections;
}

const sections = readEnvExample();
const services = sections.filter((section) => section.title.startsWith('Services'));
const serviceVariables = services.flatMap((section) => section.variables);
const schemaVariables = Object.keys(configSchema.shape);
/** Defaults that depend on where the service runs (its CPU count, its terminal): written as nothing. */
const SITUATIONAL_DEFAULTS = ['PUSH_ENCRYPTION_THREADS', 'LOG_FORMAT'];

function isNothing(value: unknown): boolean {
  return value === undefined || value === '' || (Array.isArray(value) && value.length === 0);
}

describe('config/.env.example', () => {
  it('has one section of service variables', () => {
    expect(services).toHaveLength(1);
  });

  it('lists exactly the variables of the configuration schema, each once', () => {
    const listed = serviceVariables.map((variable) => variable.name);
    expect([...listed].sort()).toEqual([...schemaVariables].sort());
    expect(new Set(listed).size).toBe(listed.length);
  });

  it('says what every variable means', () => {
    const unexplained = sections.flatMap((s) => s.variables).filter((variable) => variable.meaning.length < 10);
    expect(unexplained.map((variable) => variable.name)).toEqual([]);
  });

  it.each(serviceVariables.filter((v) => v.written !== '').map((v) => [v.name, v.written]))(
    'writes the schema default of %s: %j means what leaving it unset means',
    (name, written) => {
      const key = name as keyof typeof configSchema.shape;
      expect(loadConfig({ [name]: written })[key]).toEqual(loadConfig({})[key]);
    },
  );

  it.each(serviceVariables.filter((v) => v.written === '').map((v) => [v.name]))(
    'writes no default for %s, which has none or one that depends on where it runs',
    (name) => {
      const unset = loadConfig({})[name as keyof typeof configSchema.shape];
      expect(SITUATIONAL_DEFAULTS.includes(name) ? !isNothing(unset) : isNothing(unset)).toBe(true);
    },
  );

  it('names a file that reads each of the other sections, and that file reads its variables', () => {
    for (const section of sections.filter((s) => !services.includes(s))) {
      const file = /^Read by ([\w./-]+):/.exec(section.title)?.[1];
      expect(file).toBeDefined();
      const source = readFileSync(join(ROOT, file!), 'utf8');
      for (const variable of section.variables) {
        expect({ file, variable: variable.name, read: source.includes(variable.name) }).toMatchObject({ read: true });
        expect(schemaVariables).not.toContain(variable.name);
      }
    }
  });
});
