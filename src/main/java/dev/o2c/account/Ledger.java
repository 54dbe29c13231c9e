package dev.o2c.account;

import dev.o2c.account.CustomerAccount.CreditNoteIssued;
import dev.o2c.account.CustomerAccount.DunningLevelRaised;
import dev.o2c.account.CustomerAccount.Event;
import dev.o2c.account.CustomerAccount.InvoiceVoided;
import dev.o2c.invoice.DunningLevel;
import dev.o2c.invoice.InvoicingSettings;
import dev.o2c.money.Money;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import org.pcollections.PMap;

/**
 * The customer account as the ledger of its invoices, in plain Java: how each ledger event changes
 * the account, and what a credit note, a void, a cancellation or a dunning run decides. The
 * account entity persists what these functions decide; nothing here has side effects.
 */
final class Ledger {

  private Ledger() {}

  /** The state after a ledger event. */
  static CustomerState apply(CustomerState s, Event event) {
    if (event instanceof CreditNoteIssued e) {
      CustomerState next = s.receivables().containsKey(e.invoiceId())
          ? adjust(s, e.invoiceId(), BigDecimal.ZERO, e.appliedToInvoice(), BigDecimal.ZERO, e.at())
          : s;
      if (e.creditNoteId().equals(cancellationCreditNoteId(e.invoiceId()))) {
        next = markCancelled(next, e.invoiceId());
      }
      return next.with(next.receivablesMap(), next.receivable(), next.settledMap(), next.accountCredit().add(e.toAccountCredit()), e.at())
          .withCreditNote(e);
    }
    if (event instanceof InvoiceVoided e) {
      Receivable open = s.receivables().get(e.invoiceId());
      return open == null ? s : close(s, open.voidedBy(e).touched(e.at()), e.at());
    }
    if (event instanceof DunningLevelRaised e) {
      Receivable open = s.receivables().get(e.invoiceId());
      if (open == null) {
        return s;
      }
      return s.with(s.receivablesMap().plus(e.invoiceId(), open.dunning(e.level()).touched(e.at())), s.receivable(), s.settledMap(),
          s.accountCredit(), e.at());
    }
    return PaymentLedger.apply(s, event);
  }

  /**
   * A receivable's new state: it stays open while something is owed, and moves to the settled
   * invoices once nothing is (or it is void). The open balances' sum follows.
   */
  private static CustomerState close(CustomerState s, Receivable changed, Instant at) {
    Receivable before = s.receivables().get(changed.invoiceId());
    boolean wasOpen = before != null;
    BigDecimal receivable = s.receivable()
        .subtract(wasOpen ? before.balance() : BigDecimal.ZERO)
        .add(changed.voided() ? BigDecimal.ZERO : changed.balance());
    boolean open = !changed.voided() && changed.balance().signum() > 0;
    PMap<String, Receivable> receivables =
        open ? s.receivablesMap().plus(changed.invoiceId(), changed) : s.receivablesMap().minus(changed.invoiceId());
    PMap<String, Receivable> settled =
        open ? s.settledMap().minus(changed.invoiceId()) : s.settledMap().plus(changed.invoiceId(), changed);
    return s.with(receivables, receivable, settled, s.accountCredit(), at);
  }

  /** The invoice of a cancelled order, wherever it is now (settled, as a rule: it was credited in full). */
  private static CustomerState markCancelled(CustomerState s, String invoiceId) {
    Receivable open = s.receivables().get(invoiceId);
    if (open != null) {
      return s.with(s.receivablesMap().plus(invoiceId, open.cancelledNow()), s.receivable(), s.settledMap(), s.accountCredit(), s.updatedAt());
    }
    Receivable settled = s.settled().get(invoiceId);
    return settled == null ? s
        : s.with(s.receivablesMap(), s.receivable(), s.settledMap().plus(invoiceId, settled.cancelledNow()), s.accountCredit(), s.updatedAt());
  }

