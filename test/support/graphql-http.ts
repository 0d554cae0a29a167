// Sends typed GraphQL documents over real HTTP, as a frontend or the router would.
import type { TypedDocumentNode } from "@graphql-typed-document-node/core";
import { print, type DocumentNode } from "graphql";

export interface GraphQLResponse<TData> {
  status: number;
  data?: TData | null;
  errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, unknown> }[];
}

export async function postGraphQL<TData, TVariables>(
  url: string,
  document: TypedDocumentNode<TData, TVariables> | DocumentNode | string,
  variables?: TVariables,
  headers: Record<string, string> = {},
): Promise<GraphQLResponse<TData>> {
  const query = typeof document === "string" ? document : print(document);
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as Omit<GraphQLResponse<TData>, "status">;
  return { status: response.status, ...body };
}

/** For a response that must have succeeded: its data, or a test failure that shows the errors. */
export function dataOf<TData>(response: GraphQLResponse<TData>): TData {
  if (response.errors?.length || !response.data) {
    throw new Error(`GraphQL errors (HTTP ${response.status}): ${JSON.stringify(response.errors)}`);
  }
  return response.data;
}

/** As the sandbox's operator (reads every wallet, refunds, links): for tests whose subject is not authorisation. */
export function asOperator(sandbox: { auth: { tokens: { operator: string } } }): Record<string, string> {
  return { authorization: `Bearer ${sandbox.auth.tokens.operator}` };
}

/** Posts to a sandbox as its operator. */
export function sandboxPost<TData, TVariables>(
  sandbox: { graphqlUrl: string; auth: { tokens: { operator: string } } },
  document: TypedDocumentNode<TData, TVariables> | DocumentNode | string,
  variables?: TVariables,
): Promise<GraphQLResponse<TData>> {
  return postGraphQL(sandbox.graphqlUrl, document, variables, asOperator(sandbox));
}
