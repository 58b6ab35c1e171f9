/**
 * Occasion and dispatch keys, each declared once as a list of typed parts. A key is built in
 * TypeScript for the steps an event schedules and in SQL for the steps a scan schedules with
 * INSERT ... SELECT; both renderings come from the same part, side by side, so a key written by a
 * scan is the one the engine looks for (test/occasion-key.e2e-spec.ts holds them against PostgreSQL).
 */

/** How one part of a key is written from a value, in SQL from a column, and read back. */
export interface KeyPart<V> {
  text(value: V): string;
  sql(expression: string): string;
  read(text: string): V | null;
}

/**
 * An id the shop chose: ':' and '%' are escaped so the parts stay apart whatever the ids hold.
 * Written by hand: encodeURIComponent escapes far more, and would change the keys already stored.
 */
export const idPart: KeyPart<string> = {
  text: (id) => id.replace(/%/g, '%25').replace(/:/g, '%3A'),
  sql: (column) => `replace(replace(${column}, '%', '%25'), ':', '%3A')`,
  read: (text) => text.replace(/%3A/g, ':').replace(/%25/g, '%'),
};

/** An id written as it is: only as a key's last part, which reads to the end of the key. */
export const rawPart: KeyPart<string> = {
  text: (id) => id,
  sql: (column) => `${column}::text`,
  read: (text) => text,
};

/** An instant as JavaScript's toISOString writes it (UTC, milliseconds); it holds ':', so it comes last. */
export const instantPart: KeyPart<Date> = {
  text: (at) => at.toISOString(),
  sql: (column) => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`,
  read: (text) => {
    const at = new Date(text);
    return Number.isNaN(at.getTime()) || at.toISOString() !== text ? null : at;
  },
};

/** A whole number such as a year or a step index. */
export const integerPart: KeyPart<number> = {
  text: (n) => String(n),
  sql: (column) => `(${column})::text`,
  read: (text) => (/^\d+$/.test(text) ? Number(text) : null),
};

// Any part type: each key's own values are recovered by ValuesOf.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Parts = Record<string, KeyPart<any>>;
type ValuesOf<P> = { [K in keyof P]: P[K] extends KeyPart<infer V> ? V : never };
type ColumnsOf<P> = { [K in keyof P]: string };

export interface KeyFormat<P extends Parts> {
  /** What every key of this format starts with ('' for none). */
  readonly prefix: string;
  of(values: ValuesOf<P>): string;
  /** The same key as a SQL expression over the given columns or expressions. */
  sql(columns: ColumnsOf<P>): string;
  /** The values back from a key, or null when it is not one of this format. */
  parse(key: string): ValuesOf<P> | null;
  /** The prefix shared by every key whose leading parts have these values ('reorder:<product>:'). */
  prefixOf(leading: Partial<ValuesOf<P>>): string;
}

const sqlString = (text: string): string => `'${text.replace(/'/g, "''")}'`;

export function keyFormat<P extends Parts>(kind: string | null, separator: string, parts: P): KeyFormat<P> {
  const names = Object.keys(parts) as Array<keyof P & string>;
  const prefix = kind === null ? '' : `${kind}${separator}`;
  const part = (name: keyof P) => parts[name] as unknown as KeyPart<unknown>;
  return {
    prefix,
    of: (values) => prefix + names.map((name) => part(name).text(values[name])).join(separator),
    sql: (columns) => {
      const joined = names.map((name) => part(name).sql(columns[name])).join(` || ${sqlString(separator)} || `);
      return prefix === '' ? joined : `${sqlString(prefix)} || ${joined}`;
    },
    parse: (key) => {
      if (!key.startsWith(prefix)) return null;
      const texts = key.slice(prefix.length).split(separator);
      const last = names.length - 1;
      if (texts.length < names.length) return null;
      // The last part reads to the end of the key: it may hold the separator (a raw id, an instant).
      const fields = [...texts.slice(0, last), texts.slice(last).join(separator)];
      const values: Record<string, unknown> = {};
      for (const [i, name] of names.entries()) {
        const value = part(name).read(fields[i]);
        if (value === null) return null;
        values[name] = value;
      }
      return values as ValuesOf<P>;
    },
    prefixOf: (leading) => {
      const texts: string[] = [];
      for (const name of names) {
        if (leading[name] === undefined) break;
        texts.push(part(name).text(leading[name]) + separator);
      }
      return prefix + texts.join('');
    },
  };
}

/** An occasion: `<kind>:<part>:<part>`, the episode a sequence is about. */
export const occasionKey = <P extends Parts>(kind: string, parts: P): KeyFormat<P> => keyFormat(kind, ':', parts);

/**
 * One dispatch per rule, customer, occasion and step: replays, redeliveries and racing instances
 * all collapse onto this key under a unique constraint.
 */
export const DISPATCH_KEY = keyFormat(null, '|', {
  ruleId: rawPart,
  customerId: rawPart,
  occasion: rawPart,
  step: integerPart,
});

export function dispatchKey(ruleId: string, customerId: string, occasion: string, step: number): string {
  return DISPATCH_KEY.of({ ruleId, customerId, occasion, step });
}
