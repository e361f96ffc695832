// Entry of the side panel / sidebar page (also opened in a full tab with ?view=tab).
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { bookRepository, onBookWrites } from '../../lib/books/repository.ts';
import { replayJournal } from '../../lib/books/draft-journal.ts';
import { uiLocale } from '../../lib/i18n.ts';
import { notifyBooksChanged } from '../../lib/sync/messages.ts';
import { App } from './App.tsx';
import './style.css';
import './manuscripts.css';

async function start() {
  document.documentElement.lang = uiLocale();
  const inTab = new URLSearchParams(location.search).get('view') === 'tab';
  // Every book written in this page wakes the background, which syncs it within a couple of seconds.
  onBookWrites(notifyBooksChanged);
  // Typing that a closed page could not finish saving is stored before anything reads the books.
  await replayJournal(localStorage, bookRepository()).catch((error) => console.error('[anclora] replay failed', error));
  createRoot(document.getElementById('root')!).render(
    <StrictMode>
      <App inTab={inTab} />
    </StrictMode>,
  );
}

void start();
