package dev.o2c.reports;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;

/**
 * The report read models (config/cql/060-reports.cql): each customer's {@link Book}, its totals
 * now and at the end of each day it changed, each day's flows per customer, and how far behind
 * each projection instance is. Every write is a keyed upsert of what a book holds.
 */
public interface ReportStore {

  /** A customer's totals as of a day. */
  record CustomerTotals(String customerId, LocalDate day, Totals totals) {}

  /** What a customer has open: all the AR aging reads. */
  record OpenLine(String customerId, String currency, OpenBalances open, java.math.BigDecimal unapplied,
                  java.math.BigDecimal accountCredit) {

    /** The open balances of these totals by issue date ({@code byIssue}) or by due date. */
    static OpenLine of(CustomerTotals c, boolean byIssue) {
      Totals t = c.totals();
      return new OpenLine(c.customerId(), t.currency(), OpenBalances.of(byIssue ? t.openByIssue() : t.openByDue()), t.unapplied(),
          t.accountCredit());
    }
  }

  /** What a day brought to a customer ({@link Book#today()}). */
  record DayFlows(LocalDate day, String customerId, Totals flows) {}

  /** Where a projection instance stands: the write time of the last event it handled and when. */
  record Lag(String projection, String instance, Instant eventAt, Instant handledAt, long lagMillis, long p99Millis, long events) {}

  /** The customer's book with the given invoices of it (an empty book if there is none). */
  CompletionStage<Book> load(String tenantId, String customerId, Set<String> invoiceIds);

  /**
   * Stores what the book's events changed (one write of the customer's partition, so a crash never
   * leaves a book's invoices ahead of its sequence number), then its totals, its day and its day's
   * flows.
   */
  CompletionStage<Done> save(String tenantId, String customerId, Book book);

  /** Every customer's totals now, without the open balances by date ({@link #open} reads those). */
  CompletionStage<List<CustomerTotals>> customers(String tenantId);

  /**
   * What every customer (or only {@code customerId}) has open now: the currency, the open
   * balances of one basis (by due date, or by issue date when {@code byIssue}), unapplied cash and
   * account credit — all the aging of today reads.
   */
  CompletionStage<List<OpenLine>> open(String tenantId, String customerId, boolean byIssue);

  /** A customer's totals at the end of {@code day}: the last day on or before it that changed them. */
  CompletionStage<Optional<CustomerTotals>> asOf(String tenantId, String customerId, LocalDate day);

  /** Each day's flows per customer from {@code from} to {@code to}, both included. */
  CompletionStage<List<DayFlows>> days(String tenantId, LocalDate from, LocalDate to);

  CompletionStage<Done> saveLag(Lag lag);

  CompletionStage<List<Lag>> lags();

  /**
   * The tenant's invoices issued from {@code from} to {@code to} that match, newest first, from
   * {@code pageToken} on; at most {@code limit}, reading at most {@code maxScan} rows.
   */
  CompletionStage<InvoiceRow.Page> invoices(String tenantId, InvoiceRow.Query query, LocalDate from, LocalDate to, String pageToken, int limit,
      int maxScan);

  /** Deletes the tenant's report rows (before a rebuild from the journal). */
  CompletionStage<Done> deleteTenant(String tenantId);
}
