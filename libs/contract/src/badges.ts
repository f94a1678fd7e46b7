import { instant, listOf, object, string, type Answer } from './schema.js';

// ------------------------------------------------------------ name badges (issue 24)

/** `POST .../registrations/:rid/badge-prints`: the print recorded (and, with `printer`, the job sent). */
export const BadgePrintedSchema = object({
  printId: string,
  copy: { type: 'integer', minimum: 1, description: '1 for the first badge, 2 for the first reprint, …' },
  printedAt: instant,
});
export type BadgePrinted = Answer<typeof BadgePrintedSchema>;

/** `GET .../badge-printers`: which CUPS queue prints the badges of each door (set by the organisers). */
export const DoorPrinterSchema = object({
  door: string,
  queue: { type: 'string', description: 'The CUPS queue name on the server (lpstat -p)' },
  printOnAdmission: { type: 'boolean', description: 'The door prints a badge at every admission' },
});
export const DoorPrinterListSchema = listOf(DoorPrinterSchema);
export type DoorPrinter = Answer<typeof DoorPrinterSchema>;
export type DoorPrinterList = Answer<typeof DoorPrinterListSchema>;
