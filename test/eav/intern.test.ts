// intern (src/eav/intern.ts) hands back a string equal to its argument, whatever it is: the
// compiler replaces rule data's attributes, constants and rule names with it, keywords their names
// and the store its schema idents.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { intern } from "../../src/eav/intern.js";
import { kw } from "../../src/eav/index.js";

describe("intern", () => {
  it.each(["", "a", "order/customer", "1", "4294967295", "-0", "__proto__", "constructor", "toString", "x".repeat(100)])("returns %j unchanged", (s) => {
    const sliced = `(${s})`.slice(1, -1);
    expect(intern(sliced)).toBe(s);
  });

  it("returns an equal string for any string", () => {
    fc.assert(fc.property(fc.string({ unit: "binary" }), (s) => intern(s) === s));
  });

  it("keyword names are equal to the text they were read from", () => {
    const text = ":order/customer";
    expect(kw(text.slice(0, 15)).name).toBe("order/customer");
  });
});
