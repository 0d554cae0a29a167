// Responsible for refusing hostile operations before they run: depth, aliases, tokens, cost, directives (graphql-armor) and _entities size.
import { ApolloArmor } from "@escape.tech/graphql-armor";
import type { ApolloServerPlugin } from "@apollo/server";
import type { RequestHandler } from "express";
import { LRUCache } from "lru-cache";
import { GraphQLError, Kind, Lexer, Source, TokenKind, visit, type DocumentNode, type ValidationRule } from "graphql";

export interface RequestLimits {
  maxDepth: number;
  maxAliases: number;
  maxTokens: number;
  maxCost: number;
  maxDirectives: number;
  /** Representations in one `_entities` request: the router batches, but never this many. */
  maxRepresentations: number;
  maxBodyBytes: number;
  /** Off in production: "did you mean ..." hints map the schema for an attacker. */
  fieldSuggestions: boolean;
}

/** Generous enough for the router's own queries (an `_entities` batch of hundreds, depth 6). */
export const DEFAULT_LIMITS: RequestLimits = {
  maxDepth: 12,
  maxAliases: 30,
  maxTokens: 5_000,
  maxCost: 20_000,
  maxDirectives: 20,
  maxRepresentations: 1_000,
  maxBodyBytes: 1024 * 1024,
  fieldSuggestions: true,
};

export interface Protection {
  plugins: ApolloServerPlugin[];
  validationRules: ValidationRule[];
}

export function protect(limits: RequestLimits): Protection {
  const armor = new ApolloArmor({
    maxDepth: { enabled: true, n: limits.maxDepth },
    maxAliases: { enabled: true, n: limits.maxAliases },
    // Counted before Apollo parses (tokenLimit below): armor's parse hook answers HTTP 500 when it trips.
    maxTokens: { enabled: false },
    costLimit: { enabled: true, maxCost: limits.maxCost },
    maxDirectives: { enabled: true, n: limits.maxDirectives },
    blockFieldSuggestion: { enabled: !limits.fieldSuggestions },
  });
  const { plugins, validationRules } = armor.protect();
  return {
    plugins: [...(plugins as ApolloServerPlugin[]), entitiesLimit(limits.maxRepresentations)],
    validationRules,
  };
}

/** Texts remembered as under the token limit: at most this many characters in all. */
const COUNTED_TEXT_CHARACTERS = 4 * 1024 * 1024;

/**
 * Refuses a document with more than `max` tokens with a 400, before it is parsed: the lexer stops
 * counting at the limit, so a huge document costs no more than a small one. Clients send the same
 * few documents again and again: a text once found under the limit is not counted again.
 */
export function tokenLimit(max: number): RequestHandler {
  const underLimit = new LRUCache<string, true>({
    maxSize: COUNTED_TEXT_CHARACTERS,
    sizeCalculation: (_, text) => Math.max(1, text.length),
  });
  return (request, response, next) => {
    const query: unknown = (request.body as { query?: unknown } | undefined)?.query ?? request.query?.query;
    if (typeof query !== "string" || underLimit.has(query)) {
      next();
      return;
    }
    let count = 0;
    try {
      const lexer = new Lexer(new Source(query));
      while (lexer.advance().kind !== TokenKind.EOF) {
        if (++count > max) {
          response.status(400).json({
            errors: [{ message: `the operation has more than ${max} tokens`, extensions: { code: "TOO_MANY_TOKENS" } }],
          });
          return;
        }
      }
      // Only a text that lexed to its end: one with a lexing error is left for the parser to report each time. A
      // text larger than the whole bound is not kept (the cache refuses it).
      underLimit.set(query, true);
    } catch {
      // A lexing error is left for the parser to report, with its location.
    }
    next();
  };
}

/** Where a document's `_entities` fields take their representations from: written inline (counted), or variables. */
interface RepresentationSources {
  inline: number;
  variables: string[];
}

/** Counts representations given as a variable or written inline, before anything resolves. */
function entitiesLimit(max: number): ApolloServerPlugin {
  // Apollo hands the same parsed document to every request that sends the same text: it is walked once.
  const sourcesOf = new WeakMap<DocumentNode, RepresentationSources>();
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ request, document }) {
          let sources = sourcesOf.get(document);
          if (!sources) {
            sources = representationSources(document);
            sourcesOf.set(document, sources);
          }
          const count = representationCount(sources, request.variables ?? {});
          if (count > max) {
            throw new GraphQLError(`an _entities request may carry at most ${max} representations (got ${count})`, {
              extensions: { code: "TOO_MANY_REPRESENTATIONS", http: { status: 400 } },
            });
          }
        },
      };
    },
  };
}

function representationSources(document: DocumentNode): RepresentationSources {
  const sources: RepresentationSources = { inline: 0, variables: [] };
  visit(document, {
    Field(field) {
      if (field.name.value !== "_entities") return;
      const argument = field.arguments?.find((a) => a.name.value === "representations");
      if (argument?.value.kind === Kind.LIST) sources.inline += argument.value.values.length;
      if (argument?.value.kind === Kind.VARIABLE) sources.variables.push(argument.value.name.value);
    },
  });
  return sources;
}

function representationCount(sources: RepresentationSources, variables: Record<string, unknown>): number {
  let count = sources.inline;
  for (const name of sources.variables) {
    const value = variables[name];
    if (Array.isArray(value)) count += value.length;
  }
  return count;
}
