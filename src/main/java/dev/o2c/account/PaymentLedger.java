package dev.o2c.account;

import dev.o2c.payment.PaymentEntry;
import dev.o2c.payment.PaymentLedgerResult;
import dev.o2c.account.CustomerAccount.AccountCreditApplied;
import dev.o2c.account.CustomerAccount.AllocatePayment;
import dev.o2c.account.CustomerAccount.ApplyPayment;
import dev.o2c.account.CustomerAccount.Event;
import dev.o2c.account.CustomerAccount.IssueRefund;
import dev.o2c.account.CustomerAccount.PaymentAllocated;
import dev.o2c.account.CustomerAccount.PaymentApplied;
import dev.o2c.account.CustomerAccount.PaymentReversed;
import dev.o2c.account.CustomerAccount.PaymentUnallocated;
import dev.o2c.account.CustomerAccount.RefundIssued;
import dev.o2c.account.CustomerAccount.RefundSource;
import dev.o2c.account.CustomerAccount.ReversePayment;
import dev.o2c.account.CustomerAccount.UnallocatePayment;
import dev.o2c.infra.Rejection;
import dev.o2c.invoice.Application;
import dev.o2c.money.Money;
import dev.o2c.payment.Allocation;
import dev.o2c.payment.ChosenAllocation;
import dev.o2c.payment.Matching;
import dev.o2c.payment.PaymentSettings;
import dev.o2c.payment.Rule;
import dev.o2c.payment.WriteOff;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.pcollections.PMap;

/**
 * The customer account as the ledger of its payments, in plain Java: matching a payment against
 * the open invoices, applying unapplied money by hand, taking allocations back, reversing a
 * payment, refunding unapplied cash, and paying new invoices from what is to the customer's good.
 * All in the account, the one writer of the customer's balances, so two payments can never take
 * the same balance.
 */
final class PaymentLedger {

  private PaymentLedger() {}

  // --- Decisions -------------------------------------------------------------------------------

  static Decision<PaymentLedgerResult> checkPayer(CustomerState state, String currency) {
    Rejection refused = payerRefusal(state, currency);
    return Decision.reply(refused != null ? new PaymentLedgerResult.Failed(refused) : new PaymentLedgerResult.Ok(null));
  }

  static Decision<PaymentLedgerResult> apply(CustomerState state, ApplyPayment cmd, PaymentSettings.Tenant settings, Instant now) {
    PaymentEntry known = state.payments().get(cmd.paymentId());
    if (known != null) {
      return Decision.reply(new PaymentLedgerResult.Ok(known));
    }
    Rejection refused = payerRefusal(state, cmd.currency());
    if (refused != null) {
      return Decision.reply(new PaymentLedgerResult.Failed(refused));
    }
    Matching.Result result = Matching.match(openInvoices(state), cmd.amount(), Money.scale(cmd.currency()), cmd.remittanceInfo(),
        cmd.bankReference(), settings.tolerance(cmd.currency()));
    PaymentApplied applied = new PaymentApplied(cmd.paymentId(), cmd.amount(), cmd.currency(), cmd.receivedOn(), result.allocations(),
        result.writeOffs(), result.unapplied(), now);
    return Decision.persist(applied, s -> new PaymentLedgerResult.Ok(s.payments().get(cmd.paymentId()), InvoiceChanges.of(applied)));
  }

  static PaymentLedgerResult get(CustomerState state, String paymentId) {
    PaymentEntry payment = state.payments().get(paymentId);
    return payment != null
        ? new PaymentLedgerResult.Ok(payment)
        : new PaymentLedgerResult.Failed(Rejection.of(Rejection.Kind.NOT_FOUND, "The customer's account has no such payment."));
  }

