/**
 * Runs dependency-cruiser's rules (.dependency-cruiser.cjs) over the code.
 * Through its API rather than its command line: the command line refuses to
 * start on Node 20 (its engines say ^22), which the project still supports,
 * while the cruise itself runs there.
 */
import { cruise } from 'dependency-cruiser';
import extractDepcruiseOptions from 'dependency-cruiser/config-utl/extract-depcruise-options';
import extractTSConfig from 'dependency-cruiser/config-utl/extract-ts-config';

const options = await extractDepcruiseOptions('./.dependency-cruiser.cjs');
const tsConfig = extractTSConfig('./tsconfig.json');
const targets = process.argv.length > 2 ? process.argv.slice(2) : ['apps', 'libs', 'test', 'bench'];
const result = await cruise(targets, { ...options, outputType: 'err', validate: true }, undefined, { tsConfig });
process.stdout.write(typeof result.output === 'string' ? result.output : JSON.stringify(result.output));
process.exitCode = result.exitCode;
