// Loaded with `node --import` by test/process.e2e.spec.ts only, never by the
// server itself: every asynchronous zlib.inflate fails as it does on a corrupt
// stream. pdfkit's PNG reader (png-js) takes zlib.inflate when it loads and
// throws its error from the callback, where no caller can catch it: the very
// way issue 20's PNG took the server down, now reached through a real route
// whatever the picture, to check what the process does with such an error.
import { syncBuiltinESMExports } from 'node:module';
import zlib from 'node:zlib';

zlib.inflate = (_buffer, options, callback) => {
  const done = typeof options === 'function' ? options : callback;
  const error = Object.assign(new Error('incorrect header check (zlib fault injected by the test)'), {
    code: 'Z_DATA_ERROR',
    errno: -3,
  });
  setImmediate(() => done(error));
};
// png-js imports `inflate` by name: the named export follows only once synced.
syncBuiltinESMExports();
