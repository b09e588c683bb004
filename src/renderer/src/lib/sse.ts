/** One server-sent event: its name ('message' when unnamed), its data lines joined, its id. */
export interface SseMessage {
  event: string;
  data: string;
  id: string | null;
}

/**
 * A small text/event-stream parser: feed it decoded chunks as they arrive; it
 * calls `onMessage` for each complete event. Comment lines (':') are heartbeats
 * and are skipped; CRLF, LF and CR line ends are all accepted.
 */
export function createSseParser(onMessage: (message: SseMessage) => void): { push: (chunk: string) => void } {
  let buffer = '';
  let event = '';
  let data: string[] = [];
  let id: string | null = null;

  const dispatch = () => {
    if (data.length > 0) onMessage({ event: event || 'message', data: data.join('\n'), id });
    event = '';
    data = [];
  };

  const line = (text: string) => {
    if (text === '') return dispatch();
    if (text.startsWith(':')) return;
    const colon = text.indexOf(':');
    const field = colon === -1 ? text : text.slice(0, colon);
    let value = colon === -1 ? '' : text.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'event') event = value;
    else if (field === 'data') data.push(value);
    else if (field === 'id') id = value;
  };

  return {
    push(chunk: string) {
      buffer += chunk;
      for (;;) {
        const match = /\r\n|\r|\n/.exec(buffer);
        // A lone CR at the end may be the first half of a CRLF: wait for more.
        if (!match || (match[0] === '\r' && match.index === buffer.length - 1)) break;
        line(buffer.slice(0, match.index));
        buffer = buffer.slice(match.index + match[0].length);
      }
    },
  };
}
