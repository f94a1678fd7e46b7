// Test support, not a test (the .spec.ts name keeps it out of the build; jest runs only *.unit|int|e2e.spec.ts).
// Child process for projection-runner.int.spec.ts: runs the attendance
// projection over a store file into a read-models file and prints
// `commit <position>` after every commit, until the parent kills it.
import { SqliteEventStore } from '@emargement/event-store';
import { AttendanceProjection } from '../../attendance/attendance.projection.js';
import { ProjectionRunner } from '../projection-runner.js';
import { ReadModels } from '../read-models.js';

const [storeFile, readModelsFile] = process.argv.slice(2);
if (!storeFile || !readModelsFile) throw new Error('usage: crash-child <store file> <read-models file>');

const store = SqliteEventStore.open(storeFile);
const readModels = ReadModels.open(readModelsFile);
const projection = new AttendanceProjection(readModels);
const runner = new ProjectionRunner(store, readModels, projection, { batchSize: 500 });
projection.onChange(() => process.stdout.write(`commit ${String(runner.status().position)}\n`));
runner.prepare();
runner.start();
void runner.untilCaughtUp().then(() => process.stdout.write('caughtUp\n'));
