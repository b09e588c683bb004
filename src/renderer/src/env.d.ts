import type { ActivitySubscription, AdminApi } from '../../shared/operations';

declare global {
  interface Window {
    /** Exposed by the preload in the desktop app; absent in browser mode. */
    api?: AdminApi & ActivitySubscription;
  }
}

export {};
