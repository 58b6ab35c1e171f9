import { celebrationDate, formatLocalDate, parseLocalDate } from '@beckon/rules';

/** `birthday`: the `date` celebrated (YYYY-MM-DD) and the `age` reached. */
export function birthdayTemplateData(birthday: string, year: number): Record<string, unknown> {
  return {
    date: formatLocalDate(celebrationDate(birthday, year)),
    age: year - parseLocalDate(birthday).year,
  };
}
