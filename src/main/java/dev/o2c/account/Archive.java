package dev.o2c.account;

import dev.o2c.account.CustomerAccount.ItemsArchived;
import dev.o2c.account.CustomerAccount.ItemsRestored;
import dev.o2c.invoice.InvoiceIds;
import dev.o2c.payment.Allocation;
import dev.o2c.payment.PaymentEntry;
import dev.o2c.payment.WriteOff;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.pcollections.PMap;

/**
 * What leaves a customer account's state, and what comes back, in plain Java. An account must not
 * grow with every invoice and payment of years of history: a settled invoice (paid, credited or
 * void) untouched for a while, and a payment with no money left to apply whose invoices have all
 * left, move to the {@link AccountArchive}. The open items, unapplied cash, account credit and
 * every balance stay, so nothing the account decides on its hot path (credit, matching, dunning)
 * ever needs the archive. A command that does need an archived item — a chargeback or an
 * unallocation of an old payment, a cancellation of an order whose invoice left, a credit note
 * or a void of such an invoice — names it ({@link #wanted}); the account loads it and restores it
 * in the same write as its decision.
 */
final class Archive {

  private Archive() {}

  /** Ids of invoices and payments. */
  record Ids(Set<String> invoiceIds, Set<String> paymentIds) {
    static Ids none() {
      return new Ids(new LinkedHashSet<>(), new LinkedHashSet<>());
    }

    boolean isEmpty() {
      return invoiceIds.isEmpty() && paymentIds.isEmpty();
    }

    void addAll(Ids more) {
      invoiceIds.addAll(more.invoiceIds());
      paymentIds.addAll(more.paymentIds());
    }

    /** These ids without {@code seen}. */
    Ids without(Ids seen) {
      Ids left = none();
      invoiceIds.stream().filter(id -> !seen.invoiceIds().contains(id)).forEach(left.invoiceIds()::add);
      paymentIds.stream().filter(id -> !seen.paymentIds().contains(id)).forEach(left.paymentIds()::add);
      return left;
    }
  }

  // --- What a command needs back -----------------------------------------------------------------

  /** The invoice a change of an order needs, when the account holds neither the order nor its invoice. */
  static Ids forOrderChange(CustomerState s, String orderId) {
    Ids ids = Ids.none();
    if (s.exists() && !s.orders().containsKey(orderId)) {
      invoice(s, InvoiceIds.forOrder(orderId), ids);
    }
    return ids;
  }

  /** The invoice a credit note or a void names, when the account does not hold it. */
  static Ids forInvoice(CustomerState s, String invoiceId) {
    Ids ids = Ids.none();
    if (s.exists()) {
      invoice(s, invoiceId, ids);
    }
    return ids;
  }

  /**
   * A payment named by a manual allocation, an unallocation or a reversal, when the account does
   * not hold it; and, once it does, the invoices it paid or wrote off that it does not hold (an
   * unallocation or a reversal takes money back from them).
   */
  static Ids forPayment(CustomerState s, String paymentId, String invoiceId, boolean itsInvoices) {
    Ids ids = Ids.none();
    if (!s.exists()) {
      return ids;
    }
    PaymentEntry payment = s.payments().get(paymentId);
    if (payment == null) {
      ids.paymentIds().add(paymentId);
    } else if (itsInvoices) {
      payment.allocations().stream().map(Allocation::invoiceId).forEach(id -> invoice(s, id, ids));
      payment.writeOffs().stream().map(WriteOff::invoiceId).forEach(id -> invoice(s, id, ids));
    }
    if (invoiceId != null) {
      invoice(s, invoiceId, ids);
    }
    return ids;
  }

  private static void invoice(CustomerState s, String invoiceId, Ids ids) {
    if (!s.knowsInvoice(invoiceId)) {
      ids.invoiceIds().add(invoiceId);
    }
  }

  // --- What leaves ---------------------------------------------------------------------------------