  static Decision<PaymentLedgerResult> allocate(CustomerState state, AllocatePayment cmd, Instant now) {
    Rejection refused = payerRefusal(state, cmd.currency());
    if (refused != null) {
      return Decision.reply(new PaymentLedgerResult.Failed(refused));
    }
    List<Event> events = new ArrayList<>();
    PaymentEntry payment = state.payments().get(cmd.paymentId());
    if (payment == null) {
      // A payment the account has not seen (it could not be attributed): all of it is unapplied.
      PaymentApplied learnt = new PaymentApplied(cmd.paymentId(), cmd.amount(), cmd.currency(), cmd.receivedOn(), List.of(), List.of(),
          cmd.amount(), now);
      events.add(learnt);
      payment = entryOf(learnt);
    }
    if (payment.reversed()) {
      return failed(Rejection.Kind.ILLEGAL_TRANSITION, "The payment is reversed.", Map.of("currentStatus", "REVERSED"));
    }
    BigDecimal total = BigDecimal.ZERO;
    Map<String, String> problems = new LinkedHashMap<>();
    List<Allocation> allocations = new ArrayList<>();
    for (int i = 0; i < cmd.allocations().size(); i++) {
      ChosenAllocation chosen = cmd.allocations().get(i);
      Receivable invoice = state.receivables().get(chosen.invoiceId());
      String at = "allocations[" + i + "]";
      if (invoice == null) {
        problems.put(at + ".invoiceId", "is not an open invoice of customer " + state.customerId());
      } else if (chosen.amount().compareTo(invoice.balance()) > 0) {
        problems.put(at + ".amount", "is more than the invoice's balance " + invoice.balance().toPlainString());
      } else {
        allocations.add(new Allocation(invoice.invoiceId(), invoice.invoiceNumber(), chosen.amount(), Rule.MANUAL, null));
      }
      total = total.add(chosen.amount());
    }
    if (problems.isEmpty() && total.compareTo(payment.unapplied()) > 0) {
      problems.put("allocations", "add up to " + total.toPlainString() + ", more than the payment's unapplied "
          + payment.unapplied().toPlainString());
    }
    if (!problems.isEmpty()) {
      return Decision.reply(new PaymentLedgerResult.Failed(new Rejection(Rejection.Kind.UNPROCESSABLE,
          "The allocations cannot be made.", problems)));
    }
    events.add(new PaymentAllocated(cmd.paymentId(), payment.operations() + 1, allocations, cmd.by(), now));
    return Decision.persist(events, s -> new PaymentLedgerResult.Ok(s.payments().get(cmd.paymentId()), InvoiceChanges.of(events)));
  }

  static Decision<PaymentLedgerResult> unallocate(CustomerState state, UnallocatePayment cmd, Instant now) {
    PaymentEntry payment = state.payments().get(cmd.paymentId());
    if (payment == null) {
      return failed(Rejection.Kind.NOT_FOUND, "The customer's account has no such payment.", Map.of());
    }
    BigDecimal allocated = payment.allocatedTo(cmd.invoiceId());
    if (allocated.signum() == 0) {
      return failed(Rejection.Kind.NOT_FOUND, "The payment has no allocation to this invoice.", Map.of());
    }
    Receivable invoice = state.invoice(cmd.invoiceId());
    if (invoice != null && invoice.cancelled()) {
      // What the payment paid on it became account credit when the order was cancelled: taking the
      // allocation back would reopen (and dun) the invoice of a cancelled order.
      return failed(Rejection.Kind.ILLEGAL_TRANSITION, "The invoice's order was cancelled: what this payment paid on it is the "
          + "customer's account credit now, and cannot be taken back from the invoice (a chargeback reverses the payment).",
          Map.of("currentStatus", invoice.status().name()));
    }
    Allocation any = payment.allocations().stream().filter(a -> a.invoiceId().equals(cmd.invoiceId())).findFirst().orElseThrow();
    BigDecimal writtenOff = payment.writeOffs().stream().filter(w -> w.invoiceId().equals(cmd.invoiceId()))
        .map(WriteOff::amount).reduce(BigDecimal.ZERO, BigDecimal::add);
    PaymentUnallocated unallocated = new PaymentUnallocated(cmd.paymentId(), payment.operations() + 1, cmd.invoiceId(),
        any.invoiceNumber(), allocated, writtenOff, cmd.by(), now);
    return Decision.persist(unallocated, s -> new PaymentLedgerResult.Ok(s.payments().get(cmd.paymentId()), InvoiceChanges.of(unallocated)));
  }

