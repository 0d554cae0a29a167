// Responsible for the XPAY wire format of operation 40003: request envelope and Data, answers as zod schemas, Sum as an exact amount.
import { z } from "zod";
import { minorUnitsAmount } from "../answer-amounts.js";
import { jsonInteger } from "../json-body.js";
import { NEGATIVE_SUM_ACCEPTED, PHONE_FORM, SUM_MAY_BE_DIGIT_STRING, SUM_SCALE } from "./codes.js";

/* ------------------------------------------------------------------------------------------------
 * Requests (the simulator validates with these; the client builds the same shapes)
 * ---------------------------------------------------------------------------------------------- */

/** The JSON body POSTed for every operation. `Data`, `KeyAES` and `Sign` are base64 (see envelope.ts). */
export interface RequestEnvelope {
  Partner: { PartnerToken: string; OperationType: number };
  Data: string;
  KeyAES: string;
  Sign: string;
}

export const requestEnvelope = z.object({
  Partner: z.object({ PartnerToken: z.string(), OperationType: z.number().int() }),
  Data: z.string(),
  KeyAES: z.string(),
  Sign: z.string(),
});

/** The Data of operation 40003, before encryption. */
export interface BalanceRequestData {
  UserID?: string;
  Phone: string;
  Email?: string;
  DeviceID: string;
  UUID: string;
  Transaction: { TransactionID: string; TerminalID: string; DateTime: string };
}

export const balanceRequestData = z.object({
  UserID: z.string().optional(),
  Phone: z.string().regex(PHONE_FORM),
  Email: z.string().optional(),
  DeviceID: z.string().min(1),
  UUID: z.string().min(1),
  Transaction: z.object({
    TransactionID: z.string().min(1),
    TerminalID: z.string().min(1),
    DateTime: z.string().min(1),
  }),
});

/* ------------------------------------------------------------------------------------------------
 * Answers (over parseLosslessJson: every JSON number is a LosslessNumber)
 * ---------------------------------------------------------------------------------------------- */

/** Every answer: `Code` and `Message`, then `Data` whose shape depends on them; `KeyAES`/`Sign` when `Data` is encrypted. */
export const answerEnvelope = z.object({
  Code: jsonInteger,
  Message: z.string().optional(),
  Data: z.unknown().optional(),
  KeyAES: z.string().optional(),
  Sign: z.string().optional(),
});
export type AnswerEnvelope = z.output<typeof answerEnvelope>;

/** An encrypted answer's `KeyAES` and `Sign`, wherever they sit (see ENCODED_ANSWER_KEYS_AT_TOP_LEVEL). */
export const encodedAnswerKeys = answerEnvelope.pick({ KeyAES: true, Sign: true });

/** `Data` of a "done" answer: the balance record as a JSON text, in the clear or encrypted. */
export const doneData = z.union([z.object({ DecodedData: z.string() }), z.object({ EncodedData: z.string().min(1) })]);

/** `Data` of a "fail" answer. The Reason table is not published: it is kept as it came, for providerCode. */
export const failData = z.object({
  OperationID: jsonInteger.optional(),
  OperationStatus: jsonInteger.optional(),
  Reason: z.union([jsonInteger, z.string().min(1)]),
});
export type FailData = z.output<typeof failData>;

/** `Sum`: kopecks, exact (never through a JS number) and within AMOUNT_BOUNDS, as a 2-decimal amount. */
const sumKopecks = minorUnitsAmount(SUM_SCALE, { digitStrings: SUM_MAY_BE_DIGIT_STRING }).refine(
  (amount) => NEGATIVE_SUM_ACCEPTED || !amount.isNegative(),
  "a balance cannot be negative",
);

/** The balance record inside DecodedData / EncodedData. */
export const balanceRecord = z.object({
  uuid: z.string().min(1),
  Sum: sumKopecks,
  DateTime: z.string().optional(),
});
