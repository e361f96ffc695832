// Two versions of a manuscript compared: changed paragraphs with the words added and removed marked, a paragraph of
// context around each change, unchanged stretches folded. Used by the merge review, the conflict banner and history.
import { useMemo } from 'react';
import { formatCount, t } from '../lib/i18n.ts';
import { diffVersions, type DiffBlock, type DiffPart } from '../lib/books/version-diff.ts';

export interface VersionDiffProps {
  /** The earlier (or the other) version's HTML: what is only here shows as removed. */
  before: string;
  /** The later (or this) version's HTML: what is only here shows as added. */
  after: string;
  /** Names the comparison for assistive technology ("Your version against the book now"). */
  label: string;
  /** Unchanged paragraphs shown around each change. */
  context?: number;
  /** Hide the words-added/removed summary (a short passage says it by itself). */
  compact?: boolean;
  testId?: string;
}

function Part({ part }: { part: DiffPart }) {
  if (part.op === 'equal') return <>{part.text}</>;
  const Tag = part.op === 'insert' ? 'ins' : 'del';
  return (
    <Tag>
      <span className="sr-only">{t(part.op === 'insert' ? 'diffAddedMark' : 'diffRemovedMark')}</span>
      {part.text}
    </Tag>
  );
}

function Block({ block }: { block: DiffBlock }) {
  switch (block.kind) {
    case 'folded':
      return (
        <p className="diff-folded">
          {block.count === 1 ? t('diffFoldedOne') : t('diffFoldedOther', formatCount(block.count))}
        </p>
      );
    case 'same':
      return <p className={`diff-block diff-same diff-${block.tag || 'text'}`}>{block.text}</p>;
    case 'changed':
      return (
        <p className={`diff-block diff-changed diff-${block.tag || 'text'}`}>
          {block.parts.map((part, i) => (
            <Part key={i} part={part} />
          ))}
        </p>
      );
    case 'added':
    case 'removed':
      return (
        <p className={`diff-block diff-${block.kind} diff-${block.tag || 'text'}`}>
          <Part part={{ op: block.kind === 'added' ? 'insert' : 'delete', text: block.text }} />
        </p>
      );
  }
}

export function VersionDiff({ before, after, label, context, compact, testId }: VersionDiffProps) {
  // Paragraphs first, words only inside changed ones: proportional to the edit, even on a whole novel.
  const diff = useMemo(() => diffVersions(before, after, { context }), [before, after, context]);
  const identical = diff.blocks.every((b) => b.kind === 'folded' || b.kind === 'same');
  return (
    <section className="version-diff" aria-label={label} data-testid={testId ?? 'version-diff'}>
      {!compact && (
        <p className="diff-summary">
          {identical ? t('diffSame') : t('diffSummary', [formatCount(diff.wordsAdded), formatCount(diff.wordsRemoved)])}
        </p>
      )}
      {diff.blocks.map((block, i) => (
        <Block key={i} block={block} />
      ))}
    </section>
  );
}