  static Decision<PaymentLedgerResult> reverse(CustomerState state, ReversePayment cmd, Instant now) {
    PaymentEntry payment = state.payments().get(cmd.paymentId());
    if (payment == null) {
      return failed(Rejection.Kind.NOT_FOUND, "The customer's account has no such payment.", Map.of());
    }
    if (payment.reversed()) {
      return Decision.reply(new PaymentLedgerResult.Ok(payment));
    }
    if (payment.refunded().signum() > 0) {
      return failed(Rejection.Kind.ILLEGAL_TRANSITION,
          "Part of this payment (" + payment.refunded().toPlainString() + ") was refunded; a refunded payment cannot be reversed.",
          Map.of("currentStatus", payment.status().name()));
    }
    // Net allocations per invoice, taken back; write-offs it caused, taken back.
    Map<String, Allocation> net = new LinkedHashMap<>();
    for (Allocation a : payment.allocations()) {
      net.merge(a.invoiceId(), a, (x, y) -> new Allocation(x.invoiceId(), x.invoiceNumber(), x.amount().add(y.amount()), x.rule(), null));
    }
    // An allocation to the invoice of a cancelled order became account credit when the order was
    // cancelled (the invoice was credited in full): the chargeback takes that credit back and
    // leaves the invoice settled — it never reopens and is never dunned.
    List<Allocation> undone = new ArrayList<>();
    List<Allocation> creditTakenBack = new ArrayList<>();
    for (Allocation a : net.values()) {
      if (a.amount().signum() == 0) {
        continue;
      }
      Receivable invoice = state.invoice(a.invoiceId());
      (invoice != null && invoice.cancelled() ? creditTakenBack : undone).add(a);
    }
    // A write-off on a cancelled order's invoice is taken back too, and the cancellation's credit
    // covers what it covered: the invoice stays settled.
    List<WriteOff> writeOffsUndone = new ArrayList<>();
    List<WriteOff> writeOffsCredited = new ArrayList<>();
    for (WriteOff w : payment.writeOffs()) {
      Receivable invoice = state.invoice(w.invoiceId());
      (invoice != null && invoice.cancelled() ? writeOffsCredited : writeOffsUndone).add(w);
    }
    PaymentReversed reversed = new PaymentReversed(cmd.paymentId(), payment.operations() + 1, undone, writeOffsUndone,
        payment.unapplied(), creditTakenBack, writeOffsCredited, creditUsedElsewhere(state, creditTakenBack), cmd.reason(), cmd.by(),
        now);
    return Decision.persist(reversed, s -> new PaymentLedgerResult.Ok(s.payments().get(cmd.paymentId()), InvoiceChanges.of(reversed)));
  }

