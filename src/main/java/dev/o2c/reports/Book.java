package dev.o2c.reports;

import dev.o2c.account.CustomerAccount;
import dev.o2c.account.CustomerAccount.Event;
import dev.o2c.account.InvoiceAdjustments;
import dev.o2c.payment.Allocation;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A customer's book for the reports, in plain Java: the account's events applied, in order and
 * each once (by the account's sequence number), to the customer's {@link Totals} and to the
 * invoices they touch. The ledger report projection loads a book with the invoices a group of
 * events touches, applies the events and stores what changed — so a replayed event changes
 * nothing, and a rebuild from the journal makes the same rows.
 *
 * <p>Flows are booked on the day of the event (UTC, the business date). The totals at the start
 * of the book's current day are kept, so the day's flows are a difference.
 */
public final class Book {

  /**
   * An invoice as the reports need it. {@code daysToPay}: set once cash settled it;
   * {@code dunningLevel}: its last dunning step (NONE once settled, as on the account).
   */
  public record Invoice(
      String invoiceId, String invoiceNumber, String orderId, String currency, LocalDate issuedOn, LocalDate dueOn, BigDecimal total,
      BigDecimal paid, BigDecimal credited, BigDecimal writtenOff, boolean voided, LocalDate settledOn, Long daysToPay, String dunningLevel) {

    /** What is owed on it (nothing when void). */
    public BigDecimal balance() {
      return voided ? BigDecimal.ZERO : total.subtract(paid).subtract(credited).subtract(writtenOff);
    }

    /** ISSUED, PARTIALLY_PAID, PAID or VOID, as the account says it. */
    public String status() {
      if (voided) {
        return "VOID";
      }
      BigDecimal balance = balance();
      return balance.signum() == 0 ? "PAID" : balance.compareTo(total) < 0 ? "PARTIALLY_PAID" : "ISSUED";
    }

    Invoice with(BigDecimal paid, BigDecimal credited, BigDecimal writtenOff, boolean voided, LocalDate settledOn, Long daysToPay,
        String dunningLevel) {
      return new Invoice(invoiceId, invoiceNumber, orderId, currency, issuedOn, dueOn, total, paid, credited, writtenOff, voided, settledOn,
          daysToPay, dunningLevel);
    }
  }

  private long seqNr;
  private LocalDate day;
  private Totals totals;
  private Totals dayStart;
  private final Map<String, Invoice> invoices;
  private final Set<String> changed = new LinkedHashSet<>();

  /** A book as stored: {@code invoices} are the ones of it that the next events touch. */
  public Book(long seqNr, LocalDate day, Totals totals, Totals dayStart, Map<String, Invoice> invoices) {
    this.seqNr = seqNr;
    this.day = day;
    this.totals = totals == null ? new Totals() : totals;
    this.dayStart = dayStart == null ? this.totals.withoutOpen() : dayStart;
    this.invoices = new HashMap<>(invoices);
  }

  /** A customer's book before any event. */
  public static Book empty() {
    return new Book(0, null, null, null, Map.of());
  }

  /** The invoices an event touches: the ones a book must hold to apply it. */
  public static Set<String> invoicesTouched(Event event) {
    Set<String> ids = new LinkedHashSet<>();
    if (event instanceof CustomerAccount.InvoiceVoided e) {
      ids.add(e.invoiceId());
    } else if (event instanceof CustomerAccount.DunningLevelRaised e) {
      ids.add(e.invoiceId());
    }
    InvoiceAdjustments.of(event).forEach(a -> ids.add(a.invoiceId()));
    return ids;
  }

  /**
   * Applies the event the account wrote as {@code eventSeqNr} on {@code eventDay}; false, and
   * nothing changed, when the book has it already.
   */
  public boolean apply(long eventSeqNr, Event event, LocalDate eventDay) {
    if (eventSeqNr <= seqNr) {
      return false;
    }
    seqNr = eventSeqNr;
    // A day earlier than the book's (a test clock set back) is booked on the book's day.
    if (day == null || eventDay.isAfter(day)) {
      day = eventDay;
      dayStart = totals.withoutOpen(); // the running sums the day's flows are taken from
    }
    if (event instanceof CustomerAccount.InvoiceIssued e) {
      issued(e);
    } else if (event instanceof CustomerAccount.InvoiceVoided e) {
      voided(e);
    } else if (event instanceof CustomerAccount.DunningLevelRaised e) {
      Invoice before = invoices.get(e.invoiceId());
      if (before != null && before.balance().signum() > 0) {
        put(before.with(before.paid(), before.credited(), before.writtenOff(), before.voided(), before.settledOn(), before.daysToPay(),
            e.level().name()));
      }
    } else {
      flows(event);
      for (InvoiceAdjustments.Adjustment a : InvoiceAdjustments.of(event)) {
        adjust(a);
      }
      totals.accountCredit = totals.accountCredit.add(InvoiceAdjustments.accountCreditChange(event));
    }
    return true;
  }

  private void issued(CustomerAccount.InvoiceIssued e) {
    if (invoices.containsKey(e.invoiceId())) {
      return; // the account issues an invoice once; a second one with its id is not booked twice
    }
    BigDecimal zero = e.total().subtract(e.total());
    Invoice invoice = new Invoice(e.invoiceId(), e.invoiceNumber(), e.orderId(), e.currency(), e.issuedOn(), e.dueOn(), e.total(), zero,
        zero, zero, false, null, null, "NONE");
    put(invoice);
    totals.currency = e.currency();
    totals.invoiced = totals.invoiced.add(e.total());
    totals.invoices++;
    if (totals.firstInvoice == null || e.issuedOn().isBefore(totals.firstInvoice)) {
      totals.firstInvoice = e.issuedOn();
    }
    if (totals.lastInvoice == null || e.issuedOn().isAfter(totals.lastInvoice)) {
      totals.lastInvoice = e.issuedOn();
    }
    open(invoice, e.total());
  }

  private void voided(CustomerAccount.InvoiceVoided e) {
    Invoice before = invoices.get(e.invoiceId());
    if (before == null || before.voided()) {
      return;
    }
    open(before, before.balance().negate());
    totals.voided = totals.voided.add(before.total());
    put(before.with(before.paid(), before.credited(), before.writtenOff(), true, day, before.daysToPay(), before.dunningLevel()));
  }

  /** Cash and credit flows of an event (its effect on balances comes from its adjustments). */
  private void flows(Event event) {
    if (event instanceof CustomerAccount.PaymentApplied e) {
      totals.currency = e.currency();
      totals.received = totals.received.add(e.amount());
      totals.payments++;
      e.allocations().forEach(a -> applied(a.rule().name(), a.amount()));
      if (e.unapplied().signum() > 0) {
        applied("UNAPPLIED", e.unapplied());
      }
      e.writeOffs().forEach(w -> totals.writtenOff = totals.writtenOff.add(w.amount()));
      totals.unapplied = totals.unapplied.add(e.unapplied());
    } else if (event instanceof CustomerAccount.PaymentAllocated e) {
      for (Allocation a : e.allocations()) {
        applied(a.rule().name(), a.amount());
        totals.unapplied = totals.unapplied.subtract(a.amount());
      }
    } else if (event instanceof CustomerAccount.PaymentUnallocated e) {
      totals.unallocated = totals.unallocated.add(e.amount());
      totals.writtenOff = totals.writtenOff.subtract(e.writtenOff());
      totals.unapplied = totals.unapplied.add(e.amount());
    } else if (event instanceof CustomerAccount.PaymentReversed e) {
      BigDecimal cash = e.unappliedRemoved();
      for (Allocation a : e.undone()) {
        cash = cash.add(a.amount());
      }
      for (Allocation a : e.creditTakenBack()) {
        cash = cash.add(a.amount());
      }
      e.writeOffsUndone().forEach(w -> totals.writtenOff = totals.writtenOff.subtract(w.amount()));
      e.writeOffsCredited().forEach(w -> totals.writtenOff = totals.writtenOff.subtract(w.amount()));
      totals.reversed = totals.reversed.add(cash);
      totals.unapplied = totals.unapplied.subtract(e.unappliedRemoved());
    } else if (event instanceof CustomerAccount.RefundIssued e) {
      totals.refunded = totals.refunded.add(e.amount());
      totals.unapplied = totals.unapplied.subtract(e.amount());
    } else if (event instanceof CustomerAccount.CreditNoteIssued e) {
      totals.creditNotes = totals.creditNotes.add(e.amount());
    }
  }

  private void applied(String rule, BigDecimal amount) {
    totals.applied.merge(rule, amount, BigDecimal::add);
  }

  /** An invoice's balance moved: the open balances follow, and a settlement by cash is counted once. */
  private void adjust(InvoiceAdjustments.Adjustment a) {
    Invoice before = invoices.get(a.invoiceId());
    if (before == null || before.voided()) {
      return; // the account does not move a void or unknown invoice either
    }
    Invoice after = before.with(before.paid().add(a.paid()), before.credited().add(a.credited()), before.writtenOff().add(a.writtenOff()),
        false, before.settledOn(), before.daysToPay(), before.dunningLevel());
    open(before, after.balance().subtract(before.balance()));
    if (before.balance().signum() > 0 && after.balance().signum() == 0) {
      Long days = null;
      if (after.paid().signum() > 0) {
        days = ChronoUnit.DAYS.between(after.issuedOn(), day);
        totals.paidInvoices++;
        totals.daysToPay += days;
      }
      after = settled(after, day, days);
    } else if (before.balance().signum() == 0 && after.balance().signum() > 0) {
      if (before.daysToPay() != null) {
        totals.paidInvoices--;
        totals.daysToPay -= before.daysToPay();
      }
      after = settled(after, null, null);
    }
    put(after);
  }

  private static Invoice settled(Invoice i, LocalDate on, Long days) {
    // Settled: no dunning level any more (the account clears it too).
    return i.with(i.paid(), i.credited(), i.writtenOff(), i.voided(), on, days, on != null ? "NONE" : i.dunningLevel());
  }

  private void open(Invoice invoice, BigDecimal change) {
    if (change.signum() != 0) {
      Totals.add(totals.openByDue, invoice.dueOn(), change);
      Totals.add(totals.openByIssue, invoice.issuedOn(), change);
    }
  }

  private void put(Invoice invoice) {
    invoices.put(invoice.invoiceId(), invoice);
    changed.add(invoice.invoiceId());
  }

  public long seqNr() {
    return seqNr;
  }

  public LocalDate day() {
    return day;
  }

  /** The running totals (a copy). */
  public Totals totals() {
    return totals.copy();
  }

  /** The running sums when the book's day began, without open balances (a copy). */
  public Totals dayStart() {
    return dayStart.copy();
  }

  /** What the book's day brought: its flows (no open balances: {@link Totals#since}). */
  public Totals today() {
    return totals.since(dayStart);
  }

  /** The invoices the applied events changed, to be stored. */
  public List<Invoice> changedInvoices() {
    List<Invoice> out = new ArrayList<>();
    changed.forEach(id -> out.add(invoices.get(id)));
    return out;
  }

  public Invoice invoice(String invoiceId) {
    return invoices.get(invoiceId);
  }
}
