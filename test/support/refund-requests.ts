// Sends one refund to a subgraph over HTTP, as the router would, and reduces the answer to one word a test can count.
import { RefundDocument, type RefundErrorCode, type RefundStatus } from "../generated/graphql.js";
import { postGraphQL } from "./graphql-http.js";

/** The first user error's code, else the refund's status; TRANSPORT_ERROR when no answer came (the process died). */
export type RefundOutcomeWord = RefundErrorCode | RefundStatus | "NO_REFUND" | "TRANSPORT_ERROR" | `ERROR ${string}`;

/** A refund from the wallet "tester" at lucky-monaco in USD. */
export async function sendRefund(url: string, key: string, amount: string): Promise<RefundOutcomeWord> {
  try {
    const response = await postGraphQL(url, RefundDocument, {
      input: { walletId: "tester", providerId: "lucky-monaco", currency: "USD", amount, idempotencyKey: key },
    });
    if (response.errors?.length || !response.data) return `ERROR ${JSON.stringify(response.errors)}`;
    const { refund, userErrors } = response.data.refund;
    return userErrors[0]?.code ?? refund?.status ?? "NO_REFUND";
  } catch {
    return "TRANSPORT_ERROR";
  }
}
