/**
 * Ids go into occasions separated by ':'; escaping ':' (and '%') keeps them apart whatever the shop
 * uses as ids. `occasionPartSql` is the same escaping for scans that build occasions in SQL.
 */
export const occasionPart = (id: string): string => id.replace(/%/g, '%25').replace(/:/g, '%3A');
export const occasionPartSql = (column: string): string => `replace(replace(${column}, '%', '%25'), ':', '%3A')`;
export const fromOccasionPart = (part: string): string => part.replace(/%3A/g, ':').replace(/%25/g, '%');
