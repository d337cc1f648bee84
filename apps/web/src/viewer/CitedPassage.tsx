/** The cited passage quoted above the document, with a way to its page when another is shown. */
export function CitedPassage({
  quoted,
  citedPage,
  page,
  paged,
  onGo,
}: {
  quoted: string;
  citedPage: number;
  page: number;
  paged: boolean;
  onGo: (page: number) => void;
}) {
  return (
    <aside className="passage" aria-label="Cited passage" data-testid="cited-passage">
      <p className="passage__label">
        Cited passage · p. {citedPage}
        {citedPage !== page && paged && (
          <button type="button" className="link-btn" onClick={() => onGo(citedPage)}>
            Go to page {citedPage}
          </button>
        )}
      </p>
      <blockquote className="passage__text">{quoted.replace(/\s+/g, ' ').trim()}</blockquote>
    </aside>
  );
}
