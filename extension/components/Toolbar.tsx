// The formatting toolbar: one labelled button per command (with its shortcut in the tooltip) and the link form.
import { useEditorState, type Editor } from '@tiptap/react';
import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import { isAllowedHref } from '../../shared/html-policy.ts';
import { t, type MessageKey } from '../lib/i18n.ts';

export const MOD = typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform) ? '⌘' : 'Ctrl+';

interface Command {
  id: string;
  label: MessageKey;
  /** The button's face: a symbol, or a catalogue key where the letters differ by language (B / N for bold). */
  glyph: string | { key: MessageKey };
  shortcut?: string;
  run: (editor: Editor) => void;
  active?: (editor: Editor) => boolean;
  enabled?: (editor: Editor) => boolean;
  /** Shown under "More" when the toolbar is narrow (the panel), so the toolbar stays one row. */
  secondary?: true;
}

const chain = (editor: Editor) => editor.chain().focus();

const COMMANDS: Command[] = [
  { id: 'paragraph', label: 'paragraph', glyph: '¶', shortcut: `${MOD}Alt+0`, run: (e) => chain(e).setParagraph().run(), active: (e) => e.isActive('paragraph'), secondary: true },
  { id: 'h1', label: 'heading1', glyph: { key: 'glyphHeading1' }, shortcut: `${MOD}Alt+1`, run: (e) => chain(e).toggleHeading({ level: 1 }).run(), active: (e) => e.isActive('heading', { level: 1 }) },
  { id: 'h2', label: 'heading2', glyph: { key: 'glyphHeading2' }, shortcut: `${MOD}Alt+2`, run: (e) => chain(e).toggleHeading({ level: 2 }).run(), active: (e) => e.isActive('heading', { level: 2 }) },
  { id: 'h3', label: 'heading3', glyph: { key: 'glyphHeading3' }, shortcut: `${MOD}Alt+3`, run: (e) => chain(e).toggleHeading({ level: 3 }).run(), active: (e) => e.isActive('heading', { level: 3 }), secondary: true },
  { id: 'bold', label: 'bold', glyph: { key: 'glyphBold' }, shortcut: `${MOD}B`, run: (e) => chain(e).toggleBold().run(), active: (e) => e.isActive('bold') },
  { id: 'italic', label: 'italic', glyph: { key: 'glyphItalic' }, shortcut: `${MOD}I`, run: (e) => chain(e).toggleItalic().run(), active: (e) => e.isActive('italic') },
  { id: 'underline', label: 'underline', glyph: { key: 'glyphUnderline' }, shortcut: `${MOD}U`, run: (e) => chain(e).toggleUnderline().run(), active: (e) => e.isActive('underline') },
  { id: 'strike', label: 'strike', glyph: { key: 'glyphStrike' }, shortcut: `${MOD}Shift+S`, run: (e) => chain(e).toggleStrike().run(), active: (e) => e.isActive('strike'), secondary: true },
  { id: 'code', label: 'code', glyph: '</>', shortcut: `${MOD}E`, run: (e) => chain(e).toggleCode().run(), active: (e) => e.isActive('code'), secondary: true },
  { id: 'blockquote', label: 'blockquote', glyph: '❝', shortcut: `${MOD}Shift+B`, run: (e) => chain(e).toggleBlockquote().run(), active: (e) => e.isActive('blockquote') },
  { id: 'bullets', label: 'bulletList', glyph: '•', shortcut: `${MOD}Shift+8`, run: (e) => chain(e).toggleBulletList().run(), active: (e) => e.isActive('bulletList') },
  { id: 'numbers', label: 'orderedList', glyph: '1.', shortcut: `${MOD}Shift+7`, run: (e) => chain(e).toggleOrderedList().run(), active: (e) => e.isActive('orderedList') },
  { id: 'hr', label: 'horizontalRule', glyph: '―', run: (e) => chain(e).setHorizontalRule().run(), secondary: true },
  { id: 'undo', label: 'undo', glyph: '↶', shortcut: `${MOD}Z`, run: (e) => chain(e).undo().run(), enabled: (e) => e.can().undo() },
  { id: 'redo', label: 'redo', glyph: '↷', shortcut: `${MOD}Shift+Z`, run: (e) => chain(e).redo().run(), enabled: (e) => e.can().redo(), secondary: true },
];

interface ToolbarProps {
  editor: Editor;
  linkFormOpen: boolean;
  onLinkFormOpenChange: (open: boolean) => void;
}

