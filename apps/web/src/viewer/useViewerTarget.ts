import { useLocation, useNavigate, useSearchParams } from 'react-router-dom';
import type { ViewerLocationState } from '../chat/CitationChip.js';
import { paramsForPage, parseViewerTarget } from './viewerUrl.js';

/**
 * Where the viewer stands: the page of the address (within `pageCount` once known), the cited span
 * (`cited`, from the address or the history entry) and the in-app citation that opened it; `goTo`
 * turns the page, `back` leaves the viewer.
 */
export function useViewerTarget(pageCount: number | null) {
  const [params, setParams] = useSearchParams();
  const location = useLocation();
  const navigate = useNavigate();
  const state = (location.state as ViewerLocationState | null) ?? null;
  const citation = state?.citation ?? null;
  const target = parseViewerTarget(params);
  // The address carries the span on its own page; the history entry remembers it on the others.
  const cited = target.span ?? state?.cited ?? null;
  const page = pageCount ? Math.min(target.page, pageCount) : target.page;

  function goTo(n: number) {
    const to = Math.min(Math.max(1, n), pageCount ?? n);
    const next: ViewerLocationState = { ...state, ...(cited ? { cited } : {}) };
    setParams(paramsForPage(params, to, cited), { replace: true, state: next });
  }

  function back() {
    if (state?.from || window.history.length > 1) void navigate(-1);
    else void navigate('/library');
  }

  return { citation, cited, page, goTo, back };
}
