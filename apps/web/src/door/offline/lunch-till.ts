import type { PaymentMethod } from '../../api';
import { storage } from '../../storage';

export type Till = Partial<Record<PaymentMethod, { count: number; cents: number }>>;

/** A lunch payment as the door took it (what a reversal gives back). */
export interface TakenPayment {
  paymentId: string;
  amountCents: number;
  method: PaymentMethod;
}

/**
 * The lunch money this phone took for a conference, kept in localStorage
 * across reloads: the till by method, reversals deducted (what the drawer
 * should hold), and the payment taken from each person, so that a later
 * screen of the same person can give it back.
 */
export class LunchTill {
  /** The till as counted on this page (localStorage may refuse writes: the page still counts). */
  private current: Till = {};

  constructor(private readonly conferenceId: string) {}

  private tillKey(): string {
    return `till.${this.conferenceId}`;
  }

  private takenKey(): string {
    return `lunchTaken.${this.conferenceId}`;
  }

  /** The till as this phone kept it (read once, when the door starts). */
  read(): Till {
    this.current = storage.json<Till>(this.tillKey(), {});
    return this.current;
  }

  paymentOf(registrationId: string): TakenPayment | null {
    return storage.json<Record<string, TakenPayment>>(this.takenKey(), {})[registrationId] ?? null;
  }

  /** A payment taken: in the till, and remembered as the person's. */
  took(registrationId: string, payment: TakenPayment): Till {
    this.remember(registrationId, payment);
    return this.count(payment, 1);
  }

  /** A payment given back here (taken at this door or another): out of the till, forgotten as the person's. */
  gaveBack(registrationId: string, payment: TakenPayment): Till {
    if (this.paymentOf(registrationId)?.paymentId === payment.paymentId) this.remember(registrationId, null);
    return this.count(payment, -1);
  }

  private remember(registrationId: string, payment: TakenPayment | null): void {
    const taken = storage.json<Record<string, TakenPayment>>(this.takenKey(), {});
    if (payment) taken[registrationId] = payment;
    else delete taken[registrationId];
    storage.setJson(this.takenKey(), taken);
  }

  private count(payment: TakenPayment, sign: 1 | -1): Till {
    const now = this.current[payment.method] ?? { count: 0, cents: 0 };
    this.current = {
      ...this.current,
      [payment.method]: { count: now.count + sign, cents: now.cents + sign * payment.amountCents },
    };
    storage.setJson(this.tillKey(), this.current);
    return this.current;
  }
}
