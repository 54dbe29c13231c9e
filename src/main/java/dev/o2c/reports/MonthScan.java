package dev.o2c.reports;

import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Reads a newest-first list kept in a partition per month (rows ordered by a time descending and
 * an id ascending) from a cursor backwards: a chunk of a month at a time, the rows a filter
 * keeps, until a page is full, {@code maxScan} rows were read, or the period's start is passed.
 */
final class MonthScan<T> {

  /** Reads up to {@code limit} rows of {@code month} with times in [lower, upper], newest first. */
  interface Chunk<T> {
    CompletionStage<List<T>> read(String month, Instant lower, Instant upper, int limit);
  }

  /** A page and where the next begins (null: no more); {@code scanned}: rows read. */
  record Result<T>(List<T> rows, ListCursor next, int scanned) {}

  static final int CHUNK = 500;

  private final Chunk<T> chunk;
  private final Function<T, Instant> at;
  private final Function<T, String> id;

  MonthScan(Chunk<T> chunk, Function<T, Instant> at, Function<T, String> id) {
    this.chunk = chunk;
    this.at = at;
    this.id = id;
  }

  static String month(Instant at) {
    return YearMonth.from(at.atOffset(ZoneOffset.UTC)).toString();
  }

  CompletionStage<Result<T>> scan(ListCursor start, Instant from, Predicate<T> keep, int limit, int maxScan) {
    return step(start, from, keep, limit, maxScan, new ArrayList<>(), 0);
  }

  private CompletionStage<Result<T>> step(ListCursor cursor, Instant from, Predicate<T> keep, int limit, int maxScan, List<T> found,
      int scanned) {
    if (cursor.at().isBefore(from)) {
      return CompletableFuture.completedFuture(new Result<>(found, null, scanned));
    }
    String month = month(cursor.at());
    Instant monthStart = YearMonth.parse(month).atDay(1).atStartOfDay().toInstant(ZoneOffset.UTC);
    Instant lower = from.isAfter(monthStart) ? from : monthStart;
    return chunk.read(month, lower, cursor.at(), CHUNK).thenCompose(rows -> {
      ListCursor next = cursor;
      int seen = scanned;
      boolean moved = false;
      for (T row : rows) {
        if (!cursor.isAfter(at.apply(row), id.apply(row))) {
          continue; // on an earlier page
        }
        moved = true;
        seen++;
        next = new ListCursor(at.apply(row), id.apply(row));
        if (keep.test(row)) {
          found.add(row);
        }
        if (found.size() >= limit || seen >= maxScan) {
          return CompletableFuture.completedFuture(new Result<>(found, next, seen));
        }
      }
      if (rows.size() < CHUNK) {
        next = ListCursor.before(monthStart.minusMillis(1)); // the month is done: the month before
      } else if (!moved) {
        next = ListCursor.before(cursor.at().minusMillis(1)); // a whole chunk at one instant was on earlier pages
      }
      return step(next, from, keep, limit, maxScan, found, seen);
    });
  }
}