  /**
   * The items that may leave now, at most {@code max}: settled invoices untouched since
   * {@code cutoff} whose order's placement is confirmed (so a placement never meets an account
   * that forgot its invoice), oldest first; and payments received before {@code cutoff} with no
   * money left to apply, none of whose invoices stays.
   */
  static AccountArchive.Found candidates(CustomerState s, Instant cutoff, int max) {
    List<Receivable> invoices = s.settled().values().stream()
        .filter(r -> !r.updatedAt().isAfter(cutoff) && !s.unconfirmed().containsKey(r.orderId()))
        .sorted(Comparator.comparing(Receivable::updatedAt).thenComparing(Receivable::invoiceId))
        .limit(max)
        .toList();
    Set<String> leaving = new LinkedHashSet<>();
    invoices.forEach(r -> leaving.add(r.invoiceId()));
    List<PaymentEntry> payments = new ArrayList<>();
    for (PaymentEntry p : s.payments().values()) {
      if (invoices.size() + payments.size() >= max) {
        break;
      }
      if (finished(p) && !p.at().isAfter(cutoff) && invoicesOf(p).stream().allMatch(id -> leaving.contains(id) || !s.knowsInvoice(id))) {
        payments.add(p);
      }
    }
    return new AccountArchive.Found(invoices, payments);
  }

  /** Nothing of it is left to apply or refund. */
  private static boolean finished(PaymentEntry p) {
    return p.reversed() || p.unapplied().signum() == 0;
  }

  private static Set<String> invoicesOf(PaymentEntry p) {
    Set<String> ids = new LinkedHashSet<>();
    p.allocations().forEach(a -> ids.add(a.invoiceId()));
    p.writeOffs().forEach(w -> ids.add(w.invoiceId()));
    return ids;
  }

  /**
   * Of the items stored in the archive, those that may leave the state now: each exactly as the
   * account holds it still (one changed since it was stored stays, and is stored again later),
   * still settled or finished.
   */
  static ItemsArchived leaving(CustomerState s, AccountArchive.Found stored, Instant at) {
    List<String> invoices = stored.invoices().stream()
        .filter(r -> r.equals(s.settled().get(r.invoiceId())))
        .map(Receivable::invoiceId).toList();
    List<String> payments = stored.payments().stream()
        .filter(p -> p.equals(s.payments().get(p.paymentId())) && finished(p))
        .map(PaymentEntry::paymentId).toList();
    return invoices.isEmpty() && payments.isEmpty() ? null : new ItemsArchived(invoices, payments, at);
  }

  // --- Events --------------------------------------------------------------------------------------

  static CustomerState apply(CustomerState s, ItemsArchived e) {
    PMap<String, Receivable> settled = s.settledMap();
    for (String id : e.invoiceIds()) {
      settled = settled.minus(id);
    }
    PMap<String, PaymentEntry> payments = s.paymentsMap();
    for (String id : e.paymentIds()) {
      PaymentEntry p = payments.get(id);
      if (p != null && finished(p)) {
        payments = payments.minus(id);
      }
    }
    return s.with(s.receivablesMap(), s.receivable(), settled, s.accountCredit(), s.updatedAt())
        .withPayments(payments, s.unappliedCash(), s.updatedAt());
  }

  static CustomerState apply(CustomerState s, ItemsRestored e) {
    PMap<String, Receivable> receivables = s.receivablesMap();
    PMap<String, Receivable> settled = s.settledMap();
    BigDecimal receivable = s.receivable();
    for (Receivable r : e.invoices()) {
      if (s.knowsInvoice(r.invoiceId())) {
        continue;
      }
      if (!r.voided() && r.balance().signum() > 0) {
        receivables = receivables.plus(r.invoiceId(), r);
        receivable = receivable.add(r.balance());
      } else {
        settled = settled.plus(r.invoiceId(), r);
      }
    }
    PMap<String, PaymentEntry> payments = s.paymentsMap();
    BigDecimal unapplied = s.unappliedCash();
    for (PaymentEntry p : e.payments()) {
      if (!payments.containsKey(p.paymentId())) {
        payments = payments.plus(p.paymentId(), p);
        unapplied = p.reversed() ? unapplied : unapplied.add(p.unapplied());
      }
    }
    return s.with(receivables, receivable, settled, s.accountCredit(), s.updatedAt()).withPayments(payments, unapplied, s.updatedAt());
  }
}