  /**
   * The account credit a chargeback takes back beyond what is left of it went to pay other
   * invoices (ACCOUNT_CREDIT): those applications are undone, newest invoice first, so the
   * customer owes it again on the invoices it paid — where dunning and the credit check see it.
   */
  static List<Allocation> creditUsedElsewhere(CustomerState state, List<Allocation> creditTakenBack) {
    BigDecimal taken = creditTakenBack.stream().map(Allocation::amount).reduce(BigDecimal.ZERO, BigDecimal::add);
    BigDecimal shortfall = taken.subtract(state.accountCredit().max(BigDecimal.ZERO));
    List<Allocation> undone = new ArrayList<>();
    if (shortfall.signum() <= 0) {
      return undone;
    }
    List<Receivable> paidByCredit = new ArrayList<>();
    state.receivables().values().forEach(paidByCredit::add);
    state.settled().values().forEach(paidByCredit::add);
    paidByCredit.sort(java.util.Comparator.comparing(Receivable::issuedOn).thenComparing(Receivable::invoiceId).reversed());
    for (Receivable r : paidByCredit) {
      if (shortfall.signum() == 0) {
        break;
      }
      if (r.cancelled() || r.voided()) {
        continue;
      }
      BigDecimal byCredit = r.paidByAccountCredit();
      BigDecimal take = byCredit.min(shortfall);
      if (take.signum() > 0) {
        undone.add(new Allocation(r.invoiceId(), r.invoiceNumber(), take, Rule.ACCOUNT_CREDIT, null));
        shortfall = shortfall.subtract(take);
      }
    }
    return undone;
  }

  static Decision<RefundResult> refund(CustomerState state, IssueRefund cmd, Instant now) {
    RefundIssued earlier = state.refunds().get(cmd.refundId());
    if (earlier != null) {
      return Decision.reply(earlier.amount().compareTo(cmd.amount()) == 0 && earlier.currency().equals(cmd.currency())
              && Objects.equals(earlier.reference(), cmd.reference())
          ? new RefundResult.Ok(earlier, true)
          : new RefundResult.Failed(Rejection.of(Rejection.Kind.KEY_REUSED, "This Idempotency-Key was used for a different refund.")));
    }
    Rejection refused = refusal(state, cmd.currency(), "refund", Rejection.Kind.NOT_FOUND);
    if (refused != null) {
      return Decision.reply(new RefundResult.Failed(refused));
    }
    if (cmd.amount().compareTo(state.unappliedCash()) > 0) {
      return Decision.reply(new RefundResult.Failed(new Rejection(Rejection.Kind.UNPROCESSABLE,
          "A refund cannot exceed the unapplied cash (" + state.unappliedCash().toPlainString() + " " + state.currency() + ").",
          Map.of("unappliedCash", state.unappliedCash().toPlainString()))));
    }
    List<RefundSource> sources = new ArrayList<>();
    BigDecimal left = cmd.amount();
    for (PaymentEntry p : unappliedOldestFirst(state)) {
      if (left.signum() == 0) {
        break;
      }
      BigDecimal take = left.min(p.unapplied());
      sources.add(new RefundSource(p.paymentId(), take));
      left = left.subtract(take);
    }
    RefundIssued refund = new RefundIssued(cmd.refundId(), cmd.currency(), cmd.amount(), sources, cmd.reference(), cmd.by(), now);
    return Decision.persist(refund, s -> new RefundResult.Ok(refund, false));
  }

  /**
   * Paying a new invoice from what is to the customer's good: unapplied cash first (oldest payment
   * first, rule ACCOUNT_CREDIT), then account credit from credit notes; nothing when the tenant
   * does not auto-apply.
   */
  static List<Event> autoApply(
      CustomerState state, String invoiceId, String invoiceNumber, BigDecimal total, PaymentSettings.Tenant settings, Instant now) {
    if (!settings.autoApply()) {
      return List.of();
    }
    List<Event> events = new ArrayList<>();
    BigDecimal owed = total;
    for (PaymentEntry p : unappliedOldestFirst(state)) {
      if (owed.signum() == 0) {
        break;
      }
      BigDecimal take = owed.min(p.unapplied());
      events.add(new PaymentAllocated(p.paymentId(), p.operations() + 1,
          List.of(new Allocation(invoiceId, invoiceNumber, take, Rule.ACCOUNT_CREDIT, null)), "system", now));
      owed = owed.subtract(take);
    }
    BigDecimal credit = owed.min(state.accountCredit());
    if (credit.signum() > 0) {
      events.add(new AccountCreditApplied(invoiceId, invoiceNumber, credit, now));
    }
    return events;
  }

