// Responsible for a wall-clock time in a named time zone, as parts a protocol writes in its own layout.
export type ZonedParts = Record<"year" | "month" | "day" | "hour" | "minute" | "second", string>;

/** A reader of `at` in `timeZone`: two-digit parts (four for the year), 00-23 hours. */
export function zonedClock(timeZone: string): (at: Date) => ZonedParts {
  const format = new Intl.DateTimeFormat("en-GB", {
    timeZone,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
    hourCycle: "h23",
  });
  return (at) => {
    const parts = format.formatToParts(at);
    const part = (type: Intl.DateTimeFormatPartTypes): string => parts.find((candidate) => candidate.type === type)?.value ?? "00";
    return {
      year: part("year"),
      month: part("month"),
      day: part("day"),
      hour: part("hour"),
      minute: part("minute"),
      second: part("second"),
    };
  };
}
