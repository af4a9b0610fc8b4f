/**
 * The console's tables: one accessible shape for every list (a caption for screen readers, column
 * headers, the row's name as its row header), row buttons that say which row they act on, and
 * "load more" for long logs.
 */
import { type ReactNode, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorMessage, ForName, type Loadable, LoadState } from './ui';

export interface Column<T> {
  header: ReactNode;
  cell(row: T): ReactNode;
  /** The cell that names the row: a `<th scope="row">`. */
  rowHeader?: boolean;
  className?: string;
  /** A `data-testid` on the cell. */
  testId?(row: T): string;
}

type DataAttributes = Record<`data-${string}`, string | number | undefined>;

export function DataTable<T>(props: DataTableProps<T>) {
  if (props.state)
    return (
      <LoadState state={props.state}>
        <DataTable {...props} state={undefined} />
      </LoadState>
    );
  const table = <Table {...props} />;
  return props.more ? (
    <>
      {table}
      <LoadMore paged={props.more.paged} endText={props.more.endText} />
    </>
  ) : (
    table
  );
}

interface DataTableProps<T> {
  /** Read by screen readers (the page title is usually right). */
  caption: string;
  testId?: string;
  rows: readonly T[];
  /** A row's key for React: by default its `id` (its place where it has none). */
  rowKey?(row: T): string | number;
  /** `data-` attributes of a row (tests find rows by them). */
  rowData?(row: T): DataAttributes;
  /** `false` leaves a column out (e.g. actions only some people have). */
  columns: readonly (Column<T> | false)[];
  /** Shown instead of an empty table. */
  empty?: ReactNode;
  compact?: boolean;
  /** What the rows are loaded from: the table shows its loading and failure (with "try again") itself. */
  state?: Loadable<unknown>;
  /** A long log read page by page: "load more" under the table. */
  more?: { paged: PagedRows; endText: string };
}

function Table<T>(props: DataTableProps<T>) {
  const columns = props.columns.filter((c): c is Column<T> => c !== false);
  const rowKey = (row: T, i: number) => props.rowKey?.(row) ?? (row as { id?: string | number }).id ?? i;
  if (props.rows.length === 0 && props.empty !== undefined) return <p>{props.empty}</p>;
  return (
    // Focusable: on a phone a wide table scrolls sideways, and keyboard users must be able to scroll it too.
    // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region is reached by keyboard (WCAG 2.1.1)
    <div className="table-wrap" tabIndex={0}>
      <table className={props.compact ? 'table table-compact' : 'table'} data-testid={props.testId}>
        <caption className="visually-hidden">{props.caption}</caption>
        <thead>
          <tr>
            {columns.map((c, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: the columns are fixed for a table
              <th scope="col" key={i}>
                {c.header}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {props.rows.map((row, i) => (
            <tr key={rowKey(row, i)} {...props.rowData?.(row)}>
              {columns.map((c, i) => {
                const cell = { className: c.className, 'data-testid': c.testId?.(row), children: c.cell(row) };
                // biome-ignore lint/suspicious/noArrayIndexKey: the columns are fixed for a table
                return c.rowHeader ? <th scope="row" key={i} {...cell} /> : <td key={i} {...cell} />;
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** A small button in a table row; screen readers hear which row it acts on ("発行（佐藤 ハル）"). */
export function RowButton(props: {
  label: string;
  /** The row's name. */
  name?: string;
  onClick(): void;
  danger?: boolean;
  testId?: string;
}) {
  return (
    <button
      type="button"
      className={props.danger ? 'button button-small button-danger-outline' : 'button button-small'}
      onClick={props.onClick}
      data-testid={props.testId}
    >
      {props.label}
      {props.name ? <ForName name={props.name} /> : null}
    </button>
  );
}

export interface RowAction {
  label: string;
  onClick(): void;
  danger?: boolean;
  testId?: string;
}

/** A row's buttons, each saying which row it acts on (`false` or null leaves one out). */
export function RowButtons({ name, actions }: { name: string; actions: readonly (RowAction | false | null)[] }) {
  return <>{actions.map((a) => (a ? <RowButton key={a.label} {...a} name={name} /> : null))}</>;
}

/** The column of a row's buttons (`false` or null leaves one out), each saying which row (`name`) it acts on. */
export function actionsColumn<T>(
  header: string,
  name: (row: T) => string,
  actions: (row: T) => readonly (RowAction | false | null)[],
): Column<T> {
  return { header, className: 'actions', cell: (row) => <RowButtons name={name(row)} actions={actions(row)} /> };
}

/** A list read page by page (newest first): `loadPage(beforeId)` gives the page after the last row. */
export function usePagedRows<T extends { id: number }>(
  state: Loadable<T[]>,
  pageSize: number,
  loadPage: (beforeId: number) => Promise<T[]>,
) {
  const [more, setMore] = useState<{ busy: boolean; end: boolean; error: unknown }>({
    busy: false,
    end: false,
    error: null,
  });
  const rows = state.data ?? [];
  const loadMore = async () => {
    const last = rows[rows.length - 1];
    if (!last) return;
    setMore({ busy: true, end: false, error: null });
    try {
      const next = await loadPage(last.id);
      state.set((d) => [...(d ?? []), ...next]);
      setMore({ busy: false, end: next.length < pageSize, error: null });
    } catch (error) {
      setMore({ busy: false, end: false, error });
    }
  };
  return { rows, more, loadMore, hasMore: rows.length >= pageSize && !more.end };
}

type PagedRows = ReturnType<typeof usePagedRows>;

/** "Load more" under a paged list, or a note that this is the end of it. */
function LoadMore({ paged, endText }: { paged: PagedRows; endText: string }) {
  const { t } = useTranslation();
  return (
    <>
      <ErrorMessage error={paged.more.error} />
      {paged.hasMore ? (
        <button type="button" className="button" onClick={() => void paged.loadMore()} disabled={paged.more.busy}>
          {t('common.loadMore')}
        </button>
      ) : paged.rows.length > 0 ? (
        <p className="hint">{endText}</p>
      ) : null}
    </>
  );
}