  // --- Events ----------------------------------------------------------------------------------

  /** The state after a payment event. */
  static CustomerState apply(CustomerState s, Event event) {
    CustomerState next = s;
    for (InvoiceAdjustments.Adjustment a : InvoiceAdjustments.of(event)) {
      next = Ledger.adjust(next, a.invoiceId(), a.paid(), a.credited(), a.writtenOff(), event.at());
    }
    BigDecimal creditChange = InvoiceAdjustments.accountCreditChange(event);
    if (creditChange.signum() != 0) {
      next = next.with(next.receivablesMap(), next.receivable(), next.settledMap(), next.accountCredit().add(creditChange), event.at());
    }
    if (event instanceof PaymentApplied e) {
      return next.withPayments(next.paymentsMap().plus(e.paymentId(), entryOf(e)), next.unappliedCash().add(e.unapplied()), e.at());
    }
    if (event instanceof PaymentAllocated e) {
      BigDecimal total = BigDecimal.ZERO;
      for (Allocation a : e.allocations()) {
        total = total.add(a.amount());
      }
      PaymentEntry p = next.payments().get(e.paymentId());
      List<Allocation> allocations = new ArrayList<>(p.allocations());
      allocations.addAll(e.allocations());
      PaymentEntry changed = new PaymentEntry(p.paymentId(), p.amount(), p.currency(), p.receivedOn(), p.at(), allocations, p.writeOffs(),
          p.unapplied().subtract(total), p.refunded(), e.operation(), false);
      return next.withPayments(next.paymentsMap().plus(e.paymentId(), changed), next.unappliedCash().subtract(total), e.at());
    }
    if (event instanceof PaymentUnallocated e) {
      PaymentEntry p = next.payments().get(e.paymentId());
      List<Allocation> allocations = p.allocations().stream().filter(a -> !a.invoiceId().equals(e.invoiceId())).toList();
      List<WriteOff> writeOffs = p.writeOffs().stream().filter(w -> !w.invoiceId().equals(e.invoiceId())).toList();
      PaymentEntry changed = new PaymentEntry(p.paymentId(), p.amount(), p.currency(), p.receivedOn(), p.at(), allocations, writeOffs,
          p.unapplied().add(e.amount()), p.refunded(), e.operation(), false);
      return next.withPayments(next.paymentsMap().plus(e.paymentId(), changed), next.unappliedCash().add(e.amount()), e.at());
    }
    if (event instanceof PaymentReversed e) {
      PaymentEntry p = next.payments().get(e.paymentId());
      PaymentEntry changed = new PaymentEntry(p.paymentId(), p.amount(), p.currency(), p.receivedOn(), p.at(), List.of(), List.of(),
          p.unapplied().subtract(e.unappliedRemoved()), p.refunded(), e.operation(), true);
      return next.withPayments(next.paymentsMap().plus(e.paymentId(), changed), next.unappliedCash().subtract(e.unappliedRemoved()),
          e.at());
    }
    if (event instanceof RefundIssued e) {
      PMap<String, PaymentEntry> payments = s.paymentsMap();
      for (RefundSource source : e.sources()) {
        PaymentEntry p = payments.get(source.paymentId());
        payments = payments.plus(p.paymentId(), new PaymentEntry(p.paymentId(), p.amount(), p.currency(), p.receivedOn(), p.at(),
            p.allocations(), p.writeOffs(), p.unapplied().subtract(source.amount()), p.refunded().add(source.amount()), p.operations() + 1,
            p.reversed()));
      }
      return s.withPayments(payments, s.unappliedCash().subtract(e.amount()), e.at()).withRefund(e);
    }
    if (event instanceof AccountCreditApplied) {
      return next;
    }
    throw new IllegalStateException("Unknown event " + event);
  }

  // --- Helpers ---------------------------------------------------------------------------------


