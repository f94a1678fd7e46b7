import { evolve, initialState, type Device, type DeviceEvent, type DeviceState } from './device.js';

/**
 * Every device, by id and by token hash: what authenticating a request needs
 * at once. A cache of the device aggregates, folded from their events in the
 * order the store delivers them (each device's own `evolve`, so the list and
 * the decider cannot disagree). Updated in place: it is the server's own
 * state, and a list of thousands of devices is not copied per event.
 */
export interface DeviceList {
  readonly states: Map<string, DeviceState>;
  readonly byTokenHash: Map<string, Device>;
}

export const emptyDeviceList = (): DeviceList => ({ states: new Map(), byTokenHash: new Map() });

/** Applies one event; answers the device's state before and after it. */
export const applyToDeviceList = (
  list: DeviceList,
  event: DeviceEvent,
): { before: DeviceState; after: DeviceState } => {
  const id = event.data.deviceId;
  const before = list.states.get(id) ?? initialState();
  const after = evolve(before, event);
  if (after !== before) {
    list.states.set(id, after);
    if (after.status !== 'unknown') list.byTokenHash.set(after.device.tokenSha256, after.device);
  }
  return { before, after };
};

export const devicesOf = (list: DeviceList): Device[] =>
  [...list.states.values()].flatMap((s) => (s.status === 'unknown' ? [] : [s.device]));