  /**
   * An invoice after a change of what is paid, credited and written off on it (negative amounts
   * take applications back, and may open a settled invoice again). A void or unknown invoice is
   * not changed.
   */
  static CustomerState adjust(
      CustomerState s, String invoiceId, BigDecimal paid, BigDecimal credited, BigDecimal writtenOff, Instant at) {
    Receivable before = s.receivables().get(invoiceId);
    if (before == null) {
      before = s.settled().get(invoiceId);
    }
    if (before == null || before.voided()) {
      return s;
    }
    return close(s, before.adjust(paid, credited, writtenOff).touched(at), at);
  }

  /**
   * A credit note of {@code amount} on an invoice: as much as its balance goes against the
   * invoice, the rest becomes credit to the customer's good (an invoice balance never goes below
   * zero). A settled invoice takes nothing: the whole amount becomes account credit.
   */
  static CreditNoteIssued creditNote(
      CustomerState s, String invoiceId, String creditNoteId, BigDecimal amount, String reason, String by, Instant at) {
    Receivable open = s.receivables().get(invoiceId);
    BigDecimal applied = open == null ? Money.zero(s.currency()) : amount.min(open.balance());
    return new CreditNoteIssued(creditNoteId, invoiceId, amount, applied, amount.subtract(applied), reason, by, at);
  }

  /**
   * What cancelling an invoiced order does to its invoice: void it when nothing has been applied;
   * otherwise credit in full what is not credited or written off already (so what was paid —
   * in cash or from account credit — becomes account credit, and nothing is credited twice);
   * nothing when it is void or fully credited already.
   */
  static List<Event> cancellation(CustomerState s, String invoiceId, String by, Instant at) {
    Receivable open = s.receivables().get(invoiceId);
    Receivable settled = s.settled().get(invoiceId);
    if (open == null && settled == null) {
      return List.of();
    }
    if (open != null && open.untouched()) {
      return List.of(new InvoiceVoided(invoiceId, "order cancelled", by, at));
    }
    Receivable invoice = open != null ? open : settled;
    BigDecimal creditNotes = invoice.credited().subtract(invoice.paidByAccountCredit());
    BigDecimal uncredited = invoice.total().subtract(creditNotes).subtract(invoice.writtenOff());
    if (invoice.voided() || uncredited.signum() == 0 || s.creditNotes().containsKey(cancellationCreditNoteId(invoiceId))) {
      return List.of();
    }
    return List.of(creditNote(s, invoiceId, cancellationCreditNoteId(invoiceId), uncredited, "order cancelled", by, at));
  }

  static String cancellationCreditNoteId(String invoiceId) {
    return "cn_cancel_" + invoiceId;
  }

  /**
   * A dunning run on {@code today}: every dunning step each open invoice has reached and not yet
   * had, in order, one event each — none skipped when the run comes late, none repeated when it
   * comes twice.
   */
  static List<Event> dunning(CustomerState s, LocalDate today, InvoicingSettings.Tenant settings, Instant at) {
    List<Event> events = new ArrayList<>();
    for (Receivable r : s.receivables().values()) {
      long overdue = ChronoUnit.DAYS.between(r.dueOn(), today);
      for (InvoicingSettings.Step step : settings.dunning()) {
        if (step.level().ordinal() > r.dunningLevel().ordinal() && overdue >= step.daysOverdue()) {
          events.add(new DunningLevelRaised(r.invoiceId(), r.invoiceNumber(), step.level(), overdue, step.creditHold(), at));
        }
      }
    }
    events.sort(java.util.Comparator.comparing(e -> ((DunningLevelRaised) e).invoiceId()));
    return events;
  }

  /** The first day after {@code today} on which some open invoice reaches its next dunning step, or null. */
  static LocalDate nextDunningDay(CustomerState s, InvoicingSettings.Tenant settings, LocalDate today) {
    LocalDate next = null;
    for (Receivable r : s.receivables().values()) {
      InvoicingSettings.Step step = settings.nextStep(r.dunningLevel());
      if (step != null) {
        LocalDate day = r.dueOn().plusDays(step.daysOverdue());
        day = day.isAfter(today) ? day : today.plusDays(1);
        next = next == null || day.isBefore(next) ? day : next;
      }
    }
    return next;
  }
}
