// Stands in for the `setimmediate` polyfill that jszip (inside mammoth, the DOCX importer) requires: that polyfill
// compiles string callbacks with `new Function`, which the extension's CSP forbids and store review flags. jszip only
// ever passes functions, so a macrotask through setTimeout is all it needs.
type Immediate = (callback: (...args: unknown[]) => void, ...args: unknown[]) => number;
const scope = globalThis as unknown as { setImmediate?: Immediate };
scope.setImmediate ??= (callback, ...args) => setTimeout(callback, 0, ...args) as unknown as number;

export {};
