// A list the API pages with a cursor (`{ items, nextCursor }`), read a page at a time: the first
// page at once, the next when the reader asks for more ("Show more").
import { keepPreviousData, useInfiniteQuery } from '@tanstack/react-query';
import { api } from './api.ts';

export const PAGE_SIZE = 50;

export function usePagedList<T>(
  queryKey: unknown[],
  path: string,
  opts: { refetchInterval?: number } = {},
) {
  const q = useInfiniteQuery({
    queryKey,
    initialPageParam: '',
    queryFn: ({ pageParam }) =>
      api.get<{ items: T[]; nextCursor: string | null }>(
        `${path}${path.includes('?') ? '&' : '?'}limit=${PAGE_SIZE}${pageParam ? `&cursor=${encodeURIComponent(pageParam)}` : ''}`,
      ),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    // A new filter or key shows the last list until the new one is in, not an empty table.
    placeholderData: keepPreviousData,
    ...(opts.refetchInterval ? { refetchInterval: opts.refetchInterval } : {}),
  });
  return {
    items: q.data?.pages.flatMap((p) => p.items) ?? [],
    isLoading: q.isLoading,
    hasMore: q.hasNextPage,
    loadingMore: q.isFetchingNextPage,
    loadMore: () => void q.fetchNextPage(),
  };
}
