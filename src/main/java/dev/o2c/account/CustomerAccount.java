package dev.o2c.account;

import dev.o2c.payment.PaymentLedgerResult;
import dev.o2c.infra.BusinessClock;
import dev.o2c.infra.CborSerializable;
import dev.o2c.infra.EntityIds;
import dev.o2c.infra.Rejection;
import dev.o2c.invoice.DunningLevel;
import dev.o2c.invoice.InvoicingSettings;
import dev.o2c.payment.Allocation;
import dev.o2c.payment.ChosenAllocation;
import dev.o2c.payment.PaymentSettings;
import dev.o2c.payment.WriteOff;
import dev.o2c.money.Money;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.RecoveryCompleted;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReply;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;
import org.apache.pekko.persistence.typed.javadsl.SignalHandler;

/**
 * A customer account: the single writer of its credit. Orders ask it to reserve credit, and it
 * decides (within the limit, held, or refused) and records the reservation in one step, so two
 * orders can never both take the last of the credit.
 *
 * <p>Healing: an order is placed in two steps, the reservation here and then the order's own
 * event. If the system stops between them, a reservation exists for an order that does not. Every
 * reservation therefore starts unconfirmed; a few seconds later (and again after recovery) this
 * account asks the order about each unconfirmed one, confirms those whose order holds credit and
 * releases the others. Confirmations are written in one event per round, not one per order.
 */
