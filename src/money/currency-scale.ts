// Responsible for how many decimals a currency can carry: ISO 4217's minor units for fiat, a crypto default for tickers.
import currencyCodes from "currency-codes";

/** Crypto tickers are not in ISO 4217; exchanges quote them to satoshi precision. */
const CRYPTO_SCALE = 8;

/** USD 2, JPY 0, BHD 3 (ISO 4217); USDT, BTC and other tickers 8. */
export function scaleOf(currency: string): number {
  const entry = currencyCodes.code(currency);
  return entry ? entry.digits : CRYPTO_SCALE;
}
