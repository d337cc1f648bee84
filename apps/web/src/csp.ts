import { z } from 'zod';

// zod compiles parsers with `new Function` when it may, and finds out whether it may by trying. The
// api's Content-Security-Policy forbids eval, so each try is a CSP violation report: zod need not try.
// Imported first by main.tsx, before any schema exists.
z.config({ jitless: true });
