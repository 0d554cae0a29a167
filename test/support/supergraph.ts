// The supergraph as a platform team builds it: the wallet and users subgraphs composed by either composer, and what each gateway is handed.
import { readFile } from "node:fs/promises";
import { composeServices as composeWithApollo } from "@apollo/composition";
import { composeServices as composeWithGuild, composeSchemaContract } from "@theguild/federation-composition";
import { Kind, parse, print, visit, type ConstDirectiveNode } from "graphql";
import { USERS_SDL } from "./users-subgraph.js";

const schemaFile = new URL("../../schema.graphql", import.meta.url);

export interface ComposedSupergraph {
  supergraphSdl: string;
  /** Apollo's composition hints (The Guild's composer gives none). */
  hints: string[];
}

async function walletSubgraphs(walletUrl = "http://wallet.invalid/graphql", usersUrl = "http://users.invalid/graphql") {
  return [
    { name: "users", typeDefs: parse(USERS_SDL), url: usersUrl },
    { name: "wallet", typeDefs: parse(await readFile(schemaFile, "utf8")), url: walletUrl },
  ];
}

function composed(result: { supergraphSdl?: string; errors?: readonly { message: string }[] }, hints: string[] = []): ComposedSupergraph {
  if (result.errors?.length || !result.supergraphSdl)
    throw new Error(`composition failed: ${result.errors?.map((error) => error.message).join("; ")}`);
  return { supergraphSdl: result.supergraphSdl, hints };
}

export async function composeApollo(walletUrl?: string, usersUrl?: string): Promise<ComposedSupergraph> {
  const result = composeWithApollo(await walletSubgraphs(walletUrl, usersUrl));
  return composed(
    result,
    (result.hints ?? []).map((hint) => `${hint.definition.code}: ${hint.message}`),
  );
}

export async function composeGuild(walletUrl?: string, usersUrl?: string): Promise<ComposedSupergraph> {
  return composed(composeWithGuild(await walletSubgraphs(walletUrl, usersUrl)));
}

/** A contract as a platform publishes one: elements tagged `exclude` become @inaccessible, unreachable types go too. */
export async function composeContract(
  exclude: string[],
  walletUrl?: string,
  usersUrl?: string,
): Promise<ComposedSupergraph & { publicSdl: string }> {
  const result = composeSchemaContract(await walletSubgraphs(walletUrl, usersUrl), { include: new Set(), exclude: new Set(exclude) }, true);
  return { ...composed(result), publicSdl: result.publicSdl ?? "" };
}

const ROUTER_AUTHORIZATION = new Set(["authenticated", "requiresScopes", "policy"]);

function linksSecurityFeature(directive: ConstDirectiveNode): boolean {
  if (directive.name.value !== "link") return false;
  const purpose = directive.arguments?.find((argument) => argument.name.value === "for")?.value;
  return purpose?.kind === Kind.ENUM && purpose.value === "SECURITY";
}

/**
 * @apollo/gateway enforces none of the router-side authorization directives, and rightly refuses a
 * supergraph that links them `for: SECURITY`. Behind it they are taken out, knowingly: the subgraph's
 * own checks are then the only wall. Everything else (join, tag, inaccessible, cost) stays.
 */
export function withoutRouterAuthorization(supergraphSdl: string): string {
  const stripped = visit(parse(supergraphSdl), {
    Directive(node) {
      if (ROUTER_AUTHORIZATION.has(node.name.value) || linksSecurityFeature(node as ConstDirectiveNode)) return null;
      return undefined;
    },
    DirectiveDefinition(node) {
      return ROUTER_AUTHORIZATION.has(node.name.value) ? null : undefined;
    },
    ScalarTypeDefinition(node) {
      return /^(requiresScopes|policy)__/.test(node.name.value) ? null : undefined;
    },
  });
  return print(stripped);
}
