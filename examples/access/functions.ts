/**
 * Host functions for access.rules, loaded by the CLI and the harness like a rule module: a module
 * may export `rules` and/or `functions` (callable by name from rule expressions).
 */
export const functions = {
  /** True when `path` is `folder` or lies under it: `(in-folder? "/hr/pay.txt" "/hr")`. */
  "in-folder?": (path: unknown, folder: unknown): boolean => {
    if (typeof path !== "string" || typeof folder !== "string") return false;
    const dir = folder.endsWith("/") ? folder : `${folder}/`;
    return path === folder || path.startsWith(dir);
  },
};
