import { useEffect, useRef } from 'react';
import type { ActivityEvent } from '../../../shared/events';
import type { ApprovalDecision, ClientApproval } from '../../../shared/registration';
import { api } from '../api';
import { useLiveActivity } from './useLiveActivity';
import { useResult, type Loaded } from './useResult';

const reloaders = new Set<() => void>();

/** Every mounted approval list (the page's tables, the navbar's count) loads again, e.g. after a decision. */
export function invalidateApprovals(): void {
  reloaders.forEach((reload) => reload());
}

/** A live event that changes the lists: a new client waiting for approval, or a decision (here, in the CLI or another window). */
function changesApprovals(event: ActivityEvent): boolean {
  if (event.type === 'client.registered') return event.data.pendingApproval === true;
  return (event.type === 'client.enabled' || event.type === 'client.disabled') && 'decision' in event.data;
}

/** Metadata-document clients by decision (all of them when none is given), newest first; follows live activity. */
function useApprovalList(decision: ApprovalDecision | undefined): Loaded<ClientApproval[]> {
  const list = useResult(() => api.listApprovals(decision ? { decision } : {}), decision ?? 'all');
  const { reload } = list;
  useEffect(() => {
    reloaders.add(reload);
    return () => {
      reloaders.delete(reload);
    };
  }, [reload]);
  const timer = useRef<number | undefined>(undefined);
  useLiveActivity((event) => {
    if (!changesApprovals(event)) return;
    window.clearTimeout(timer.current);
    timer.current = window.setTimeout(reload, 300);
  });
  useEffect(() => () => window.clearTimeout(timer.current), []);
  return list;
}

/** Clients waiting for the admin's approval. */
export function usePendingApprovals(): Loaded<ClientApproval[]> {
  return useApprovalList('pending');
}

/** Clients already approved or blocked. */
export function useDecidedApprovals(): Loaded<ClientApproval[]> {
  const list = useApprovalList(undefined);
  return { ...list, data: list.data?.filter((approval) => approval.decision !== 'pending') };
}

const POLL_MS = 15_000;

/** How many clients wait for approval (for the navbar): live, and checked again every 15 s. */
export function usePendingApprovalCount(): number {
  const pending = usePendingApprovals();
  const { reload } = pending;
  useEffect(() => {
    const timer = window.setInterval(reload, POLL_MS);
    return () => window.clearInterval(timer);
  }, [reload]);
  return pending.data?.length ?? 0;
}
