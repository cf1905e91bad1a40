/**
 * The code that runs inside the model sandbox before a model file (a string, evaluated in the
 * fresh `vm` context, so that nothing from uprate's own realm is reachable from a model file).
 *
 * It defines `cube()`, the `uprate` macros and `COMPILE_CONTEXT`, and a scope in which every
 * unknown identifier is a reference: `${CUBE}`, `${count}` and `${Customers.customerId}` become
 * markers in the resulting strings. `require`, `process` and friends throw. `finish()` turns
 * the collected definitions into JSON, calling `sql: () => ...` functions with references.
 */
export const SANDBOX_PRELUDE = String.raw`
(function (init) {
  'use strict';
  var REF_OPEN = '\u0001', REF_CLOSE = '\u0002', MACRO_OPEN = '\u0003', MACRO_CLOSE = '\u0004';
  var DENIED = ['require', 'process', 'module', 'exports', 'global', 'fetch', 'Buffer', 'setTimeout',
    'setInterval', 'setImmediate', 'queueMicrotask', '__dirname', '__filename', 'XMLHttpRequest', 'WebSocket'];
  var cubes = [], macros = [], problems = [];
  var refs = new WeakSet();

  function lineOf(stack) {
    if (typeof stack !== 'string') return undefined;
    var lines = stack.split('\n');
    for (var i = 0; i < lines.length; i++) {
      var at = lines[i].lastIndexOf(init.file + ':');
      if (at >= 0) {
        var m = /^(\d+)/.exec(lines[i].slice(at + init.file.length + 1));
        if (m) return Number(m[1]);
      }
    }
    return undefined;
  }

  function makeRef(path) {
    var text = REF_OPEN + path.join('.') + REF_CLOSE;
    var toPrimitive = function () { return text; };
    var ref = new Proxy(Object.create(null), {
      get: function (_t, key) {
        if (key === Symbol.toPrimitive || key === 'toString' || key === 'valueOf') return toPrimitive;
        if (typeof key === 'symbol' || path.length >= 4) return undefined;
        return makeRef(path.concat([key]));
      },
      set: function () { return false; },
      defineProperty: function () { return false; },
    });
    refs.add(ref);
    return ref;
  }

  function macro(name, args) {
    macros.push({ name: name, args: args });
    return MACRO_OPEN + (macros.length - 1) + MACRO_CLOSE;
  }
  function sqlArg(x, what) {
    if (typeof x === 'string' || (typeof x === 'object' && refs.has(x))) return String(x);
    throw new TypeError(what + ' takes SQL text (a string or a template literal), not ' + typeof x);
  }
  function intArg(x, what) {
    if (typeof x === 'number' && Number.isInteger(x) && Math.abs(x) <= 100000) return x;
    throw new TypeError(what + ' takes a whole number of days, not ' + JSON.stringify(x));
  }
  var uprate = Object.freeze({
    conversionWindowDays: init.windowDays,
    now: function () { return macro('now', []); },
    addDays: function (ts, days) { return macro('addDays', [sqlArg(ts, 'uprate.addDays'), intArg(days, 'uprate.addDays')]); },
    daysBetween: function (from, to) {
      return macro('daysBetween', [sqlArg(from, 'uprate.daysBetween'), sqlArg(to, 'uprate.daysBetween')]);
    },
  });

  function deepFreeze(o) {
    if (o && typeof o === 'object') { Object.values(o).forEach(deepFreeze); Object.freeze(o); }
    return o;
  }
  var compileContext = deepFreeze(init.compileContext);

  function cube(name, definition) {
    cubes.push({ name: name, definition: definition, line: lineOf(new Error().stack) });
  }
  function unsupported(what) {
    return function () {
      problems.push({ message: what + '() is not supported by uprate (supported: cube())', line: lineOf(new Error().stack), kind: 'unsupported' });
    };
  }

  var locals = Object.create(null);
  locals.cube = cube;
  locals.view = unsupported('view');
  locals.asyncModule = unsupported('asyncModule');
  locals.context = unsupported('context');
  locals.COMPILE_CONTEXT = compileContext;
  locals.uprate = uprate;
  var assigned = Object.create(null);
  var scope = new Proxy(Object.create(null), {
    has: function (_t, key) {
      if (typeof key === 'symbol') return false;
      if (key in locals || key in assigned) return true;
      return !(key in globalThis);
    },
    get: function (_t, key) {
      if (typeof key === 'symbol') return undefined;
      if (key in locals) return locals[key];
      if (key in assigned) return assigned[key];
      if (DENIED.indexOf(key) >= 0) {
        throw new ReferenceError(key + ' is not available in a model file (no require, process, file system or network)');
      }
      return makeRef([key]);
    },
    set: function (_t, key, value) { assigned[key] = value; return true; },
  });

  function paramNames(fn) {
    var src = Function.prototype.toString.call(fn);
    var m = /^(?:async\s*)?(?:function\b[^(]*)?\(([^)]*)\)/.exec(src) || /^(?:async\s+)?([A-Za-z_$][\w$]*)\s*=>/.exec(src);
    if (!m) return [];
    return m[1].split(',').map(function (s) { return s.trim(); }).filter(Boolean);
  }

  function convert(v, depth) {
    if (depth > 40) throw new Error('definition nested too deeply');
    if (v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
    if (v === undefined) return undefined;
    if (typeof v === 'object' && refs.has(v)) return String(v);
    if (typeof v === 'function') {
      return convert(v.apply(null, paramNames(v).map(function (n) { return makeRef([n]); })), depth + 1);
    }
    if (Array.isArray(v)) return v.map(function (x) { var c = convert(x, depth + 1); return c === undefined ? null : c; });
    if (typeof v === 'object') {
      var out = {};
      Object.keys(v).forEach(function (k) { var c = convert(v[k], depth + 1); if (c !== undefined) out[k] = c; });
      return out;
    }
    return { __unsupported: typeof v };
  }

  globalThis.__uprate = Object.freeze({
    scope: scope,
    fail: function (e) {
      var message = e && typeof e.message === 'string' ? e.message : String(e);
      problems.push({ message: message, line: lineOf(e && e.stack), kind: e && e.name });
    },
    finish: function () {
      var out = [];
      cubes.forEach(function (c) {
        try {
          out.push({ name: convert(c.name, 0), line: c.line, definition: convert(c.definition, 0) });
        } catch (e) {
          problems.push({ message: (e && e.message) || String(e), line: c.line, cube: typeof c.name === 'string' ? c.name : undefined });
        }
      });
      return JSON.stringify({ cubes: out, macros: macros, problems: problems });
    },
  });
})
`;
