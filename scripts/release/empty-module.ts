// Stand-in for optional dependencies that are require()d inside try/catch (debug -> supports-color,
// node-fetch -> encoding): bundling them out avoids a failing non-builtin require in the executable.
export {};
