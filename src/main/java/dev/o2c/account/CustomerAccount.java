package dev.o2c.account;

import dev.o2c.infra.BusinessClock;
import dev.o2c.infra.CborSerializable;
import dev.o2c.infra.EntityIds;
import dev.o2c.infra.Rejection;
import dev.o2c.invoice.DunningLevel;
import dev.o2c.invoice.InvoicingSettings;
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

  /** A dunning step on an invoice; {@code creditHold}: this step puts the customer on credit hold. */
  public record DunningLevelRaised(
      String invoiceId, String invoiceNumber, DunningLevel level, long daysOverdue, boolean creditHold, Instant at)
      implements Event {}

  /** What an account needs besides its events. */
  public record Dependencies(BusinessClock clock, ReservationLookup orders, AccountSettings settings, InvoicingSettings invoicing) {}

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

  /** Only the ledger's events are read by projections (invoices, dunning); credit reservations are not tagged. */
  @Override
  public Set<String> tagsFor(Event event) {
    return event instanceof ReceivableRecorded || event instanceof CreditNoteIssued || event instanceof InvoiceVoided
        || event instanceof DunningLevelRaised ? Set.of(tag) : Set.of();
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
        .onCommand(Create.class, this::create)
        .onCommand(Update.class, this::update)
        .onCommand(Get.class, (state, cmd) -> Effect().reply(cmd.replyTo(), view(state)))
        .onCommand(ReserveCredit.class, this::reserve)
        .onCommand(CheckCredit.class, this::check)
        .onCommand(ReleaseCredit.class, this::release)
        .onCommand(CheckReservations.class, this::checkReservations)
        .onCommand(ReservationsChecked.class, this::reservationsChecked)
        .onCommand(RecordReceivable.class, this::recordReceivable)
        .onCommand(IssueCreditNote.class, this::issueCreditNote)
        .onCommand(VoidInvoice.class, this::voidInvoice)
        .onCommand(CancelInvoice.class, this::cancelInvoice)
        .onCommand(RunDunning.class, this::runDunning)
        .build();
  }

  @Override
  public EventHandler<CustomerState, Event> eventHandler() {
    return newEventHandlerBuilder().forAnyState().onAnyEvent(CustomerState::apply);
  }



  private ReplyEffect<Event, CustomerState> create(CustomerState state, Create cmd) {
    NewCustomer c = cmd.customer();
    String hash = c.fingerprint();
    if (state.exists()) {
      Created origin = state.origin();
      if (cmd.creationKey() != null && cmd.creationKey().equals(origin.creationKey())) {
        if (hash.equals(origin.requestHash())) {
          // The first answer again: the account as its creation left it.
          return Effect().reply(cmd.replyTo(), new CustomerResult.Ok(CustomerView.of(CustomerState.EMPTY.apply(origin), false), true));
        }
        return Effect().reply(cmd.replyTo(), failed(Rejection.Kind.KEY_REUSED,
            "This Idempotency-Key was used for a different customer request."));
      }
      return Effect().reply(cmd.replyTo(), failed(Rejection.Kind.ALREADY_EXISTS,
          "Customer " + state.customerId() + " already exists."));
    }
    Created created = new Created(
        c.customerId(), c.name(), c.email(), c.currency(), c.creditLimit(), c.paymentTermsDays(), cmd.creationKey(), hash,
        cmd.by(), deps.clock().now());
    return Effect().persist(created).thenReply(cmd.replyTo(), s -> new CustomerResult.Ok(CustomerView.of(s, false), false));
  }

  private ReplyEffect<Event, CustomerState> update(CustomerState state, Update cmd) {
    if (!state.exists()) {
      return Effect().reply(cmd.replyTo(), view(state));
    }
    CustomerPatch p = cmd.patch();
    if (p.creditLimit() != null && Money.decimals(p.creditLimit()) > Money.scale(state.currency())) {
      return Effect().reply(cmd.replyTo(), new CustomerResult.Failed(new Rejection(Rejection.Kind.INVALID,
          "The changes are not valid.",
          Map.of("creditLimit", "has more decimals than " + state.currency() + " allows ("
              + Money.scale(state.currency()) + ")"))));
    }
    if (p.isEmpty()) {
      return Effect().reply(cmd.replyTo(), view(state));
    }
    ProfileUpdated updated = new ProfileUpdated(
        p.name() != null ? p.name() : state.name(),
        p.clearEmail() ? null : p.email() != null ? p.email() : state.email(),
        p.creditLimit() != null ? Money.normalize(p.creditLimit(), state.currency()) : state.creditLimit(),
        p.paymentTermsDays() != null ? p.paymentTermsDays() : state.paymentTermsDays(),
        p.status() != null ? p.status() : state.status(),
        cmd.by(),
        deps.clock().now());
    return Effect().persist(updated).thenReply(cmd.replyTo(), this::view);
  }

  private ReplyEffect<Event, CustomerState> reserve(CustomerState state, ReserveCredit cmd) {
    CreditDecision.Refused refused = refusal(state, cmd.currency());
    if (refused != null) {
      return Effect().reply(cmd.replyTo(), refused);
    }
    // A new request for a reservation under check voids that check's answer for it: the order
    // is alive and about to be placed (or approved) again.
    checking.remove(cmd.orderId());
    CustomerState.Reservation existing = state.reservations().get(cmd.orderId());
    if (existing != null) {
      return Effect().reply(cmd.replyTo(), new CreditDecision.Reserved(existing.amount(), existing.overridden()));
    }
    List<CreditIssue> issues = issues(state, cmd.amount());
    if (!issues.isEmpty() && !cmd.override()) {
      return Effect().reply(cmd.replyTo(), new CreditDecision.NotReserved(issues, state.availableCredit()));
    }
    CreditReserved reserved = new CreditReserved(cmd.orderId(), cmd.amount(), issues, cmd.by(), deps.clock().now());
    return Effect()
        .persist(reserved)
        .thenRun(this::scheduleCheckIfNeeded)
        .thenReply(cmd.replyTo(), s -> new CreditDecision.Reserved(cmd.amount(), issues));
  }

  private ReplyEffect<Event, CustomerState> check(CustomerState state, CheckCredit cmd) {
    CreditDecision.Refused refused = refusal(state, cmd.currency());
    if (refused != null) {
      return Effect().reply(cmd.replyTo(), refused);
    }
    return Effect().reply(cmd.replyTo(), new CreditDecision.NotReserved(issues(state, cmd.amount()), state.availableCredit()));
  }

  private ReplyEffect<Event, CustomerState> release(CustomerState state, ReleaseCredit cmd) {
    if (!state.reservations().containsKey(cmd.orderId())) {
      return Effect().reply(cmd.replyTo(), Done.getInstance());
    }
    checking.remove(cmd.orderId());
    return Effect()
        .persist(new CreditReleased(cmd.orderId(), cmd.reason(), deps.clock().now()))
        .thenReply(cmd.replyTo(), s -> Done.getInstance());
  }

  private static CreditDecision.Refused refusal(CustomerState state, String currency) {
    if (!state.exists()) {
      return new CreditDecision.Refused(CreditDecision.Reason.UNKNOWN_CUSTOMER, "There is no such customer.");
    }
    if (state.status() == CustomerStatus.BLOCKED) {
      return new CreditDecision.Refused(CreditDecision.Reason.CUSTOMER_BLOCKED,
          "Customer " + state.customerId() + " is blocked.");
    }
    if (!state.currency().equals(currency)) {
      return new CreditDecision.Refused(CreditDecision.Reason.CURRENCY_MISMATCH,
          "The order is in " + currency + " but the account of customer " + state.customerId() + " is in " + state.currency() + ".");
    }
    return null;
  }

  private List<CreditIssue> issues(CustomerState state, BigDecimal amount) {
    List<CreditIssue> issues = new ArrayList<>();
    if (state.status() == CustomerStatus.CREDIT_HOLD || dunningHold(state)) {
      issues.add(CreditIssue.CUSTOMER_CREDIT_HOLD);
    }
    if (amount.compareTo(state.availableCredit()) > 0) {
      issues.add(CreditIssue.CREDIT_LIMIT_EXCEEDED);
    }
    return issues;
  }

  /** On credit hold by dunning: an open invoice is at a dunning step that holds credit. */
  private boolean dunningHold(CustomerState state) {
    return deps.invoicing().tenant(tenantId).dunning().stream()
        .filter(InvoicingSettings.Step::creditHold)
        .anyMatch(step -> state.anyOpenInvoiceAt(step.level()));
  }

  private CustomerResult view(CustomerState state) {
    return state.exists()
        ? new CustomerResult.Ok(CustomerView.of(state, dunningHold(state)), false)
        : new CustomerResult.Failed(Rejection.of(Rejection.Kind.NOT_FOUND, "There is no such customer."));
  }

  // --- The ledger of the customer's invoices ---------------------------------------------------

  private ReplyEffect<Event, CustomerState> recordReceivable(CustomerState state, RecordReceivable cmd) {
    ReceivableInfo i = cmd.invoice();
    if (!state.exists() || state.knowsInvoice(i.invoiceId())) {
      return Effect().reply(cmd.replyTo(), Done.getInstance());
    }
    Instant now = deps.clock().now();
    List<Event> events = new ArrayList<>(List.of(new ReceivableRecorded(
        i.invoiceId(), i.invoiceNumber(), i.orderId(), i.externalReference(), i.currency(), i.total(), i.issuedOn(), i.dueOn(), now)));
    if (state.cancelledInvoices().contains(i.invoiceId())) {
      events.add(new InvoiceVoided(i.invoiceId(), "order cancelled", "system", now));
    }
    return Effect().persist(events).thenReply(cmd.replyTo(), s -> Done.getInstance());
  }

  private ReplyEffect<Event, CustomerState> issueCreditNote(CustomerState state, IssueCreditNote cmd) {
    CreditNoteIssued earlier = state.creditNotes().get(cmd.creditNoteId());
    if (earlier != null) {
      return Effect().reply(cmd.replyTo(), earlier.invoiceId().equals(cmd.invoiceId()) && earlier.amount().compareTo(cmd.amount()) == 0
              && earlier.reason().equals(cmd.reason())
          ? new LedgerResult.CreditNote(CreditNote.of(earlier), true)
          : new LedgerResult.Failed(Rejection.of(Rejection.Kind.KEY_REUSED,
              "This Idempotency-Key was used for a different credit note.")));
    }
    LedgerResult refused = ledgerRefusal(state, cmd.invoiceId());
    if (refused != null) {
      return Effect().reply(cmd.replyTo(), refused);
    }
    if (state.settled().containsKey(cmd.invoiceId()) && state.settled().get(cmd.invoiceId()).voided()) {
      return Effect().reply(cmd.replyTo(), illegal("The invoice is VOID; a void invoice cannot be credited.", "VOID"));
    }
    CreditNoteIssued note = Ledger.creditNote(
        state, cmd.invoiceId(), cmd.creditNoteId(), cmd.amount(), cmd.reason(), cmd.by(), deps.clock().now());
    return Effect().persist(note).thenReply(cmd.replyTo(), s -> new LedgerResult.CreditNote(CreditNote.of(note), false));
  }

  private ReplyEffect<Event, CustomerState> voidInvoice(CustomerState state, VoidInvoice cmd) {
    LedgerResult refused = ledgerRefusal(state, cmd.invoiceId());
    if (refused != null) {
      return Effect().reply(cmd.replyTo(), refused);
    }
    Receivable open = state.receivables().get(cmd.invoiceId());
    if (open == null) {
      Receivable settled = state.settled().get(cmd.invoiceId());
      InvoiceVoided voiding = settled.voiding();
      return Effect().reply(cmd.replyTo(), voiding != null
          ? new LedgerResult.Voided(cmd.invoiceId(), voiding.reason(), voiding.by(), voiding.at())
          : illegal("The invoice is settled; only an invoice with nothing applied to it can be voided.", "PAID"));
    }
    if (!open.untouched()) {
      return Effect().reply(cmd.replyTo(), illegal(
          "Payments, credit notes or write-offs are applied to the invoice; only an invoice with nothing applied can be voided.",
          "PARTIALLY_PAID"));
    }
    InvoiceVoided voided = new InvoiceVoided(cmd.invoiceId(), cmd.reason(), cmd.by(), deps.clock().now());
    return Effect()
        .persist(voided)
        .thenReply(cmd.replyTo(), s -> new LedgerResult.Voided(cmd.invoiceId(), voided.reason(), voided.by(), voided.at()));
  }

  private ReplyEffect<Event, CustomerState> cancelInvoice(CustomerState state, CancelInvoice cmd) {
    if (!state.exists()) {
      return Effect().reply(cmd.replyTo(), Done.getInstance());
    }
    List<Event> events = Ledger.cancellation(state, cmd.invoiceId(), cmd.orderId(), cmd.by(), deps.clock().now());
    return events.isEmpty()
        ? Effect().reply(cmd.replyTo(), Done.getInstance())
        : Effect().persist(events).thenReply(cmd.replyTo(), s -> Done.getInstance());
  }

  private ReplyEffect<Event, CustomerState> runDunning(CustomerState state, RunDunning cmd) {
    InvoicingSettings.Tenant settings = deps.invoicing().tenant(tenantId);
    List<Event> steps = state.exists() ? Ledger.dunning(state, cmd.today(), settings, deps.clock().now()) : List.of();
    if (steps.isEmpty()) {
      return Effect().reply(cmd.replyTo(), new DunningRun(0, Ledger.nextDunningDay(state, settings, cmd.today())));
    }
    steps.forEach(e -> context.getLog().warn("DUNNING tenant={} customer={} invoice={}: {}", tenantId, state.customerId(),
        ((DunningLevelRaised) e).invoiceNumber(), ((DunningLevelRaised) e).level()));
    return Effect().persist(steps).thenReply(cmd.replyTo(),
        s -> new DunningRun(steps.size(), Ledger.nextDunningDay(s, settings, cmd.today())));
  }

  /** Why the ledger cannot act on an invoice it does not (yet) have; null when it has it. */
  private static LedgerResult ledgerRefusal(CustomerState state, String invoiceId) {
    if (!state.exists()) {
      return new LedgerResult.Failed(Rejection.of(Rejection.Kind.NOT_FOUND, "There is no such customer."));
    }
    if (!state.knowsInvoice(invoiceId)) {
      return new LedgerResult.Failed(Rejection.of(Rejection.Kind.UNAVAILABLE,
          "The invoice is not on the customer's account yet (it was issued moments ago); retry shortly."));
    }
    return null;
  }

  private static LedgerResult illegal(String detail, String currentStatus) {
    return new LedgerResult.Failed(new Rejection(Rejection.Kind.ILLEGAL_TRANSITION, detail, Map.of("currentStatus", currentStatus)));
  }

  private static CustomerResult failed(Rejection.Kind kind, String detail) {
    return new CustomerResult.Failed(Rejection.of(kind, detail));
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
