// Responsible for what a well-formed currency code and wallet id are, wherever they come in.

export const MAX_WALLET_ID_LENGTH = 64;
const CURRENCY_CODE = /^[A-Z0-9]{3,5}$/;

/** ISO 4217 for fiat, the provider's ticker for crypto: 3 to 5 uppercase letters or digits. */
export function isCurrencyCode(value: string): boolean {
  return CURRENCY_CODE.test(value);
}

// Printable: no control, format, surrogate, private-use or unassigned code point (Unicode category C).
const PRINTABLE = /^\P{C}+$/u;

export function isWalletId(value: string): boolean {
  return value.length > 0 && value.length <= MAX_WALLET_ID_LENGTH && PRINTABLE.test(value);
}
