import { useEffect, useRef } from 'react';
import type { ClientPage } from '../../../shared/dto';
import type { Input } from '../../../shared/contract';
import { api } from '../api';
import { useLiveActivity } from './useLiveActivity';
import { useResult, type Loaded } from './useResult';

export type ClientFilter = Input<'listClients'>;

export function useClients(filter: ClientFilter): Loaded<ClientPage> {
  return useResult(() => api.listClients(filter), JSON.stringify(filter));
}

const CLIENT_LIST_EVENTS = new Set(['client.registered', 'client.updated', 'client.deleted']);

/**
 * Clients for a picker (the Activity page's Client filter): loaded again shortly
 * after a client registers, is renamed or is removed, so one that appeared
 * while the page is open can be picked.
 */
export function useClientChoices(limit = 500): Loaded<ClientPage> {
  const clients = useClients({ limit });
  const { reload } = clients;
  const timer = useRef<number | undefined>(undefined);
  useLiveActivity((event) => {
    if (!CLIENT_LIST_EVENTS.has(event.type) || event.outcome === 'failure' || event.data.pendingApproval === true) return;
    window.clearTimeout(timer.current);
    timer.current = window.setTimeout(reload, 400);
  });
  useEffect(() => () => window.clearTimeout(timer.current), []);
  return clients;
}