public final class CustomerAccount
    extends EventSourcedBehaviorWithEnforcedReplies<CustomerAccount.Command, CustomerAccount.Event, CustomerState> {

  public static final EntityTypeKey<Command> KEY = EntityTypeKey.create(Command.class, "CustomerAccount");

  /** What an account is asked to do. */
  public sealed interface Command extends CborSerializable {}

  /** Open the account; {@code creationKey} is the Idempotency-Key, if any. */
  public record Create(NewCustomer customer, String creationKey, String by, ActorRef<CustomerResult> replyTo) implements Command {}

  /** Change contact data, credit limit, payment terms or status. */
  public record Update(CustomerPatch patch, String by, ActorRef<CustomerResult> replyTo) implements Command {}

  public record Get(ActorRef<CustomerResult> replyTo) implements Command {}

  /**
   * Reserve credit for an order, once per order id: within the available credit and while the
   * account is ACTIVE, or beyond both when {@code override} (an approval).
   */
  public record ReserveCredit(
      String orderId, BigDecimal amount, String currency, boolean override, String by, ActorRef<CreditDecision> replyTo)
      implements Command {}

  /** Say, without reserving, whether an order of this amount would be held and why. */
  public record CheckCredit(BigDecimal amount, String currency, ActorRef<CreditDecision> replyTo) implements Command {}

  /** Release an order's reservation, if it has one. */
  public record ReleaseCredit(String orderId, String reason, ActorRef<Done> replyTo) implements Command {}

  /**
   * Record an issued invoice as a receivable: the order's reservation becomes an open balance
   * (idempotent by invoice id; an invoice whose order was cancelled meanwhile is voided at once).
   */
  public record RecordReceivable(ReceivableInfo invoice, ActorRef<Done> replyTo) implements Command {}

  /** Credit an invoice (idempotent by credit note id). */
  public record IssueCreditNote(
      String invoiceId, String creditNoteId, BigDecimal amount, String reason, String by, ActorRef<LedgerResult> replyTo)
      implements Command {}

  /** Void an invoice that has nothing applied to it. */
  public record VoidInvoice(String invoiceId, String reason, String by, ActorRef<LedgerResult> replyTo) implements Command {}

  /** The order of this invoice was cancelled: void the invoice or credit it in full. */
  public record CancelInvoice(String invoiceId, String orderId, String by, ActorRef<Done> replyTo) implements Command {}

  /** Take every dunning step the open invoices have reached by {@code today}. */
  public record RunDunning(LocalDate today, ActorRef<DunningRun> replyTo) implements Command {}

  /** A dunning run's outcome: the steps taken, and the next day a step falls due (null: none). */
  public record DunningRun(int stepsTaken, LocalDate nextOn) implements CborSerializable {}

  /** Say whether a payment in {@code currency} can be taken for this customer (without taking it). */
  public record CheckPayer(String currency, ActorRef<PaymentLedgerResult> replyTo) implements Command {}

  /** Apply a payment by the matching rules (idempotent by payment id). */
  public record ApplyPayment(
      String paymentId, BigDecimal amount, String currency, LocalDate receivedOn, String remittanceInfo, String bankReference,
      ActorRef<PaymentLedgerResult> replyTo) implements Command {}

  /** Apply a payment's unapplied money to chosen invoices (the account learns the payment if it is new to it). */
  public record AllocatePayment(
      String paymentId, BigDecimal amount, String currency, LocalDate receivedOn, List<ChosenAllocation> allocations, String by,
      ActorRef<PaymentLedgerResult> replyTo) implements Command {}

  /** Take back a payment's allocation to an invoice: the money is unapplied again, the invoice owes it again. */
  public record UnallocatePayment(String paymentId, String invoiceId, String by, ActorRef<PaymentLedgerResult> replyTo) implements Command {}

  /** Undo everything a payment did (returned payment, chargeback). */
  public record ReversePayment(String paymentId, String reason, String by, ActorRef<PaymentLedgerResult> replyTo) implements Command {}

  public record GetPayment(String paymentId, ActorRef<PaymentLedgerResult> replyTo) implements Command {}

  /** Pay unapplied cash back to the customer (idempotent by refund id). */
  public record IssueRefund(
      String refundId, BigDecimal amount, String currency, String reference, String by, ActorRef<RefundResult> replyTo)
      implements Command {}

  /** The account's statement over a period. */
  public record GetStatement(LocalDate from, LocalDate to, ActorRef<StatementAnswer> replyTo) implements Command {}

  /** A statement; null when there is no such customer. */
  public record StatementAnswer(Statement statement) implements CborSerializable {}

  /** Timer: ask the orders of unconfirmed reservations about them. */
  public record CheckReservations() implements Command {}

  /** What the orders said (reservations whose order did not answer are absent). */
  public record ReservationsChecked(Map<String, ReservationStatus> answers) implements Command {}

  /** What happened to an account. */
  public sealed interface Event extends CborSerializable {}

  public record Created(
      String customerId, String name, String email, String currency, BigDecimal creditLimit, int paymentTermsDays,
      String creationKey, String requestHash, String by, Instant at) implements Event {}

  /** The profile after a change: every field holds its new value. */
  public record ProfileUpdated(
      String name, String email, BigDecimal creditLimit, int paymentTermsDays, CustomerStatus status, String by, Instant at)
      implements Event {}

  /** Credit reserved for an order; {@code overridden}: the issues an approval took it despite. */
  public record CreditReserved(String orderId, BigDecimal amount, List<CreditIssue> overridden, String by, Instant at)
      implements Event {
    public CreditReserved {
      overridden = List.copyOf(overridden);
    }
  }

  public record CreditReleased(String orderId, String reason, Instant at) implements Event {}

  public record ReservationsConfirmed(List<String> orderIds, Instant at) implements Event {
    public ReservationsConfirmed {
      orderIds = List.copyOf(orderIds);
    }
  }

  /** An invoice became an open receivable; its order's reservation ends. */
  public record ReceivableRecorded(
      String invoiceId, String invoiceNumber, String orderId, String externalReference, String currency, BigDecimal total,
      LocalDate issuedOn, LocalDate dueOn, Instant at) implements Event {}

  /** A credit note: {@code appliedToInvoice} lowered the invoice's balance, {@code toAccountCredit} is the rest. */
  public record CreditNoteIssued(
      String creditNoteId, String invoiceId, BigDecimal amount, BigDecimal appliedToInvoice, BigDecimal toAccountCredit,
      String reason, String by, Instant at) implements Event {}

  public record InvoiceVoided(String invoiceId, String reason, String by, Instant at) implements Event {}

  /** The order of an invoice not recorded yet was cancelled: its reservation ends, the invoice will be voided. */
  public record InvoiceCancellationNoted(String invoiceId, String orderId, Instant at) implements Event {}

  /** A payment the account took: what matching made of it. */
  public record PaymentApplied(
      String paymentId, BigDecimal amount, String currency, LocalDate receivedOn, List<Allocation> allocations,
      List<WriteOff> writeOffs, BigDecimal unapplied, Instant at) implements Event {
    public PaymentApplied {
      allocations = List.copyOf(allocations);
      writeOffs = List.copyOf(writeOffs);
    }
  }

  /** Unapplied money of a payment applied to invoices: by hand (MANUAL) or to a new invoice (ACCOUNT_CREDIT). */
  public record PaymentAllocated(String paymentId, int operation, List<Allocation> allocations, String by, Instant at) implements Event {
    public PaymentAllocated {
      allocations = List.copyOf(allocations);
    }
  }

  /** A payment's allocation to an invoice taken back, with what it wrote off there ({@code writtenOff}, zero if nothing). */
  public record PaymentUnallocated(
      String paymentId, int operation, String invoiceId, String invoiceNumber, BigDecimal amount, BigDecimal writtenOff, String by,
      Instant at) implements Event {}

  /** Everything a payment did, undone: its allocations and write-offs taken back, its unapplied money gone. */
  public record PaymentReversed(
      String paymentId, int operation, List<Allocation> undone, List<WriteOff> writeOffsUndone, BigDecimal unappliedRemoved,
      String reason, String by, Instant at) implements Event {
    public PaymentReversed {
      undone = List.copyOf(undone);
      writeOffsUndone = List.copyOf(writeOffsUndone);
    }
  }

  /** Unapplied cash paid back; {@code sources}: which payments' money, oldest first. */
  public record RefundIssued(
      String refundId, String currency, BigDecimal amount, List<RefundSource> sources, String reference, String by, Instant at)
      implements Event {
    public RefundIssued {
      sources = List.copyOf(sources);
    }
  }

  /** Money of one payment in a refund. */
  public record RefundSource(String paymentId, BigDecimal amount) implements CborSerializable {}

  /** Credit to the customer's good (credit notes beyond a balance) applied to a new invoice. */
  public record AccountCreditApplied(String invoiceId, String invoiceNumber, BigDecimal amount, Instant at) implements Event {}

  /** A dunning step on an invoice; {@code creditHold}: this step puts the customer on credit hold. */
  public record DunningLevelRaised(
      String invoiceId, String invoiceNumber, DunningLevel level, long daysOverdue, boolean creditHold, Instant at)
      implements Event {}

  /** What an account needs besides its events. */
  public record Dependencies(
      BusinessClock clock, ReservationLookup orders, AccountSettings settings, InvoicingSettings invoicing, PaymentSettings payments) {}

  private final String tenantId;
  private final String tag;
  private final ActorContext<Command> context;
  private final TimerScheduler<Command> timers;
  private final Dependencies deps;

  /** The reservations of the check in flight; a new request for one of them voids its answer. */
  private final Set<String> checking = new HashSet<>();
  private boolean checkInFlight;

  public static Behavior<Command> create(String entityId, Dependencies deps) {
    return Behaviors.setup(context -> Behaviors.withTimers(timers -> new CustomerAccount(entityId, context, timers, deps)));
  }

  private CustomerAccount(String entityId, ActorContext<Command> context, TimerScheduler<Command> timers, Dependencies deps) {
    super(
        PersistenceId.of(KEY.name(), entityId),
        SupervisorStrategy.restartWithBackoff(Duration.ofMillis(200), Duration.ofSeconds(5), 0.1));
    this.tenantId = EntityIds.tenantOf(entityId);
    this.tag = "account-" + Math.floorMod(entityId.hashCode(), deps.settings().tagBuckets());
    this.context = context;
    this.timers = timers;
    this.deps = deps;
  }

  @Override
  public CustomerState emptyState() {
    return CustomerState.EMPTY;
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    return RetentionCriteria.snapshotEvery(deps.settings().snapshotEvery(), 2);
  }

  /**
   * Only the ledger's events are read by projections (invoices, payments, dunning); credit
   * reservations and profile changes are not tagged.
   */
  @Override
  public Set<String> tagsFor(Event event) {
    return event instanceof Created || event instanceof ProfileUpdated || event instanceof CreditReserved
        || event instanceof CreditReleased || event instanceof ReservationsConfirmed || event instanceof InvoiceCancellationNoted
        ? Set.of() : Set.of(tag);
  }

  @Override
  public SignalHandler<CustomerState> signalHandler() {
    return newSignalHandlerBuilder()
        .onSignal(RecoveryCompleted.instance(), state -> scheduleCheckIfNeeded(state))
        .build();
  }

  @Override
  public CommandHandlerWithReply<Command, Event, CustomerState> commandHandler() {
    return newCommandHandlerWithReplyBuilder()
        .forAnyState()
        .onCommand(Create.class, (s, c) -> decide(s, c.replyTo(), AccountDecisions.create(s, c, now())))
        .onCommand(Update.class, (s, c) -> decide(s, c.replyTo(), AccountDecisions.update(s, c, now(), dunningHold(s))))
        .onCommand(Get.class, (s, c) -> Effect().reply(c.replyTo(), AccountDecisions.view(s, dunningHold(s))))
        .onCommand(ReserveCredit.class, (s, c) -> {
          // A new request for a reservation under check voids that check's answer for it: the
          // order is alive and about to be placed (or approved) again.
          checking.remove(c.orderId());
          return decide(s, c.replyTo(), AccountDecisions.reserve(s, c, now(), dunningHold(s)));
        })
        .onCommand(CheckCredit.class, (s, c) -> decide(s, c.replyTo(), AccountDecisions.check(s, c, dunningHold(s))))
        .onCommand(ReleaseCredit.class, (s, c) -> {
          checking.remove(c.orderId());
          return decide(s, c.replyTo(), AccountDecisions.release(s, c, now()));
        })
        .onCommand(CheckReservations.class, this::checkReservations)
        .onCommand(ReservationsChecked.class, this::reservationsChecked)
        .onCommand(RecordReceivable.class, (s, c) -> decide(s, c.replyTo(), AccountDecisions.recordReceivable(s, c, now(),
            PaymentLedger.autoApply(s, c.invoice(), payments(), now()))))
        .onCommand(IssueCreditNote.class, (s, c) -> decide(s, c.replyTo(), AccountDecisions.issueCreditNote(s, c, now())))
        .onCommand(VoidInvoice.class, (s, c) -> decide(s, c.replyTo(), AccountDecisions.voidInvoice(s, c, now())))
        .onCommand(CancelInvoice.class, (s, c) -> decide(s, c.replyTo(), AccountDecisions.cancelInvoice(s, c, now())))
        .onCommand(RunDunning.class, (s, c) -> {
          Decision<DunningRun> decision = AccountDecisions.runDunning(s, c, deps.invoicing().tenant(tenantId), now());
          decision.events().forEach(e -> context.getLog().warn("DUNNING tenant={} customer={} invoice={}: {}", tenantId,
              s.customerId(), ((DunningLevelRaised) e).invoiceNumber(), ((DunningLevelRaised) e).level()));
          return decide(s, c.replyTo(), decision);
        })
        .onCommand(CheckPayer.class, (s, c) -> decide(s, c.replyTo(), PaymentLedger.checkPayer(s, c.currency())))
        .onCommand(ApplyPayment.class, (s, c) -> decide(s, c.replyTo(), PaymentLedger.apply(s, c, payments(), now())))
        .onCommand(AllocatePayment.class, (s, c) -> decide(s, c.replyTo(), PaymentLedger.allocate(s, c, now())))
        .onCommand(UnallocatePayment.class, (s, c) -> decide(s, c.replyTo(), PaymentLedger.unallocate(s, c, now())))
        .onCommand(ReversePayment.class, (s, c) -> decide(s, c.replyTo(), PaymentLedger.reverse(s, c, now())))
        .onCommand(GetPayment.class, (s, c) -> Effect().reply(c.replyTo(), PaymentLedger.get(s, c.paymentId())))
        .onCommand(IssueRefund.class, (s, c) -> decide(s, c.replyTo(), PaymentLedger.refund(s, c, now())))
        .onCommand(GetStatement.class, (s, c) -> Effect().reply(c.replyTo(),
            new StatementAnswer(PaymentLedger.statement(s, c.from(), c.to()))))
        .build();
  }

  @Override
  public EventHandler<CustomerState, Event> eventHandler() {
    return newEventHandlerBuilder().forAnyState().onAnyEvent(CustomerState::apply);
  }

  /** A decision as an effect: persist its events (then look at the healing timer), and reply. */
  private <R> ReplyEffect<Event, CustomerState> decide(CustomerState state, ActorRef<R> replyTo, Decision<R> decision) {
    if (decision.events().isEmpty()) {
      return Effect().reply(replyTo, decision.reply().apply(state));
    }
    return Effect().persist(decision.events()).thenRun(this::scheduleCheckIfNeeded).thenReply(replyTo, decision.reply()::apply);
  }

  private Instant now() {
    return deps.clock().now();
  }

  private PaymentSettings.Tenant payments() {
    return deps.payments().tenant(tenantId);
  }

  /** On credit hold by dunning: an open invoice is at a dunning step that holds credit. */
  private boolean dunningHold(CustomerState state) {
    return deps.invoicing().tenant(tenantId).dunning().stream()
        .filter(InvoicingSettings.Step::creditHold)
        .anyMatch(step -> state.anyOpenInvoiceAt(step.level()));
  }

  // --- Healing of reservations whose order never came to exist ------------------------------

  private void scheduleCheckIfNeeded(CustomerState state) {
    boolean unconfirmed = state.reservations().values().stream().anyMatch(r -> !r.confirmed());
    if (unconfirmed && !timers.isTimerActive("check-reservations")) {
      timers.startTimerWithFixedDelay("check-reservations", new CheckReservations(), deps.settings().reservationCheckInterval());
    } else if (!unconfirmed) {
      timers.cancel("check-reservations");
    }
  }

  private ReplyEffect<Event, CustomerState> checkReservations(CustomerState state, CheckReservations cmd) {
    if (checkInFlight) {
      return Effect().noReply();
    }
    Instant due = deps.clock().now().minus(deps.settings().reservationConfirmAfter());
    List<String> candidates = new ArrayList<>();
    for (Map.Entry<String, CustomerState.Reservation> entry : state.reservations().entrySet()) {
      if (!entry.getValue().confirmed() && !entry.getValue().at().isAfter(due)) {
        candidates.add(entry.getKey());
        if (candidates.size() == deps.settings().reservationsPerCheck()) {
          break;
        }
      }
    }
    if (candidates.isEmpty()) {
      scheduleCheckIfNeeded(state);
      return Effect().noReply();
    }
    checkInFlight = true;
    checking.clear();
    checking.addAll(candidates);
    Map<String, CompletableFuture<ReservationStatus>> asks = new LinkedHashMap<>();
    long timeout = deps.settings().orderAskTimeout().toMillis();
    for (String orderId : candidates) {
      asks.put(orderId, deps.orders().statusOf(tenantId, orderId).toCompletableFuture()
          .orTimeout(timeout, TimeUnit.MILLISECONDS)
          .exceptionally(e -> null));
    }
    context.pipeToSelf(
        CompletableFuture.allOf(asks.values().toArray(CompletableFuture[]::new)),
        (done, failure) -> {
          Map<String, ReservationStatus> answers = new LinkedHashMap<>();
          asks.forEach((orderId, answer) -> {
            ReservationStatus status = answer.getNow(null);
            if (status != null) {
              answers.put(orderId, status);
            }
          });
          return new ReservationsChecked(answers);
        });
    return Effect().noReply();
  }

  private ReplyEffect<Event, CustomerState> reservationsChecked(CustomerState state, ReservationsChecked cmd) {
    checkInFlight = false;
    Instant now = deps.clock().now();
    List<String> confirm = new ArrayList<>();
    List<Event> events = new ArrayList<>();
    cmd.answers().forEach((orderId, answer) -> {
      CustomerState.Reservation reservation = state.reservations().get(orderId);
      if (reservation == null || reservation.confirmed() || !checking.contains(orderId)) {
        return; // released meanwhile, or asked for again: this answer is stale
      }
      switch (answer.state()) {
        case RESERVING -> confirm.add(orderId);
        case NOT_RESERVING -> events.add(new CreditReleased(orderId, "order holds no credit", now));
        case UNKNOWN -> events.add(new CreditReleased(orderId, "order was never placed", now));
      }
    });
    checking.clear();
    if (!confirm.isEmpty()) {
      events.add(0, new ReservationsConfirmed(confirm, now));
    }
    if (events.isEmpty()) {
      return Effect().noReply();
    }
    events.stream()
        .filter(e -> e instanceof CreditReleased)
        .forEach(e -> context.getLog().info("Released the reservation of order {}: {}", ((CreditReleased) e).orderId(),
            ((CreditReleased) e).reason()));
    return Effect().persist(events).thenRun(this::scheduleCheckIfNeeded).thenNoReply();
  }
}
