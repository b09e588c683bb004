import { useCallback, useState } from 'react';

/**
 * What a confirmation dialog acts on. Closing keeps the target, so the dialog's
 * text does not change while it fades out.
 */
export function useDialogTarget<T>() {
  const [target, setTarget] = useState<T | null>(null);
  const [opened, setOpened] = useState(false);
  const open = useCallback((value: T) => {
    setTarget(value);
    setOpened(true);
  }, []);
  const close = useCallback(() => setOpened(false), []);
  return { target, opened, open, close };
}
