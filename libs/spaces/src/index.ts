/**
 * The day's spaces, movements, who is on site, and the evacuation roll call
 * (issue 23): the pure domain, run by the server and, bundled, by the door
 * phone. No @nestjs, no I/O, no clock: time comes in with the command.
 */
export * from './movements.js';
export * from './movements.decide.js';
export * from './streams.js';
export * from './places.js';
