import { Alert, Badge, Code, DataList, Group, Text } from '@mantine/core';
import type { TokenInspection } from '../../../shared/dto';
import { formatDate, relativeTime } from '../lib/format';
import { TOKEN_KIND_LABELS, TOKEN_STATUS } from '../lib/tokens';

function Item({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <DataList.Item>
      <DataList.ItemLabel>{label}</DataList.ItemLabel>
      <DataList.ItemValue style={{ wordBreak: 'break-word' }}>{children}</DataList.ItemValue>
    </DataList.Item>
  );
}

const none = (
  <Text span size="sm" c="dimmed">
    None
  </Text>
);

const when = (epochMs: number) => `${formatDate(epochMs)} (${relativeTime(epochMs)})`;

/** What the server knows about a token (never its value: it is opaque, identified by the hash of its value). */
export function TokenInspectionView({ token }: { token: TokenInspection }) {
  const status = TOKEN_STATUS[token.status];
  return (
    <>
      <Alert color={status.color} variant="light" mb="md" title={`${TOKEN_KIND_LABELS[token.kind]} · ${status.label}`}>
        {token.note}
      </Alert>
      <DataList withDivider labelWidth={150} aria-label="Token">
        <Item label="Fingerprint">
          <Code>{token.fingerprint}</Code>
        </Item>
        <Item label="Kind">{TOKEN_KIND_LABELS[token.kind]}</Item>
        <Item label="Status">
          <Badge variant="light" color={status.color}>
            {status.label}
          </Badge>
        </Item>
        <Item label="Client">
          {token.clientId === null ? none : (
            <>
              {token.clientName ?? token.clientId}{' '}
              {token.clientName !== null && <Code>{token.clientId}</Code>}
            </>
          )}
        </Item>
        <Item label="User">{token.username ?? none}</Item>
        <Item label="Scopes">
          {token.scopes.length === 0 ? none : (
            <Group gap={4}>
              {token.scopes.map((scope) => (
                <Badge key={scope} variant="light" color="gray" tt="none">
                  {scope}
                </Badge>
              ))}
            </Group>
          )}
        </Item>
        <Item label="Audience">{token.audience.length === 0 ? none : token.audience.map((aud) => <Code key={aud}>{aud}</Code>)}</Item>
        <Item label="Grant type">{token.grantType ?? none}</Item>
        <Item label="Rotations">{token.rotations ?? (token.kind === 'RefreshToken' ? 0 : none)}</Item>
        <Item label="Issued">{when(token.issuedAt)}</Item>
        <Item label="Expires">{token.expiresAt === null ? 'Never' : when(token.expiresAt)}</Item>
        <Item label="Format">Opaque: its meaning is only in the server's records.</Item>
      </DataList>
    </>
  );
}
