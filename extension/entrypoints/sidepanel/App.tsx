// The panel (and full-tab editor) shell: header, book list or editor by route, and the delete/undo notice.
import { useCallback, useEffect, useState } from 'react';
import { BookEditor } from '../../components/BookEditor.tsx';
import { BookList } from '../../components/BookList.tsx';
import { ConflictBanner } from '../../components/ConflictBanner.tsx';
import { HistoryView } from '../../components/HistoryView.tsx';
import { SettingsView } from '../../components/SettingsView.tsx';
import { SyncStatusBadge } from '../../components/SyncStatusBadge.tsx';
import { TrashView } from '../../components/TrashView.tsx';
import { UndoNotice } from '../../components/UndoNotice.tsx';
import { WelcomeNote } from '../../components/WelcomeNote.tsx';
import { useDisplaySettings, usePaintedDisplay } from '../../components/useDisplaySettings.ts';
import { bookRepository, bookTrash, type RemovedBook } from '../../lib/books/repository.ts';
import { t } from '../../lib/i18n.ts';
import { parseRoute, routeHash, type Route } from '../../lib/navigation.ts';

export function App({ inTab }: { inTab: boolean }) {
  const [route, setRoute] = useState<Route>(() => parseRoute(location.hash));
  const [removed, setRemoved] = useState<RemovedBook | null>(null);
  const [settingsOpen, setSettingsOpen] = useState(false);
  const [display] = useDisplaySettings();
  usePaintedDisplay(display);

  // Books whose time in the trash is over go when the panel opens (the trash view purges again when shown).
  useEffect(() => void bookTrash().purge(), []);

  useEffect(() => {
    const onHashChange = () => setRoute(parseRoute(location.hash));
    window.addEventListener('hashchange', onHashChange);
    return () => window.removeEventListener('hashchange', onHashChange);
  }, []);

  const navigate = useCallback((next: Route) => {
    location.hash = routeHash(next);
  }, []);

  const createBook = async () => {
    const book = await bookRepository().create({ title: t('untitled') });
    navigate({ view: 'book', bookId: book.id });
  };

  const undoDelete = async () => {
    if (!removed) return;
    await bookRepository().restore(removed);
    setRemoved(null);
    navigate({ view: 'book', bookId: removed.before.id });
  };

  return (
    <div className={`app ${inTab ? 'app-tab' : 'app-panel'}`}>
      <header className="app-header">
        <span className="brand">{t('extName')}</span>
        <SyncStatusBadge onOpenSettings={() => setSettingsOpen(true)} />
        <button type="button" data-testid="open-settings" aria-expanded={settingsOpen} onClick={() => setSettingsOpen(true)}>
          {t('settings')}
        </button>
      </header>
      {settingsOpen && (
        <div className="settings-panel">
          <SettingsView />
          <button type="button" data-testid="close-settings" onClick={() => setSettingsOpen(false)}>
            {t('dismiss')}
          </button>
        </div>
      )}
      <ConflictBanner bookId={route.view === 'book' ? route.bookId : undefined} />
      <main className="app-main">
        {route.view === 'list' && <WelcomeNote />}
        {route.view === 'list' ? (
          <BookList
            onOpen={(bookId) => navigate({ view: 'book', bookId })}
            onCreate={() => void createBook()}
            onDeleted={setRemoved}
            onOpenTrash={() => navigate({ view: 'trash' })}
          />
        ) : route.view === 'trash' ? (
          <TrashView
            onBack={() => navigate({ view: 'list' })}
            onRestored={(bookId) => {
              setRemoved(null);
              navigate({ view: 'book', bookId });
            }}
          />
        ) : route.view === 'history' ? (
          <HistoryView
            key={route.bookId}
            bookId={route.bookId}
            onBack={() => navigate({ view: 'book', bookId: route.bookId })}
            onRestored={() => navigate({ view: 'book', bookId: route.bookId })}
          />
        ) : (
          <BookEditor
            key={route.bookId}
            bookId={route.bookId}
            inTab={inTab}
            onBack={() => navigate({ view: 'list' })}
            onOpenHistory={() => navigate({ view: 'history', bookId: route.bookId })}
            onDeleted={(r) => {
              setRemoved(r);
              navigate({ view: 'list' });
            }}
          />
        )}
      </main>
      {removed && (
        <UndoNotice
          message={t('bookDeleted', removed.before.title)}
          onUndo={() => void undoDelete()}
          onDismiss={() => setRemoved(null)}
        />
      )}
    </div>
  );
}
