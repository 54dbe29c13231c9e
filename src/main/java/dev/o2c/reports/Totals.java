package dev.o2c.reports;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.Map;
import java.util.TreeMap;

/**
 * A customer's money as the reports see it, in the customer's currency: what is open now (by due
 * date and by issue date — the aging of any day is made from these) and running totals since the
 * first event, so that any period's figure is the difference of two days' totals. Kept by
 * {@link Book}; stored as JSON in the report tables. Mutable: only a book changes it, and a copy
 * ({@link #copy()}) is what leaves it.
 */
@JsonAutoDetect(fieldVisibility = JsonAutoDetect.Visibility.ANY, getterVisibility = JsonAutoDetect.Visibility.NONE,
    isGetterVisibility = JsonAutoDetect.Visibility.NONE)
public final class Totals {

  String currency;
  /** Open balances by due date (no zero entries). */
  TreeMap<LocalDate, BigDecimal> openByDue = new TreeMap<>();
  /** Open balances by issue date (no zero entries). */
  TreeMap<LocalDate, BigDecimal> openByIssue = new TreeMap<>();
  /** Cash of payments not applied to invoices yet. */
  BigDecimal unapplied = BigDecimal.ZERO;
  /** Credit to the customer's good (credit notes beyond a balance). */
  BigDecimal accountCredit = BigDecimal.ZERO;

  /** Invoices issued: their totals (credit sales) and how many. */
  BigDecimal invoiced = BigDecimal.ZERO;
  long invoices;
  /** Invoices voided: their totals. */
  BigDecimal voided = BigDecimal.ZERO;
  /** Cash received (every payment the account took, whole) and how many payments. */
  BigDecimal received = BigDecimal.ZERO;
  long payments;
  /** Cash applied to invoices, by the rule that applied it; UNAPPLIED: what a payment left over when it came. */
  TreeMap<String, BigDecimal> applied = new TreeMap<>();
  /** Applications taken back by hand, and cash reversed (chargebacks, returned payments). */
  BigDecimal unallocated = BigDecimal.ZERO;
  BigDecimal reversed = BigDecimal.ZERO;
  BigDecimal refunded = BigDecimal.ZERO;
  /** Credit notes issued (their whole amounts), and write-offs of small differences. */
  BigDecimal creditNotes = BigDecimal.ZERO;
  BigDecimal writtenOff = BigDecimal.ZERO;
  /** Invoices paid off with cash, and the days from issue to payment summed over them. */
  long paidInvoices;
  long daysToPay;
  LocalDate firstInvoice;
  LocalDate lastInvoice;

  public String currency() {
    return currency;
  }

  public Map<LocalDate, BigDecimal> openByDue() {
    return java.util.Collections.unmodifiableMap(openByDue);
  }

  public Map<LocalDate, BigDecimal> openByIssue() {
    return java.util.Collections.unmodifiableMap(openByIssue);
  }

  /** The open receivables: the sum of the open balances. */
  public BigDecimal open() {
    return openByDue.values().stream().reduce(BigDecimal.ZERO, BigDecimal::add);
  }

  public BigDecimal unapplied() {
    return unapplied;
  }

  public BigDecimal accountCredit() {
    return accountCredit;
  }

  public BigDecimal invoiced() {
    return invoiced;
  }

  public long invoices() {
    return invoices;
  }

  public BigDecimal voided() {
    return voided;
  }

  public BigDecimal received() {
    return received;
  }

  public long payments() {
    return payments;
  }

  public Map<String, BigDecimal> applied() {
    return java.util.Collections.unmodifiableMap(applied);
  }

  public BigDecimal unallocated() {
    return unallocated;
  }

  public BigDecimal reversed() {
    return reversed;
  }

  public BigDecimal refunded() {
    return refunded;
  }

  public BigDecimal creditNotes() {
    return creditNotes;
  }

  public BigDecimal writtenOff() {
    return writtenOff;
  }

  public long paidInvoices() {
    return paidInvoices;
  }

  public long daysToPay() {
    return daysToPay;
  }

  public LocalDate firstInvoice() {
    return firstInvoice;
  }

  public LocalDate lastInvoice() {
    return lastInvoice;
  }

  Totals copy() {
    Totals t = new Totals();
    t.currency = currency;
    t.openByDue = new TreeMap<>(openByDue);
    t.openByIssue = new TreeMap<>(openByIssue);
    t.unapplied = unapplied;
    t.accountCredit = accountCredit;
    t.invoiced = invoiced;
    t.invoices = invoices;
    t.voided = voided;
    t.received = received;
    t.payments = payments;
    t.applied = new TreeMap<>(applied);
    t.unallocated = unallocated;
    t.reversed = reversed;
    t.refunded = refunded;
    t.creditNotes = creditNotes;
    t.writtenOff = writtenOff;
    t.paidInvoices = paidInvoices;
    t.daysToPay = daysToPay;
    t.firstInvoice = firstInvoice;
    t.lastInvoice = lastInvoice;
    return t;
  }

  /** A copy without the open balances by date: the running sums (a day's start, {@link Book}). */
  Totals withoutOpen() {
    Totals t = copy();
    t.openByDue = new TreeMap<>();
    t.openByIssue = new TreeMap<>();
    return t;
  }

  /**
   * What happened between {@code earlier} and these totals: the flows (invoiced, cash, credit
   * notes...) as differences; unapplied cash, account credit and the dates are these totals' own;
   * no open balances (a day's flows are stored for every day a customer's book changed: the
   * balances by date, up to hundreds of entries, would be most of each row and are read from the
   * day's totals instead).
   */
  Totals since(Totals earlier) {
    Totals t = withoutOpen();
    t.invoiced = invoiced.subtract(earlier.invoiced);
    t.invoices = invoices - earlier.invoices;
    t.voided = voided.subtract(earlier.voided);
    t.received = received.subtract(earlier.received);
    t.payments = payments - earlier.payments;
    t.applied = new TreeMap<>();
    for (var e : applied.entrySet()) {
      BigDecimal d = e.getValue().subtract(earlier.applied.getOrDefault(e.getKey(), BigDecimal.ZERO));
      if (d.signum() != 0) {
        t.applied.put(e.getKey(), d);
      }
    }
    t.unallocated = unallocated.subtract(earlier.unallocated);
    t.reversed = reversed.subtract(earlier.reversed);
    t.refunded = refunded.subtract(earlier.refunded);
    t.creditNotes = creditNotes.subtract(earlier.creditNotes);
    t.writtenOff = writtenOff.subtract(earlier.writtenOff);
    t.paidInvoices = paidInvoices - earlier.paidInvoices;
    t.daysToPay = daysToPay - earlier.daysToPay;
    return t;
  }

  static void add(TreeMap<LocalDate, BigDecimal> map, LocalDate key, BigDecimal amount) {
    BigDecimal sum = map.getOrDefault(key, BigDecimal.ZERO).add(amount);
    if (sum.signum() == 0) {
      map.remove(key);
    } else {
      map.put(key, sum);
    }
  }
}
