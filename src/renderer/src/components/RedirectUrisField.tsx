import { Textarea } from '@mantine/core';

/** The redirect URIs of a client, one per line; a server error may name several lines, so it keeps its line breaks. */
export function RedirectUrisField(props: {
  value: string;
  onChange: (text: string) => void;
  error?: string;
  description: string;
  placeholder?: string;
  minRows?: number;
}) {
  return (
    <Textarea
      label="Redirect URIs"
      description={props.description}
      placeholder={props.placeholder}
      autosize
      minRows={props.minRows ?? 2}
      maxRows={8}
      value={props.value}
      onChange={(event) => props.onChange(event.currentTarget.value)}
      error={props.error}
      styles={{ error: { whiteSpace: 'pre-line' } }}
    />
  );
}
