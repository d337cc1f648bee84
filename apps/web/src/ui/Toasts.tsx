import {
  createContext,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useRef,
  useState,
  type ReactNode,
} from 'react';
import { Icon } from './Icon.js';
import { useHeightVariable } from './useToastClearance.js';

export interface ToastInput {
  message: string;
  tone?: 'info' | 'success' | 'error';
  action?: { label: string; onClick: () => void };
  /** ms; toasts with an action stay until used or dismissed unless a duration is given. */
  duration?: number;
}

interface Toast extends ToastInput {
  id: number;
}

interface ToastApi {
  show: (toast: ToastInput) => number;
  dismiss: (id: number) => void;
}

const ToastContext = createContext<ToastApi | null>(null);

export function useToast(): ToastApi {
  const api = useContext(ToastContext);
  if (!api) throw new Error('useToast must be used inside <ToastProvider>');
  return api;
}

/**
 * How long a toast stays (ms; 0 = until used or dismissed): as asked, else until used when it
 * offers an action, longer for an error than for news.
 */
export function toastDuration(input: ToastInput): number {
  return input.duration ?? (input.action ? 0 : input.tone === 'error' ? 8000 : 4500);
}

/** The toasts on screen (the latest four), each dismissed by hand or when its time is up. */
function useToastQueue() {
  const [toasts, setToasts] = useState<Toast[]>([]);
  const nextId = useRef(1);
  const timers = useRef(new Map<number, ReturnType<typeof setTimeout>>());

  const dismiss = useCallback((id: number) => {
    const timer = timers.current.get(id);
    if (timer) clearTimeout(timer);
    timers.current.delete(id);
    setToasts((list) => list.filter((t) => t.id !== id));
  }, []);

  const show = useCallback(
    (input: ToastInput) => {
      const id = nextId.current++;
      setToasts((list) => [...list.slice(-3), { ...input, id }]);
      const duration = toastDuration(input);
      if (duration > 0)
        timers.current.set(
          id,
          setTimeout(() => dismiss(id), duration),
        );
      return id;
    },
    [dismiss],
  );

  useEffect(() => {
    const map = timers.current;
    return () => {
      for (const timer of map.values()) clearTimeout(timer);
      map.clear();
    };
  }, []);

  return { toasts, show, dismiss };
}

export function ToastProvider({ children }: { children: ReactNode }) {
  const { toasts, show, dismiss } = useToastQueue();
  const api = useMemo(() => ({ show, dismiss }), [show, dismiss]);
  // Pages whose content runs under the toasts (the chat on a phone) leave `--toast-room` free.
  const regionRef = useRef<HTMLDivElement>(null);
  useHeightVariable(regionRef, '--toast-room');

  return (
    <ToastContext.Provider value={api}>
      {children}
      <div className="toasts" role="region" aria-label="Notifications" aria-live="polite" ref={regionRef}>
        {toasts.map((t) => (
          <ToastItem key={t.id} toast={t} onDismiss={() => dismiss(t.id)} />
        ))}
      </div>
    </ToastContext.Provider>
  );
}

function ToastItem({ toast: t, onDismiss }: { toast: Toast; onDismiss: () => void }) {
  return (
    <div
      className={`toast toast--${t.tone ?? 'info'}`}
      role={t.tone === 'error' ? 'alert' : 'status'}
      data-testid="toast"
    >
      <Icon name={t.tone === 'error' ? 'alert' : 'check'} className="toast__icon" />
      <p className="toast__message">{t.message}</p>
      {t.action && (
        <button
          type="button"
          className="btn btn-small btn-secondary"
          data-testid="toast-action"
          onClick={() => {
            onDismiss();
            t.action?.onClick();
          }}
        >
          {t.action.label}
        </button>
      )}
      <button type="button" className="icon-btn icon-btn--small" aria-label="Dismiss" onClick={onDismiss}>
        <Icon name="close" size={16} />
      </button>
    </div>
  );
}
