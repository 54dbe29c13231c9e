package dev.o2c.account;

import dev.o2c.account.CustomerAccount.Event;
import dev.o2c.account.CustomerAccount.InvoiceIssued;
import dev.o2c.account.CustomerAccount.InvoicingFailed;
import dev.o2c.account.CustomerAccount.OrderAccepted;
import dev.o2c.account.CustomerAccount.OrderApproved;
import dev.o2c.account.CustomerAccount.OrderClosed;
import dev.o2c.account.CustomerState.OpenOrder;
import dev.o2c.credit.CreditCheck;
import dev.o2c.credit.CreditIssue;
import dev.o2c.infra.Rejection;
import dev.o2c.invoice.InvoiceDraft;
import dev.o2c.invoice.InvoiceIds;
import dev.o2c.invoice.InvoicingSettings;
import dev.o2c.order.HoldReason;
import dev.o2c.order.LedgerAnswer;
import dev.o2c.order.NewOrder;
import dev.o2c.order.OrderLedger;
import dev.o2c.order.OrderStatus;
import dev.o2c.order.PlacementRequest;
import dev.o2c.payment.PaymentSettings;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What the ledger decides about orders, in plain Java: taking an order (credit at its gross
 * total, holds of rules and credit), approving, rejecting, cancelling, and issuing its invoice
 * when the tenant's chain reaches invoicing (on verification, or on shipment) — in the same write
 * as the decision that got there. Credit is {@link CreditCheck}'s, the invoice's document
 * {@link InvoiceDraft}'s; paying a new invoice from what is to the customer's good is
 * {@link PaymentLedger#autoApply}'s.
 */
final class OrderDecisions {

  private OrderDecisions() {}

  /** Where invoice numbers come from while deciding: the account takes them before it decides. */
  @FunctionalInterface
  interface NumberSource {
    String next();
  }

  /** What deciding needs besides the state. */
  record Context(
      Instant now, LocalDate today, InvoicingSettings.Tenant invoicing, PaymentSettings.Tenant payments, boolean dunningHold,
      NumberSource numbers) {}

  static Decision<LedgerAnswer> place(CustomerState s, PlacementRequest r, Context c) {
    OrderAccepted earlier = s.unconfirmed().get(r.orderId());
    if (earlier != null) {
      return Decision.reply(earlier.request().requestHash().equals(r.requestHash())
          ? answer(s, earlier, true)
          : refused(Rejection.Kind.KEY_REUSED, "This Idempotency-Key was used for a different order request."));
    }
    if (s.orders().containsKey(r.orderId()) || s.knowsInvoice(InvoiceIds.forOrder(r.orderId()))) {
      // Taken and recorded by the order already: only a lost answer brings it here again.
      OpenOrder open = s.orders().get(r.orderId());
      return Decision.reply(new LedgerAnswer.Accepted(open == null ? OrderStatus.VERIFIED : open.status(), List.of(), List.of(),
          invoiceIdOf(s, r.orderId()), invoiceNumberOf(s, r.orderId()), open == null ? null : open.gross(), true));
    }
    LedgerAnswer.Refused refusal = refusal(s, r.order().currency());
    if (refusal != null) {
      return Decision.reply(refusal);
    }
    InvoiceDraft draft;
    try {
      draft = draft(s, r, c);
    } catch (IllegalArgumentException e) {
      return Decision.reply(refused(Rejection.Kind.UNPROCESSABLE, e.getMessage() + ": the order cannot be taken."));
    }
    BigDecimal gross = draft.total();
    List<CreditIssue> issues = CreditCheck.issues(exposure(s, c), gross);
    List<HoldReason> holds = new ArrayList<>(r.rules().holds());
    for (CreditIssue issue : issues) {
      holds.add(creditHold(issue, s.availableCredit(), gross, r.order().currency()));
    }
    OrderStatus status = holds.isEmpty() ? OrderStatus.VERIFIED : OrderStatus.ON_HOLD;
    OrderAccepted accepted = new OrderAccepted(r, status, holds, gross, c.now());
    List<Event> events = new ArrayList<>(List.of(accepted));
    if (status == OrderStatus.VERIFIED && c.invoicing().invoiceOn() == InvoicingSettings.InvoiceOn.VERIFIED) {
      events.addAll(issue(s.apply(accepted), r, draft, c));
    }
    return Decision.persist(events, after -> answer(after, accepted, false));
  }

  /**
   * A change of an order the account has taken. Each is idempotent, and each is judged against
   * what the account holds, which may be ahead of the order when an earlier answer was lost on its
   * way (the order then said "unavailable"): an approval or shipment of an order the account closed
   * is refused, a rejection of one it approved is refused (approve again to record it), and closing
   * an order the account no longer holds is answered as done.
   */
  static Decision<LedgerAnswer> change(
      CustomerState s, String orderId, OrderLedger.Change change, String reason, String by, Context c) {
    if (!s.exists()) {
      return Decision.reply(refused(Rejection.Kind.NOT_FOUND, "There is no such customer."));
    }
    OpenOrder open = s.orders().get(orderId);
    String invoiceId = InvoiceIds.forOrder(orderId);
    boolean invoiced = s.knowsInvoice(invoiceId);
    boolean approved = (open != null && open.holdsCredit()) || invoiced;
    return switch (change) {
      case APPROVE -> open != null && !open.holdsCredit() ? approve(s, orderId, open, by, c)
          : approved ? Decision.reply(done(s, orderId, OrderStatus.VERIFIED, open, open == null ? List.of() : open.overridden()))
          : closedAlready(orderId);
      case REJECT -> open != null && !open.holdsCredit() ? close(s, orderId, OrderStatus.REJECTED, reason, by, c)
          : approved ? Decision.reply(refused(Rejection.Kind.ILLEGAL_TRANSITION, "The customer's account approved order " + orderId
              + " (an earlier answer was lost on its way): approve it again to record that, and cancel it if it is to go."))
          : Decision.reply(done(s, orderId, OrderStatus.REJECTED, null, List.of()));
      case CANCEL -> open != null ? close(s, orderId, OrderStatus.CANCELLED, reason, by, c)
          : invoiced ? cancelInvoiced(s, orderId, invoiceId, by, c)
          : Decision.reply(done(s, orderId, OrderStatus.CANCELLED, null, List.of()));
      case SHIP -> open != null && open.holdsCredit() ? ship(s, orderId, open, c)
          : invoiced ? Decision.reply(done(s, orderId, OrderStatus.SHIPPED, null, List.of()))
          : open != null ? Decision.reply(refused(Rejection.Kind.ILLEGAL_TRANSITION,
              "The customer's account holds order " + orderId + " on hold; it cannot be shipped before it is approved."))
          : closedAlready(orderId);
      case INVOICE -> open != null && open.holdsCredit() ? invoiceNow(s, orderId, open, c)
          : invoiced ? Decision.reply(done(s, orderId, OrderStatus.VERIFIED, null, List.of()))
          : Decision.reply(refused(Rejection.Kind.ILLEGAL_TRANSITION, "Order " + orderId + " holds no credit: there is nothing to invoice."));
    };
  }

  private static Decision<LedgerAnswer> closedAlready(String orderId) {
    return Decision.reply(refused(Rejection.Kind.ILLEGAL_TRANSITION,
        "The customer's account holds no open order " + orderId + ": it was rejected or cancelled."));
  }

  /** A held order approved (the caller made sure it is held). */
  private static Decision<LedgerAnswer> approve(CustomerState s, String orderId, OpenOrder open, String by, Context c) {
    if (s.status() == CustomerStatus.BLOCKED) {
      return Decision.reply(refused(Rejection.Kind.UNPROCESSABLE, "Customer " + s.customerId() + " is blocked."));
    }
    List<CreditIssue> overridden = CreditCheck.issues(exposure(s, c), open.gross());
    OrderApproved approved = new OrderApproved(orderId, overridden, by, c.now());
    List<Event> events = new ArrayList<>(List.of(approved));
    if (c.invoicing().invoiceOn() == InvoicingSettings.InvoiceOn.VERIFIED) {
      events.addAll(issue(s, open.request(), c));
    }
    return Decision.persist(events, after -> done(after, orderId, OrderStatus.VERIFIED, null, overridden));
  }

  private static Decision<LedgerAnswer> close(CustomerState s, String orderId, OrderStatus to, String reason, String by, Context c) {
    OrderClosed closed = new OrderClosed(orderId, to, reason, by, c.now());
    return Decision.persist(closed, after -> done(after, orderId, to, null, List.of()));
  }

  private static Decision<LedgerAnswer> cancelInvoiced(CustomerState s, String orderId, String invoiceId, String by, Context c) {
    List<Event> events = Ledger.cancellation(s, invoiceId, by, c.now());
    return events.isEmpty()
        ? Decision.reply(done(s, orderId, OrderStatus.CANCELLED, null, List.of()))
        : Decision.persist(events, after -> done(after, orderId, OrderStatus.CANCELLED, null, List.of()));
  }

  /**
   * Shipping invoices the order where the tenant invoices on shipment — and where the tenant
   * invoices on verification but invoicing failed then (an unknown tax code): shipping retries it.
   */
  private static Decision<LedgerAnswer> ship(CustomerState s, String orderId, OpenOrder open, Context c) {
    List<Event> events = issue(s, open.request(), c);
    return Decision.persist(events, after -> done(after, orderId, OrderStatus.SHIPPED, null, List.of()));
  }

  /** An order that holds credit and has no invoice (invoicing failed) gets it now; refused when it fails again. */
  private static Decision<LedgerAnswer> invoiceNow(CustomerState s, String orderId, OpenOrder open, Context c) {
    List<Event> events = issue(s, open.request(), c);
    if (events.get(0) instanceof InvoicingFailed failed) {
      return Decision.persist(events, after -> refused(Rejection.Kind.UNPROCESSABLE, "The order cannot be invoiced: " + failed.detail()));
    }
    return Decision.persist(events, after -> done(after, orderId, OrderStatus.VERIFIED, null, List.of()));
  }

  /** The invoice of an order: issued (and paid from the customer's credit where there is some), or why it could not be. */
  private static List<Event> issue(CustomerState s, PlacementRequest r, Context c) {
    try {
      return issue(s, r, draft(s, r, c), c);
    } catch (IllegalArgumentException e) {
      return List.of(new InvoicingFailed(r.orderId(), e.getMessage() + "; the order keeps its credit and stays uninvoiced until "
          + "POST /v1/orders/" + r.orderId() + "/invoice (or, before shipment, the shipment) invoices it", c.now()));
    }
  }

  private static List<Event> issue(CustomerState s, PlacementRequest r, InvoiceDraft d, Context c) {
    String invoiceId = InvoiceIds.forOrder(r.orderId());
    InvoiceIssued issued = new InvoiceIssued(invoiceId, c.numbers().next(), r.orderId(), d.externalReference(), d.currency(), d.lines(),
        d.subtotal(), d.tax(), d.total(), d.issuedOn(), d.dueOn(), c.now());
    List<Event> events = new ArrayList<>(List.of(issued));
    if (issued.total().signum() > 0) {
      events.addAll(PaymentLedger.autoApply(s, invoiceId, issued.invoiceNumber(), issued.total(), c.payments(), c.now()));
    }
    return events;
  }

  /** The invoice an order would get now; an unknown tax code is an IllegalArgumentException. */
  private static InvoiceDraft draft(CustomerState s, PlacementRequest r, Context c) {
    NewOrder o = r.order();
    return InvoiceDraft.of(r.orderId(), o.customerId(), o.externalReference(), o.currency(), o.lines(), c.invoicing().tax(), c.today(),
        s.paymentTermsDays());
  }

  private static CreditCheck.Exposure exposure(CustomerState s, Context c) {
    return new CreditCheck.Exposure(s.creditLimit(), s.creditUsed(), s.status() == CustomerStatus.CREDIT_HOLD || c.dunningHold());
  }

  private static LedgerAnswer.Refused refusal(CustomerState s, String currency) {
    if (!s.exists()) {
      return refused(Rejection.Kind.UNPROCESSABLE, "There is no such customer.");
    }
    if (s.status() == CustomerStatus.BLOCKED) {
      return refused(Rejection.Kind.UNPROCESSABLE, "Customer " + s.customerId() + " is blocked.");
    }
    if (!s.currency().equals(currency)) {
      return refused(Rejection.Kind.UNPROCESSABLE,
          "The order is in " + currency + " but the account of customer " + s.customerId() + " is in " + s.currency() + ".");
    }
    return null;
  }

  private static HoldReason creditHold(CreditIssue issue, BigDecimal available, BigDecimal gross, String currency) {
    return switch (issue) {
      case CREDIT_LIMIT_EXCEEDED -> new HoldReason(issue.name(),
          "The order's gross total " + gross.toPlainString() + " " + currency + " (tax included) exceeds the available credit "
              + available.toPlainString() + " " + currency + ".", null);
      case CUSTOMER_CREDIT_HOLD -> new HoldReason(issue.name(), "The customer is on credit hold.", null);
    };
  }

  /** The answer to a placement, as the state after it has it. */
  static LedgerAnswer.Accepted answer(CustomerState s, OrderAccepted a, boolean replayed) {
    String orderId = a.request().orderId();
    return new LedgerAnswer.Accepted(a.status(), a.holdReasons(), List.of(), invoiceIdOf(s, orderId), invoiceNumberOf(s, orderId),
        a.gross(), replayed);
  }

  private static LedgerAnswer.Accepted done(CustomerState s, String orderId, OrderStatus status, OpenOrder open, List<CreditIssue> overridden) {
    return new LedgerAnswer.Accepted(status, List.of(), overridden, invoiceIdOf(s, orderId), invoiceNumberOf(s, orderId),
        open == null ? null : open.gross(), false);
  }

  private static String invoiceIdOf(CustomerState s, String orderId) {
    String invoiceId = InvoiceIds.forOrder(orderId);
    return s.knowsInvoice(invoiceId) ? invoiceId : null;
  }

  private static String invoiceNumberOf(CustomerState s, String orderId) {
    Receivable invoice = s.invoice(InvoiceIds.forOrder(orderId));
    return invoice == null ? null : invoice.invoiceNumber();
  }

  private static LedgerAnswer.Refused refused(Rejection.Kind kind, String detail) {
    return new LedgerAnswer.Refused(new Rejection(kind, detail, Map.of()));
  }
}
