import { useMemo, type ReactNode } from 'react';
import { parseMarkdown, type Block, type Run } from '@emargement/charter/markdown.js';

/**
 * The charter's text as React elements: every run of text goes through
 * React's text rendering, never `innerHTML`, so a charter cannot inject
 * markup into the tablet. Headings are shifted one level down (the page's
 * own title is the `h1`).
 */
export function CharterText({ text }: { text: string }) {
  const blocks = useMemo(() => parseMarkdown(text), [text]);
  return <div className="charter-text">{blocks.map(renderBlock)}</div>;
}

function renderRuns(runs: Run[]): ReactNode[] {
  return runs.map((run, i) => {
    let node: ReactNode = run.text;
    if (run.italic) node = <em>{node}</em>;
    if (run.bold) node = <strong>{node}</strong>;
    return <span key={i}>{node}</span>;
  });
}

function renderBlock(block: Block, key: number): ReactNode {
  switch (block.kind) {
    case 'heading': {
      const level = Math.min(6, block.level + 1);
      const Tag = `h${level}` as 'h2' | 'h3' | 'h4' | 'h5' | 'h6';
      return <Tag key={key}>{renderRuns(block.runs)}</Tag>;
    }
    case 'paragraph':
      return <p key={key}>{renderRuns(block.runs)}</p>;
    case 'quote':
      return <blockquote key={key}>{renderRuns(block.runs)}</blockquote>;
    case 'rule':
      return <hr key={key} />;
    case 'list':
      if (block.ordered) {
        return (
          <ol key={key}>
            {block.items.map((item, i) => (
              <li key={i} value={Number.parseInt(item.marker, 10) || i + 1}>
                {renderRuns(item.runs)}
              </li>
            ))}
          </ol>
        );
      }
      return (
        <ul key={key}>
          {block.items.map((item, i) => (
            <li key={i}>{renderRuns(item.runs)}</li>
          ))}
        </ul>
      );
  }
}
