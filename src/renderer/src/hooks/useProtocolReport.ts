import type { ProtocolReport } from '../../../shared/dto';
import { api } from '../api';
import { useReloadOnActivity } from './useLiveActivity';
import { useResult, type Loaded } from './useResult';

/** The client's protocol report, generated again shortly after each burst of its live activity. */
export function useProtocolReport(clientId: string): Loaded<ProtocolReport> {
  const report = useResult(() => api.getProtocolReport({ clientId }), clientId);
  useReloadOnActivity(clientId, report.reload);
  return report;
}
