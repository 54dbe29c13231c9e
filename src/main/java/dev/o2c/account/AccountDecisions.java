package dev.o2c.account;

import dev.o2c.account.CustomerAccount.Create;
import dev.o2c.account.CustomerAccount.Created;
import dev.o2c.account.CustomerAccount.CreditNoteIssued;
import dev.o2c.account.CustomerAccount.DunningRun;
import dev.o2c.account.CustomerAccount.Event;
import dev.o2c.account.CustomerAccount.InvoiceVoided;
import dev.o2c.account.CustomerAccount.IssueCreditNote;
import dev.o2c.account.CustomerAccount.ProfileUpdated;
import dev.o2c.account.CustomerAccount.RunDunning;
import dev.o2c.account.CustomerAccount.Update;
import dev.o2c.account.CustomerAccount.VoidInvoice;
import dev.o2c.infra.Rejection;
import dev.o2c.invoice.InvoicingSettings;
import dev.o2c.money.Money;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What a customer account decides, command by command, in plain Java: opening and changing the
 * account and its invoices as a ledger (orders are in {@link OrderDecisions}, payments in
 * {@link PaymentLedger}).
 * {@code dunningHold} says whether dunning has the customer on credit hold (it depends on the
 * tenant's settings, which the entity knows).
 */
final class AccountDecisions {

  private AccountDecisions() {}

  static CustomerResult view(CustomerState state, boolean dunningHold) {
    return state.exists()
        ? new CustomerResult.Ok(CustomerView.of(state, dunningHold), false)
        : new CustomerResult.Failed(Rejection.of(Rejection.Kind.NOT_FOUND, "There is no such customer."));
  }

  // --- The account ---------------------------------------------------------------------------

  static Decision<CustomerResult> create(CustomerState state, Create cmd, Instant now) {
    NewCustomer c = cmd.customer();
    String hash = c.fingerprint();
    if (state.exists()) {
      Created origin = state.origin();
      if (cmd.creationKey() != null && cmd.creationKey().equals(origin.creationKey())) {
        // The first answer again: the account as its creation left it.
        return hash.equals(origin.requestHash())
            ? Decision.reply(new CustomerResult.Ok(CustomerView.of(CustomerState.EMPTY.apply(origin), false), true))
            : Decision.reply(failed(Rejection.Kind.KEY_REUSED, "This Idempotency-Key was used for a different customer request."));
      }
      return Decision.reply(failed(Rejection.Kind.ALREADY_EXISTS, "Customer " + state.customerId() + " already exists."));
    }
    Created created = new Created(
        c.customerId(), c.name(), c.email(), c.currency(), c.creditLimit(), c.paymentTermsDays(), cmd.creationKey(), hash, cmd.by(), now);
    return Decision.persist(created, s -> new CustomerResult.Ok(CustomerView.of(s, false), false));
  }

  static Decision<CustomerResult> update(CustomerState state, Update cmd, Instant now, boolean dunningHold) {
    if (!state.exists()) {
      return Decision.reply(view(state, dunningHold));
    }
    CustomerPatch p = cmd.patch();
    if (p.creditLimit() != null && Money.decimals(p.creditLimit()) > Money.scale(state.currency())) {
      return Decision.reply(new CustomerResult.Failed(new Rejection(Rejection.Kind.INVALID, "The changes are not valid.",
          Map.of("creditLimit", "has more decimals than " + state.currency() + " allows (" + Money.scale(state.currency()) + ")"))));
    }
    if (p.isEmpty()) {
      return Decision.reply(view(state, dunningHold));
    }
    ProfileUpdated updated = new ProfileUpdated(
        p.name() != null ? p.name() : state.name(),
        p.clearEmail() ? null : p.email() != null ? p.email() : state.email(),
        p.creditLimit() != null ? Money.normalize(p.creditLimit(), state.currency()) : state.creditLimit(),
        p.paymentTermsDays() != null ? p.paymentTermsDays() : state.paymentTermsDays(),
        p.status() != null ? p.status() : state.status(),
        cmd.by(),
        now);
    return Decision.persist(updated, s -> view(s, dunningHold));
  }

  // --- The ledger of invoices ------------------------------------------------------------------

  static Decision<LedgerResult> issueCreditNote(CustomerState state, IssueCreditNote cmd, Instant now) {
    CreditNoteIssued earlier = state.creditNotes().get(cmd.creditNoteId());
    if (earlier != null) {
      boolean same = earlier.invoiceId().equals(cmd.invoiceId()) && earlier.amount().compareTo(cmd.amount()) == 0
          && earlier.reason().equals(cmd.reason());
      return Decision.reply(same
          ? new LedgerResult.CreditNote(CreditNote.of(earlier), true)
          : new LedgerResult.Failed(Rejection.of(Rejection.Kind.KEY_REUSED, "This Idempotency-Key was used for a different credit note.")));
    }
    LedgerResult refused = ledgerRefusal(state, cmd.invoiceId());
    if (refused != null) {
      return Decision.reply(refused);
    }
    Receivable settled = state.settled().get(cmd.invoiceId());
    if (settled != null && settled.voided()) {
      return Decision.reply(illegal("The invoice is VOID; a void invoice cannot be credited.", "VOID"));
    }
    CreditNoteIssued note = Ledger.creditNote(state, cmd.invoiceId(), cmd.creditNoteId(), cmd.amount(), cmd.reason(), cmd.by(), now);
    return Decision.persist(note, s -> new LedgerResult.CreditNote(CreditNote.of(note), false));
  }

  static Decision<LedgerResult> voidInvoice(CustomerState state, VoidInvoice cmd, Instant now) {
    LedgerResult refused = ledgerRefusal(state, cmd.invoiceId());
    if (refused != null) {
      return Decision.reply(refused);
    }
    Receivable open = state.receivables().get(cmd.invoiceId());
    if (open == null) {
      InvoiceVoided voiding = state.settled().get(cmd.invoiceId()).voiding();
      return Decision.reply(voiding != null
          ? new LedgerResult.Voided(cmd.invoiceId(), voiding.reason(), voiding.by(), voiding.at())
          : illegal("The invoice is settled; only an invoice with nothing applied to it can be voided.", "PAID"));
    }
    if (!open.untouched()) {
      return Decision.reply(illegal(
          "Payments, credit notes or write-offs are applied to the invoice; only an invoice with nothing applied can be voided.",
          "PARTIALLY_PAID"));
    }
    InvoiceVoided voided = new InvoiceVoided(cmd.invoiceId(), cmd.reason(), cmd.by(), now);
    return Decision.persist(voided, s -> new LedgerResult.Voided(cmd.invoiceId(), voided.reason(), voided.by(), voided.at()));
  }

  static Decision<DunningRun> runDunning(CustomerState state, RunDunning cmd, InvoicingSettings.Tenant settings, Instant now) {
    List<Event> steps = state.exists() ? Ledger.dunning(state, cmd.today(), settings, now) : List.of();
    return steps.isEmpty()
        ? Decision.reply(new DunningRun(0, Ledger.nextDunningDay(state, settings, cmd.today())))
        : Decision.persist(steps, s -> new DunningRun(steps.size(), Ledger.nextDunningDay(s, settings, cmd.today())));
  }

  /** Why the ledger cannot act on an invoice it does not (yet) have; null when it has it. */
  static LedgerResult ledgerRefusal(CustomerState state, String invoiceId) {
    if (!state.exists()) {
      return new LedgerResult.Failed(Rejection.of(Rejection.Kind.NOT_FOUND, "There is no such customer."));
    }
    if (!state.knowsInvoice(invoiceId)) {
      return new LedgerResult.Failed(Rejection.of(Rejection.Kind.UNAVAILABLE,
          "The invoice is not on the customer's account yet (it was issued moments ago); retry shortly."));
    }
    return null;
  }

  static LedgerResult illegal(String detail, String currentStatus) {
    return new LedgerResult.Failed(new Rejection(Rejection.Kind.ILLEGAL_TRANSITION, detail, Map.of("currentStatus", currentStatus)));
  }

  private static CustomerResult failed(Rejection.Kind kind, String detail) {
    return new CustomerResult.Failed(Rejection.of(kind, detail));
  }
}
