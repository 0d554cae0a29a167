// Responsible for resolving a User the router names by key: the key is all this subgraph needs.
import type { User } from "./user.type.js";

export function resolveUserReference(reference: { id: string }): User {
  return { id: reference.id };
}