  static PaymentEntry entryOf(PaymentApplied e) {
    return new PaymentEntry(e.paymentId(), e.amount(), e.currency(), e.receivedOn(), e.at(), e.allocations(), e.writeOffs(), e.unapplied(),
        Money.zero(e.currency()), 0, false);
  }

  /** The open invoices as matching sees them (all in the account's currency). */
  static List<Matching.OpenInvoice> openInvoices(CustomerState state) {
    List<Matching.OpenInvoice> open = new ArrayList<>(state.receivables().size());
    for (Receivable r : state.receivables().values()) {
      open.add(new Matching.OpenInvoice(r.invoiceId(), r.invoiceNumber(), r.orderId(), r.externalReference(), r.total(), r.balance(),
          r.dueOn(), r.issuedOn()));
    }
    return open;
  }

  private static List<PaymentEntry> unappliedOldestFirst(CustomerState state) {
    return state.payments().values().stream()
        .filter(p -> !p.reversed() && p.unapplied().signum() > 0)
        .sorted(Comparator.comparing(PaymentEntry::receivedOn).thenComparing(PaymentEntry::at).thenComparing(PaymentEntry::paymentId))
        .toList();
  }

  private static Rejection payerRefusal(CustomerState state, String currency) {
    return refusal(state, currency, "payment", Rejection.Kind.UNPROCESSABLE);
  }

  /**
   * Why this account cannot take money of {@code what} in {@code currency}, or null. A customer
   * named in a body that does not exist is {@code missing} (422 for a payment's payer; 404 for the
   * customer a refund's path names).
   */
  private static Rejection refusal(CustomerState state, String currency, String what, Rejection.Kind missing) {
    if (!state.exists()) {
      return Rejection.of(missing, "There is no such customer.");
    }
    if (!state.currency().equals(currency)) {
      return Rejection.of(Rejection.Kind.UNPROCESSABLE,
          "The " + what + " is in " + currency + " but the account of customer " + state.customerId() + " is in " + state.currency() + ".");
    }
    return null;
  }

  private static Decision<PaymentLedgerResult> failed(Rejection.Kind kind, String detail, Map<String, String> details) {
    return Decision.reply(new PaymentLedgerResult.Failed(new Rejection(kind, detail, details)));
  }

  /** A statement of the account over a period (null when there is no such customer). */
  static Statement statement(CustomerState state, LocalDate from, LocalDate to) {
    if (!state.exists()) {
      return null;
    }
    List<Statement.OpenInvoice> open = state.receivables().values().stream()
        .sorted(Comparator.comparing(Receivable::dueOn).thenComparing(Receivable::issuedOn).thenComparing(Receivable::invoiceNumber))
        .map(Statement.OpenInvoice::of).toList();
    List<Statement.Payment> payments = state.payments().values().stream()
        .filter(p -> !p.receivedOn().isBefore(from) && !p.receivedOn().isAfter(to))
        .sorted(Comparator.comparing(PaymentEntry::receivedOn).thenComparing(PaymentEntry::at).thenComparing(PaymentEntry::paymentId))
        .map(Statement.Payment::of).toList();
    List<CreditNote> notes = state.creditNotes().values().stream()
        .filter(n -> within(n.at(), from, to)).sorted(Comparator.comparing(CustomerAccount.CreditNoteIssued::at)).map(CreditNote::of).toList();
    List<Statement.Refund> refunds = state.refunds().values().stream()
        .filter(r -> within(r.at(), from, to)).sorted(Comparator.comparing(RefundIssued::at)).map(Statement.Refund::of).toList();
    return new Statement(state.customerId(), state.currency(), from, to, state.balance(), state.receivable(), state.unappliedCash(),
        state.accountCredit(), open, payments, notes, refunds);
  }

  private static boolean within(Instant at, LocalDate from, LocalDate to) {
    LocalDate day = LocalDate.ofInstant(at, java.time.ZoneOffset.UTC);
    return !day.isBefore(from) && !day.isAfter(to);
  }
}