export function Toolbar({ editor, linkFormOpen, onLinkFormOpenChange }: ToolbarProps) {
  // Re-render on selection/transaction changes only with the few booleans the buttons need.
  const states = useEditorState({
    editor,
    selector: ({ editor: e }) =>
      COMMANDS.map((c) => `${c.active?.(e) ? 1 : 0}${c.enabled ? (c.enabled(e) ? 1 : 0) : 1}`).join('') +
      (e.isActive('link') ? 'L' : ''),
  });
  const linkActive = states.endsWith('L');

  // Arrow keys move between buttons, as in any toolbar; Tab still reaches every button too.
  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    if (event.key !== 'ArrowLeft' && event.key !== 'ArrowRight') return;
    // Only the buttons shown: in the panel the secondary ones live under "More".
    const buttons = Array.from(event.currentTarget.querySelectorAll<HTMLButtonElement>('button:not(:disabled)')).filter(
      (button) => button.getClientRects().length > 0,
    );
    const index = buttons.indexOf(document.activeElement as HTMLButtonElement);
    if (index < 0) return;
    event.preventDefault();
    const next = buttons[(index + (event.key === 'ArrowRight' ? 1 : -1) + buttons.length) % buttons.length];
    next?.focus();
  };

  const renderTool = (command: Command, i: number, inMenu = false) => {
    const [active, enabled] = [states[i * 2] === '1', states[i * 2 + 1] === '1'];
    const label = t(command.label);
    return (
      <button
        key={command.id}
        type="button"
        className={`tool tool-${command.id}${command.secondary && !inMenu ? ' tool-secondary' : ''}`}
        title={command.shortcut ? `${label} (${command.shortcut})` : label}
        aria-pressed={command.active ? active : undefined}
        disabled={!enabled}
        onMouseDown={(e) => e.preventDefault() /* keep the editor's selection */}
        onClick={() => command.run(editor)}
      >
        {/* The name comes from the hidden text (not aria-label), so it never contradicts the visible glyph. */}
        <span aria-hidden="true">{typeof command.glyph === 'string' ? command.glyph : t(command.glyph.key)}</span>
        <span className="sr-only">{label}</span>
      </button>
    );
  };

  return (
    <>
      <div className="toolbar" role="toolbar" aria-label={t('formatting')} onKeyDown={onKeyDown}>
        {COMMANDS.map((command, i) => renderTool(command, i))}
        <button
          type="button"
          className="tool tool-link"
          title={`${t('link')} (${MOD}K)`}
          aria-pressed={linkActive}
          aria-expanded={linkFormOpen}
          onMouseDown={(e) => e.preventDefault()}
          onClick={() => onLinkFormOpenChange(!linkFormOpen)}
        >
          <svg aria-hidden="true" width="14" height="14" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="2.4" strokeLinecap="round">
            <path d="M10 14a4 4 0 0 0 5.7 0l3-3a4 4 0 0 0-5.7-5.7l-1 1" />
            <path d="M14 10a4 4 0 0 0-5.7 0l-3 3a4 4 0 0 0 5.7 5.7l1-1" />
          </svg>
          <span className="sr-only">{t('link')}</span>
        </button>
        <details className="toolbar-more">
          <summary className="tool" title={t('moreFormatting')}>
            <span aria-hidden="true">⋯</span>
            <span className="sr-only">{t('moreFormatting')}</span>
          </summary>
          <div className="toolbar-more-menu">
            {COMMANDS.map((command, i) => (command.secondary ? renderTool(command, i, true) : null))}
          </div>
        </details>
      </div>
      {linkFormOpen && <LinkForm editor={editor} onClose={() => onLinkFormOpenChange(false)} />}
    </>
  );
}

function LinkForm({ editor, onClose }: { editor: Editor; onClose: () => void }) {
  const [href, setHref] = useState(() => (editor.getAttributes('link').href as string | undefined) ?? '');
  const [error, setError] = useState('');
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => input.current?.focus(), []);

  const close = () => {
    onClose();
    editor.commands.focus();
  };
  const apply = () => {
    const value = href.trim();
    if (!value) return remove();
    const withScheme = /^[a-z][a-z0-9+.-]*:/i.test(value) ? value : `https://${value}`;
    if (!isAllowedHref(withScheme)) return setError(t('invalidLink'));
    editor.chain().focus().extendMarkRange('link').setLink({ href: withScheme }).run();
    onClose();
  };
  const remove = () => {
    editor.chain().focus().extendMarkRange('link').unsetLink().run();
    onClose();
  };

  return (
    <form
      className="link-form"
      onSubmit={(e) => {
        e.preventDefault();
        apply();
      }}
      onKeyDown={(e) => {
        if (e.key === 'Escape') {
          e.preventDefault();
          close();
        }
      }}
    >
      <label>
        <span>{t('linkAddress')}</span>
        <input
          ref={input}
          type="text"
          inputMode="url"
          autoCapitalize="off"
          spellCheck={false}
          value={href}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? 'link-error' : undefined}
          onChange={(e) => {
            setHref(e.target.value);
            setError('');
          }}
          placeholder="https://"
        />
      </label>
      <button type="submit">{t('applyLink')}</button>
      <button type="button" onClick={remove}>
        {t('removeLink')}
      </button>
      <button type="button" onClick={close}>
        {t('cancel')}
      </button>
      {error && (
        <p id="link-error" role="alert" className="error">
          {error}
        </p>
      )}
    </form>
  );
}
