/**
 * Audit rules written in TypeScript with the `rules` tagged template: the same DSL as a .rules
 * file, loaded by the CLI and the harness without a build step.
 */
import { rules as dsl } from "../../src/dsl/index.js";

export const rules = dsl`
  (defrule secret-shared
    "A secret document shared with any group is an alert: sharing does not grant access to it."
    [?d :doc/classification :class/secret]
    [:exists [?d :doc/shared-with]]
    =>
    (upsert! [?d :doc/alerts :alert/secret-shared]))
`;
