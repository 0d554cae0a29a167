// Responsible for exact money: the project's one Decimal constructor and a decimal that keeps its scale.
import { Decimal as DecimalJs } from "decimal.js";

/**
 * decimal.js configured for money: enough precision that no sum of provider amounts is ever
 * rounded, and plain notation at every magnitude (never "1e-8").
 */
export const Decimal = DecimalJs.clone({
  precision: 200,
  rounding: DecimalJs.ROUND_HALF_EVEN,
  toExpNeg: -9e15,
  toExpPos: 9e15,
});
export type Decimal = DecimalJs;

const PLAIN_DECIMAL = /^-?\d+(?:\.\d+)?$/;
/** Plain notation as toFixed writes it: no leading zeros. */
const CANONICAL_DECIMAL = /^-?(?:0|[1-9]\d*)(?:\.\d+)?$/;

/** True when `text` is a decimal written in plain notation: digits, an optional sign and point. */
export function isPlainDecimal(text: string): boolean {
  return PLAIN_DECIMAL.test(text);
}

/** Zeros by scale, made on first use: providers answer zero more than any other amount. */
const SHARED_ZEROS: (ScaledDecimal | undefined)[] = new Array<ScaledDecimal | undefined>(19);

/**
 * An exact decimal together with the number of decimals it is written with, so that "500.00"
 * and "100.0" leave the service as they arrived (decimal.js alone would print "500" and "100").
 */
export class ScaledDecimal {
  /** The plain-notation text, made once: amounts are printed on every answer that shows them. */
  private text: string | undefined;

  private constructor(
    readonly value: Decimal,
    readonly scale: number,
  ) {}

  /** Parses plain notation ("31.1683", "-0.50"); anything else throws a RangeError. */
  static parse(text: string): ScaledDecimal {
    if (!isPlainDecimal(text)) throw new RangeError(`not a decimal in plain notation: ${JSON.stringify(text)}`);
    const point = text.indexOf(".");
    const parsed = ScaledDecimal.of(new Decimal(text), point < 0 ? 0 : text.length - point - 1);
    // Text without leading zeros is already what toString prints (its scale is its own), except a negative zero.
    if (CANONICAL_DECIMAL.test(text) && !(text.startsWith("-") && parsed.value.isZero())) parsed.text = text;
    return parsed;
  }

  /**
   * A number as JSON writes it ("31.1683", "1e-8", "-0.5E+3"), read exactly from its text, never
   * through a binary float: the scale is the decimals the value needs.
   */
  static fromJsonNumberText(text: string): ScaledDecimal {
    if (!/^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/.test(text)) {
      throw new RangeError(`not a JSON number: ${JSON.stringify(text)}`);
    }
    if (!/[eE]/.test(text)) return ScaledDecimal.parse(text);
    const value = new Decimal(text);
    return ScaledDecimal.of(value, value.decimalPlaces());
  }

  /** An integer count of minor units (kopecks, cents) as a decimal with `scale` decimals. */
  static fromMinorUnits(units: string | bigint, scale: number): ScaledDecimal {
    const text = typeof units === "bigint" ? units.toString() : units;
    if (!/^-?\d+$/.test(text)) throw new RangeError(`not an integer count of minor units: ${JSON.stringify(text)}`);
    return ScaledDecimal.of(new Decimal(text).dividedBy(new Decimal(10).pow(scale)), scale);
  }

  static of(value: Decimal, scale = value.decimalPlaces()): ScaledDecimal {
    // Negative zero is zero: a balance of "-0.00" means nothing a reader should see.
    const normalised = value.isZero() ? new Decimal(0) : value;
    return new ScaledDecimal(normalised, Math.max(scale, normalised.decimalPlaces()));
  }

  /** Zero with `scale` decimals: one shared value per scale up to 18 (a ScaledDecimal is never changed once made). */
  static zero(scale = 0): ScaledDecimal {
    if (!Number.isInteger(scale) || scale < 0 || scale >= SHARED_ZEROS.length) return ScaledDecimal.of(new Decimal(0), scale);
    return (SHARED_ZEROS[scale] ??= ScaledDecimal.of(new Decimal(0), scale));
  }

  plus(other: ScaledDecimal): ScaledDecimal {
    return ScaledDecimal.of(this.value.plus(other.value), Math.max(this.scale, other.scale));
  }

  minus(other: ScaledDecimal): ScaledDecimal {
    return ScaledDecimal.of(this.value.minus(other.value), Math.max(this.scale, other.scale));
  }

  compare(other: ScaledDecimal): number {
    return this.value.comparedTo(other.value);
  }

  isNegative(): boolean {
    return this.value.isNegative() && !this.value.isZero();
  }

  isPositive(): boolean {
    return this.value.isPositive() && !this.value.isZero();
  }

  /** Plain notation with exactly `scale` decimals. */
  toString(): string {
    return (this.text ??= this.value.toFixed(this.scale));
  }

  toJSON(): string {
    return this.toString();
  }
}
