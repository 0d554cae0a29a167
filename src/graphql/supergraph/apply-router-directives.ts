// Responsible for writing the router-facing directives into the subgraph SDL: each type's and field's from the table, and every type's contract tag.
import { Kind, parse, visit, type ConstDirectiveNode, type DocumentNode, type TypeDefinitionNode } from "graphql";
import { INTERNAL_TAG, INTERNAL_TYPES, PUBLIC_TAG, ROOT_TYPES, routerDirectives, tag } from "./router-directives.js";
import type { SupergraphSettings } from "./supergraph-settings.js";

const internalTypes = new Set<string>(INTERNAL_TYPES);
const rootTypes = new Set<string>(ROOT_TYPES);

function directivesOf(texts: readonly string[]): ConstDirectiveNode[] {
  if (texts.length === 0) return [];
  const document = parse(`scalar Carrier ${texts.join(" ")}`, { noLocation: true });
  const carrier = document.definitions[0];
  if (carrier?.kind !== Kind.SCALAR_TYPE_DEFINITION) throw new Error("unreachable: the carrier is a scalar");
  return [...(carrier.directives ?? [])];
}

/** The type's own contract tag: `internal` for the admin surface, `public` for the rest; root types are tagged per field. */
function typeTag(name: string): string[] {
  if (rootTypes.has(name)) return [];
  return [tag(internalTypes.has(name) ? INTERNAL_TAG : PUBLIC_TAG)];
}

/** Fails on a table entry that names no type or field, so the table cannot drift from the schema. */
export function applyRouterDirectives(document: DocumentNode, settings: SupergraphSettings): DocumentNode {
  const byCoordinate = routerDirectives(settings);
  const unused = new Set(Object.keys(byCoordinate));
  const tableFor = (coordinate: string): string[] => {
    const texts = byCoordinate[coordinate];
    if (!texts) return [];
    unused.delete(coordinate);
    return texts;
  };
  const withTypeTag = <T extends TypeDefinitionNode>(node: T): T => ({
    ...node,
    directives: [...(node.directives ?? []), ...directivesOf([...tableFor(node.name.value), ...typeTag(node.name.value)])],
  });
  const result = visit(document, {
    ObjectTypeDefinition(node) {
      const fields = node.fields?.map((field) => {
        const texts = tableFor(`${node.name.value}.${field.name.value}`);
        return texts.length === 0 ? field : { ...field, directives: [...(field.directives ?? []), ...directivesOf(texts)] };
      });
      return withTypeTag({ ...node, fields });
    },
    EnumTypeDefinition: withTypeTag,
    InputObjectTypeDefinition: withTypeTag,
    ScalarTypeDefinition: withTypeTag,
  });
  if (unused.size > 0) throw new Error(`router directives name types or fields the schema does not have: ${[...unused].join(", ")}`);
  return result;
}
