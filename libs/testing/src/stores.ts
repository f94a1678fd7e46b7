import type { EventStore, ReadAllOptions } from '@emargement/event-store';

/** The real store, with the positions its filtered reads started from noted (`'start'` when none was given). */
export function notingFilteredReads(store: EventStore): { store: EventStore; froms: (bigint | 'start' | 'end')[] } {
  const froms: (bigint | 'start' | 'end')[] = [];
  const noted = Object.create(store) as EventStore;
  noted.readAll = (options?: ReadAllOptions) => {
    if (options?.filter) froms.push(options.fromPosition ?? 'start');
    return store.readAll(options);
  };
  return { store: noted, froms };
}

/** The real store as an adapter without the optional appends across streams sees it (EventStoreDB's). */
export function withoutAppendToStreams(store: EventStore): EventStore {
  return {
    appendToStream: (s, e, o) => store.appendToStream(s, e, o),
    readStream: (s, o) => store.readStream(s, o),
    readAll: (o) => store.readAll(o),
    subscribeToAll: (o) => store.subscribeToAll(o),
    close: () => store.close(),
  };
}
