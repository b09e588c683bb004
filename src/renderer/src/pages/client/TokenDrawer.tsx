import { Drawer } from '@mantine/core';
import type { TokenSummary } from '../../../../shared/dto';
import { ErrorAlert, PageLoader } from '../../components/LoadState';
import { TokenInspectionView } from '../../components/TokenInspectionView';
import { useTokenByRef } from '../../hooks/useTokenInspection';

function Inspection({ tokenRef }: { tokenRef: string }) {
  const token = useTokenByRef(tokenRef);
  if (token.error) return <ErrorAlert error={token.error} onRetry={token.reload} title={token.error.code === 'not_found' ? 'Token not found' : 'Could not inspect the token'} />;
  if (!token.data) return <PageLoader label="Loading token" />;
  return <TokenInspectionView token={token.data} />;
}

/** The token inspector for a token of the list (looked up by its reference). */
export function TokenDrawer({ token, opened, onClose }: { token: TokenSummary | null; opened: boolean; onClose: () => void }) {
  return (
    <Drawer opened={opened && token !== null} onClose={onClose} position="right" size="lg" title={token ? `Token inspector: ${token.fingerprint}` : 'Token inspector'}>
      {token && <Inspection key={token.ref} tokenRef={token.ref} />}
    </Drawer>
  );
}
