import { createContext, useContext } from 'react';
import type { Principal, Role } from './api';

/** What the gate (`auth.tsx`) learnt of the device the app runs on. */
export interface DeviceInfo {
  /** `null` when the server has not answered (offline), or does not know devices. */
  device: Principal | null;
  /** The roles the page is made for; another role is pointed out in the top bar. */
  roles: readonly Role[];
}

export const DeviceContext = createContext<DeviceInfo | null>(null);

/** The device this app runs on, as `GET /api/me` described it; `null` outside the gate. */
export function useDevice(): DeviceInfo | null {
  return useContext(DeviceContext);
}
