import { markerStyleOf, type Citation } from '@classchat/contracts';
import 'katex/dist/katex.min.css';
import { memo, useMemo } from 'react';
import ReactMarkdown, { type Components } from 'react-markdown';
import rehypeKatex from 'rehype-katex';
import remarkGfm from 'remark-gfm';
import remarkMath from 'remark-math';
import { remarkCitations } from './citationMarkers.js';
import { CitationChip } from './CitationChip.js';

const rehypePlugins = [
  [rehypeKatex, { throwOnError: false, strict: 'ignore' }] as [typeof rehypeKatex, object],
];

/**
 * Answer text as markdown with formulas (`$…$`, `$$…$$`), tables, code, and `【n】` citation chips
 * that open the viewer (`[n]` in answers saved before those markers). Citations that are not (yet)
 * known render as plain `[n]`.
 */
export const Markdown = memo(function Markdown({
  content,
  citations,
}: {
  content: string;
  citations: Citation[];
}) {
  const style = markerStyleOf(content);
  const remarkPlugins = useMemo(() => {
    const known = new Set(citations.map((c) => c.n));
    const accepts = style === 'brackets' ? (n: number) => known.has(n) : undefined;
    return [remarkGfm, remarkMath, remarkCitations({ style, ...(accepts ? { accepts } : {}) })];
  }, [style, citations]);
  const components = useMemo<Components>(() => {
    const byN = new Map(citations.map((c) => [c.n, c]));
    return {
      cite: ({ node }) => {
        const n = Number(node?.properties?.dataN);
        return <CitationChip n={n} citation={byN.get(n)} />;
      },
      a: ({ node: _node, href, children, ...rest }) => {
        const external = typeof href === 'string' && /^https?:/i.test(href);
        return (
          <a href={href} {...rest} {...(external ? { target: '_blank', rel: 'noreferrer noopener' } : {})}>
            {children}
          </a>
        );
      },
      table: ({ node: _node, ...props }) => (
        <div className="md-table">
          <table {...props} />
        </div>
      ),
    };
  }, [citations]);

  return (
    <div className="markdown">
      <ReactMarkdown remarkPlugins={remarkPlugins} rehypePlugins={rehypePlugins} components={components}>
        {content}
      </ReactMarkdown>
    </div>
  );
});
