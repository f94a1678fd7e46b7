// The e2e tier's time limit for one test or hook (jest's default is 5 s).
// These tests run the real server inside jest's VM context, where the pure-JS
// rendering and reading they exercise is far slower than in plain Node: one
// ticket PNG (pureimage) takes ~40 ms in node, 2–7.5 s under jest on a shared
// 2-core CI machine, on Node 20 and 24 alike; charter PDFs (pdfkit, then
// pdf.js to read them back) likewise. At 5 s the tickets and privacy suites
// failed on load alone. Tests that need longer still set their own limit.
import { jest } from '@jest/globals';

jest.setTimeout(30_000);
