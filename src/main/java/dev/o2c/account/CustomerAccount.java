package dev.o2c.account;

import dev.o2c.credit.CreditIssue;
import dev.o2c.infra.BusinessClock;
import dev.o2c.infra.CborSerializable;
import dev.o2c.infra.EntityIds;
import dev.o2c.invoice.DunningLevel;
import dev.o2c.invoice.InvoiceLine;
import dev.o2c.invoice.InvoiceResult;
import dev.o2c.invoice.InvoicingSettings;
import dev.o2c.order.HoldReason;
import dev.o2c.order.LedgerAnswer;
import dev.o2c.order.OrderLedger;
import dev.o2c.order.OrderStatus;
import dev.o2c.order.PlacementRequest;
import dev.o2c.payment.Allocation;
import dev.o2c.payment.ChosenAllocation;
import dev.o2c.payment.PaymentLedgerResult;
import dev.o2c.payment.PaymentSettings;
import dev.o2c.payment.WriteOff;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
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
 * A customer account: the one writer of a customer's money — credit of open orders, invoices
 * and their balances, payments, unapplied cash, credit to the customer's good. Every decision is
 * plain Java ({@link OrderDecisions}, {@link AccountDecisions}, {@link Ledger}, {@link PaymentLedger},
 * with credit in {@code credit/}, invoice documents in {@code invoice/}, matching in
 * {@code payment/}); this entity is the shell that persists what they decide.
 *
 * <p><b>Batches.</b> Every command that may change the account is queued and decided in a batch:
 * what arrives while one write is in flight is decided together, against the state as each
 * decision leaves it, and persisted in the next write (one Cassandra batch), so a customer
 * receiving hundreds of orders a second is not held to one write per round trip. Each reply is
 * made from the state right after its own command's events, and sent once the write is durable.
 * Invoice numbers are taken before a batch is decided (a dry run counts them), so deciding never
 * waits.
 *
 * <p><b>After a write</b> the account tells the others directly (through {@link LedgerEffects}):
 * new invoices' references are indexed before the answers go out (a payment naming the number
 * finds the customer at once), orders learn their payment status, payments what the account did
 * to them. The ledger projection repeats all of it at least once, as the backstop.
 *
 * <p><b>Healing.</b> An order answers its caller as soon as this account has taken it, then
 * stores its own record and says so ({@link PlacementRecorded}). A placement not confirmed after
 * a few seconds is checked with its order, which gets the placement back if it lost it.
 * Confirmations are persisted in the next batch (or on a timer when idle), not one write each.
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

  /** Credit an invoice (idempotent by credit note id). */
  public record IssueCreditNote(
      String invoiceId, String creditNoteId, BigDecimal amount, String reason, String by, ActorRef<LedgerResult> replyTo)
      implements Command {}

  /** Void an invoice that has nothing applied to it. */
  public record VoidInvoice(String invoiceId, String reason, String by, ActorRef<LedgerResult> replyTo) implements Command {}

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

  /** A statement; null when there is no such customer, or when {@code failure} says why there is none now. */
  public record StatementAnswer(Statement statement, dev.o2c.infra.Rejection failure) implements CborSerializable {
    public StatementAnswer(Statement statement) {
      this(statement, null);
    }
  }

  /** Take an order: decide its credit and, where due, issue its invoice (idempotent by order id). */
  public record PlaceOrder(PlacementRequest request, ActorRef<LedgerAnswer> replyTo) implements Command {}

  /** Approve, reject, cancel or ship an order of this account (idempotent). */
  public record ChangeOrder(String orderId, OrderLedger.Change change, String reason, String by, ActorRef<LedgerAnswer> replyTo)
      implements Command {}

  /** The order has stored its own record of its placement. */
  public record PlacementRecorded(String orderId) implements Command {}

  /** An invoice of this account as the API shows it. */
  public record GetInvoice(String invoiceId, ActorRef<InvoiceResult> replyTo) implements Command {}

  /** Timer: decide what is queued (internal). */
  public record Flush() implements Command {}

  /** Invoice numbers for the queued decisions arrived (internal). */
  public record NumbersArrived(String series, List<String> numbers, String failure) implements Command {}

  /** Timer: check unconfirmed placements with their orders (internal). */
  public record CheckPlacements() implements Command {}

  /** What the orders said: recorded (true) or not (internal). */
  public record PlacementsChecked(Map<String, Boolean> answers) implements Command {}

  /** Timer: look for settled items that may leave the state (internal). */
  public record ArchiveTick() implements Command {}

  /** The items chosen to leave are stored in the archive, or not (internal). */
  public record ArchiveStored(AccountArchive.Found stored, String failure) implements Command {}

  /** Archived items the queued commands need, loaded (internal). */
  public record ArchiveLoaded(Archive.Ids asked, AccountArchive.Found found, String failure) implements Command {}

  /** What happened to an account, and when (business time). */
  public sealed interface Event extends CborSerializable {
    Instant at();
  }

  public record Created(
      String customerId, String name, String email, String currency, BigDecimal creditLimit, int paymentTermsDays,
      String creationKey, String requestHash, String by, Instant at) implements Event {}

  /** The profile after a change: every field holds its new value. */
  public record ProfileUpdated(
      String name, String email, BigDecimal creditLimit, int paymentTermsDays, CustomerStatus status, String by, Instant at)
      implements Event {}

  /** A credit note: {@code appliedToInvoice} lowered the invoice's balance, {@code toAccountCredit} is the rest. */
  public record CreditNoteIssued(
      String creditNoteId, String invoiceId, BigDecimal amount, BigDecimal appliedToInvoice, BigDecimal toAccountCredit,
      String reason, String by, Instant at) implements Event {}

  public record InvoiceVoided(String invoiceId, String reason, String by, Instant at) implements Event {}

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

  /**
   * Everything a payment did, undone: its allocations and write-offs taken back, its unapplied money
   * gone. On the invoice of an order cancelled since (credited in full), what the payment paid became
   * account credit: that credit is taken back instead ({@code creditTakenBack}), its write-offs there
   * become credit ({@code writeOffsCredited}), and where that credit already paid other invoices,
   * those applications are undone ({@code accountCreditUndone}) — the customer owes them again.
   */
  public record PaymentReversed(
      String paymentId, int operation, List<Allocation> undone, List<WriteOff> writeOffsUndone, BigDecimal unappliedRemoved,
      List<Allocation> creditTakenBack, List<WriteOff> writeOffsCredited, List<Allocation> accountCreditUndone, String reason, String by,
      Instant at) implements Event {
    public PaymentReversed {
      undone = List.copyOf(undone);
      writeOffsUndone = List.copyOf(writeOffsUndone);
      creditTakenBack = creditTakenBack == null ? List.of() : List.copyOf(creditTakenBack);
      writeOffsCredited = writeOffsCredited == null ? List.of() : List.copyOf(writeOffsCredited);
      accountCreditUndone = accountCreditUndone == null ? List.of() : List.copyOf(accountCreditUndone);
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


  /**
   * An order taken: VERIFIED (it holds credit of {@code gross}, its total with tax) or ON_HOLD
   * (rules or credit; {@code holdReasons} says which). The request is kept whole until its order
   * confirms it has its own record.
   */
  public record OrderAccepted(PlacementRequest request, OrderStatus status, List<HoldReason> holdReasons, BigDecimal gross, Instant at)
      implements Event {
    public OrderAccepted {
      holdReasons = List.copyOf(holdReasons);
    }
  }

  /** A held order approved: it holds credit now; {@code overridden}: the credit issues the approval overrode. */
  public record OrderApproved(String orderId, List<CreditIssue> overridden, String by, Instant at) implements Event {
    public OrderApproved {
      overridden = List.copyOf(overridden);
    }
  }

  /** An order not invoiced yet rejected or cancelled: its credit is released. */
  public record OrderClosed(String orderId, OrderStatus to, String reason, String by, Instant at) implements Event {}

  /** An order's invoice: the document, now an open receivable in place of the order's credit. */
  public record InvoiceIssued(
      String invoiceId, String invoiceNumber, String orderId, String externalReference, String currency, List<InvoiceLine> lines,
      BigDecimal subtotal, BigDecimal tax, BigDecimal total, LocalDate issuedOn, LocalDate dueOn, Instant at) implements Event {
    public InvoiceIssued {
      lines = List.copyOf(lines);
    }
  }

  /** An order's invoice could not be issued (an unknown tax code): the order keeps its credit, an alert is raised. */
  public record InvoicingFailed(String orderId, String detail, Instant at) implements Event {}

  /**
   * Settled invoices and finished payments left the account's state: they are in the
   * {@link AccountArchive}, stored before this event was written.
   */
  public record ItemsArchived(List<String> invoiceIds, List<String> paymentIds, Instant at) implements Event {
    public ItemsArchived {
      invoiceIds = List.copyOf(invoiceIds);
      paymentIds = List.copyOf(paymentIds);
    }
  }

  /** Archived items back in the account's state, whole, as a decision in the same write needs them. */
  public record ItemsRestored(List<Receivable> invoices, List<dev.o2c.payment.PaymentEntry> payments, Instant at) implements Event {
    public ItemsRestored {
      invoices = List.copyOf(invoices);
      payments = List.copyOf(payments);
    }
  }

  /** These orders have their own records of their placements. */
  public record PlacementsConfirmed(List<String> orderIds, Instant at) implements Event {
    public PlacementsConfirmed {
      orderIds = List.copyOf(orderIds);
    }
  }
  /** What an account needs besides its events. */
  public record Dependencies(
      BusinessClock clock, LedgerEffects effects, AccountSettings settings, InvoicingSettings invoicing, PaymentSettings payments,
      AccountArchive archive, ArchiveSettings archiving) {

    /** Without archiving: every item stays in the state. */
    public Dependencies(
        BusinessClock clock, LedgerEffects effects, AccountSettings settings, InvoicingSettings invoicing, PaymentSettings payments) {
      this(clock, effects, settings, invoicing, payments, AccountArchive.inMemory(), ArchiveSettings.OFF);
    }
  }

  /** How a queued command is decided against the state it meets. */
  @FunctionalInterface
  private interface Decider {
    Decision<?> decide(CustomerState state, OrderDecisions.Context context);
  }

  /** What archived items a queued command needs back, given the state it will meet. */
  @FunctionalInterface
  private interface Wants {
    Archive.Ids of(CustomerState state);
  }

  private static final Wants NOTHING = s -> Archive.Ids.none();

  /** A queued command, what archived items it needs, and where its answer goes. */
  private record Queued(Decider decider, Wants wants, ActorRef<Object> replyTo) {}

  /** A decided batch: its events, the state after them, and its answers ready to send once they are durable. */
  private record Decided(List<Event> events, CustomerState state, List<Runnable> replies) {}

  private final String tenantId;
  private final String customerId;
  private final String tag;
  private final ActorContext<Command> context;
  private final TimerScheduler<Command> timers;
  private final Dependencies deps;

  private final ArrayDeque<Queued> queue = new ArrayDeque<>();
  private boolean flushScheduled;
  private boolean awaitingNumbers;
  /** Invoice numbers taken and not used yet, of {@code numberSeries} (lost when the account stops: a gap). */
  private final ArrayDeque<String> numbers = new ArrayDeque<>();
  private String numberSeries = "";
  /** Orders that said they recorded their placement; confirmed in the next write. */
  private final Set<String> recorded = new LinkedHashSet<>();
  /** The placements of the check in flight. */
  private final Set<String> checking = new HashSet<>();
  private boolean checkInFlight;
  /** Archived items loaded for the queued commands, restored in the next write. */
  private final Map<String, Receivable> restoredInvoices = new LinkedHashMap<>();
  private final Map<String, dev.o2c.payment.PaymentEntry> restoredPayments = new LinkedHashMap<>();
  /** Ids looked up in the archive for the queued commands (found or not), until the next write. */
  private final Archive.Ids lookedUp = Archive.Ids.none();
  private boolean awaitingArchive;
  private boolean archiveInFlight;
  /** Items stored in the archive, to leave the state in the next write. */
  private AccountArchive.Found leaving;

  public static Behavior<Command> create(String entityId, Dependencies deps) {
    return Behaviors.setup(context -> Behaviors.withTimers(timers -> new CustomerAccount(entityId, context, timers, deps)));
  }

  private CustomerAccount(String entityId, ActorContext<Command> context, TimerScheduler<Command> timers, Dependencies deps) {
    super(
        PersistenceId.of(KEY.name(), entityId),
        SupervisorStrategy.restartWithBackoff(Duration.ofMillis(200), Duration.ofSeconds(5), 0.1));
    this.tenantId = EntityIds.tenantOf(entityId);
    this.customerId = EntityIds.idOf(entityId);
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
   * Only what the ledger projection reads is tagged: invoices and everything applied to them,
   * payments, refunds, dunning, failed invoicing, held orders and orders that raised rule alerts. Profile
   * changes, order credit and confirmations are not.
   */
  @Override
  public Set<String> tagsFor(Event event) {
    return tagged(event) ? Set.of(tag) : Set.of();
  }

  /** Whether an event is tagged (read by the projections): every event that changes money is. */
  public static boolean tagged(Event event) {
    if (event instanceof Created || event instanceof ProfileUpdated || event instanceof OrderApproved || event instanceof OrderClosed
        || event instanceof PlacementsConfirmed || event instanceof ItemsArchived || event instanceof ItemsRestored) {
      return false;
    } else if (event instanceof OrderAccepted e) {
      // Rule alerts, and a held order's names (a payment waiting for them) are read.
      return !e.request().rules().alerts().isEmpty() || e.status() == OrderStatus.ON_HOLD;
    }
    return true;
  }


  @Override
  public SignalHandler<CustomerState> signalHandler() {
    return newSignalHandlerBuilder()
        .onSignal(RecoveryCompleted.instance(), state -> {
          scheduleCheckIfNeeded(state);
          if (deps.archiving().enabled()) {
            timers.startTimerWithFixedDelay("archive", new ArchiveTick(), deps.archiving().interval());
          }
        })
        .build();
  }

  @Override
  public EventHandler<CustomerState, Event> eventHandler() {
    return newEventHandlerBuilder().forAnyState().onAnyEvent(CustomerState::apply);
  }

  @Override
  public CommandHandlerWithReply<Command, Event, CustomerState> commandHandler() {
    return newCommandHandlerWithReplyBuilder()
        .forAnyState()
        .onCommand(Get.class, (s, c) -> Effect().reply(c.replyTo(), AccountDecisions.view(s, dunningHold(s))))
        .onCommand(GetInvoice.class, this::getInvoice)
        .onCommand(CheckPayer.class, (s, c) -> Effect().reply(c.replyTo(), PaymentLedger.checkPayer(s, c.currency()).reply().apply(s)))
        .onCommand(GetPayment.class, this::getPayment)
        .onCommand(GetStatement.class, this::getStatement)
        .onCommand(Create.class, (s, c) -> enqueue(c.replyTo(), (st, x) -> AccountDecisions.create(st, c, x.now())))
        .onCommand(Update.class, (s, c) -> enqueue(c.replyTo(), (st, x) -> AccountDecisions.update(st, c, x.now(), x.dunningHold())))
        .onCommand(PlaceOrder.class, (s, c) -> enqueue(c.replyTo(), (st, x) -> OrderDecisions.place(st, c.request(), x)))
        .onCommand(ChangeOrder.class, (s, c) -> enqueue(c.replyTo(), st -> Archive.forOrderChange(st, c.orderId()),
            (st, x) -> OrderDecisions.change(st, c.orderId(), c.change(), c.reason(), c.by(), x)))
        .onCommand(IssueCreditNote.class, (s, c) -> enqueue(c.replyTo(), st -> Archive.forInvoice(st, c.invoiceId()),
            (st, x) -> AccountDecisions.issueCreditNote(st, c, x.now())))
        .onCommand(VoidInvoice.class, (s, c) -> enqueue(c.replyTo(), st -> Archive.forInvoice(st, c.invoiceId()),
            (st, x) -> AccountDecisions.voidInvoice(st, c, x.now())))
        .onCommand(RunDunning.class, (s, c) -> enqueue(c.replyTo(),
            (st, x) -> AccountDecisions.runDunning(st, c, deps.invoicing().tenant(tenantId), x.now())))
        .onCommand(ApplyPayment.class, (s, c) -> enqueue(c.replyTo(), (st, x) -> PaymentLedger.apply(st, c, x.payments(), x.now())))
        .onCommand(AllocatePayment.class, (s, c) -> enqueue(c.replyTo(), st -> Archive.forPayment(st, c.paymentId(), null, false),
            (st, x) -> PaymentLedger.allocate(st, c, x.now())))
        .onCommand(UnallocatePayment.class, (s, c) -> enqueue(c.replyTo(),
            st -> Archive.forPayment(st, c.paymentId(), c.invoiceId(), false), (st, x) -> PaymentLedger.unallocate(st, c, x.now())))
        .onCommand(ReversePayment.class, (s, c) -> enqueue(c.replyTo(), st -> Archive.forPayment(st, c.paymentId(), null, true),
            (st, x) -> PaymentLedger.reverse(st, c, x.now())))
        .onCommand(IssueRefund.class, (s, c) -> enqueue(c.replyTo(), (st, x) -> PaymentLedger.refund(st, c, x.now())))
        .onCommand(PlacementRecorded.class, (s, c) -> {
          recorded.add(c.orderId());
          checking.remove(c.orderId());
          if (!timers.isTimerActive("confirm")) {
            timers.startSingleTimer("confirm", new Flush(), deps.settings().confirmationDelay());
          }
          return Effect().noReply();
        })
        .onCommand(Flush.class, (s, c) -> flush(s))
        .onCommand(NumbersArrived.class, this::numbersArrived)
        .onCommand(CheckPlacements.class, this::checkPlacements)
        .onCommand(PlacementsChecked.class, this::placementsChecked)
        .onCommand(ArchiveTick.class, this::archiveTick)
        .onCommand(ArchiveStored.class, this::archiveStored)
        .onCommand(ArchiveLoaded.class, this::archiveLoaded)
        .build();
  }

  // --- Batches -------------------------------------------------------------------------------

  private ReplyEffect<Event, CustomerState> enqueue(ActorRef<?> replyTo, Decider decider) {
    return enqueue(replyTo, NOTHING, decider);
  }

  @SuppressWarnings("unchecked")
  private ReplyEffect<Event, CustomerState> enqueue(ActorRef<?> replyTo, Wants wants, Decider decider) {
    queue.add(new Queued(decider, wants, (ActorRef<Object>) replyTo));
    scheduleFlush();
    return Effect().noReply();
  }

  /**
   * A Flush after everything already waiting: what queued behind a write (stashed by Pekko during
   * it, and handed back after) is all queued before the Flush comes.
   */
  private void scheduleFlush() {
    if (!flushScheduled && !awaitingNumbers && !awaitingArchive) {
      flushScheduled = true;
      context.getSelf().tell(new Flush());
    }
  }

  private ReplyEffect<Event, CustomerState> flush(CustomerState current) {
    flushScheduled = false;
    if (awaitingNumbers || awaitingArchive || (queue.isEmpty() && recorded.isEmpty() && leaving == null)) {
      return Effect().noReply();
    }
    List<Queued> batch = new ArrayList<>();
    while (!queue.isEmpty() && batch.size() < deps.settings().maxBatch()) {
      batch.add(queue.poll());
    }
    Instant now = deps.clock().now();
    // Archived items the batch needs are loaded first, and restored at the head of its write.
    ItemsRestored restored = restoredInvoices.isEmpty() && restoredPayments.isEmpty() ? null
        : new ItemsRestored(List.copyOf(restoredInvoices.values()), List.copyOf(restoredPayments.values()), now);
    CustomerState state = restored == null ? current : current.apply(restored);
    Archive.Ids missing = Archive.Ids.none();
    for (Queued q : batch) {
      missing.addAll(q.wants().of(state));
    }
    missing = missing.without(lookedUp);
    if (!missing.isEmpty()) {
      requeue(batch);
      awaitingArchive = true;
      Archive.Ids asked = missing;
      context.pipeToSelf(deps.archive().load(tenantId, customerId, asked.invoiceIds(), asked.paymentIds()),
          (found, failure) -> new ArchiveLoaded(asked, found, failure == null ? null : failure.toString()));
      return Effect().noReply();
    }
    LocalDate today = deps.clock().today();
    String prefix = deps.invoicing().tenant(tenantId).numberPrefix();
    String series = prefix + "-" + today.getYear();
    if (!series.equals(numberSeries)) {
      numbers.clear();
      numberSeries = series;
    }
    int[] needed = {0};
    decide(state, batch, now, today, () -> {
      needed[0]++;
      return "";
    });
    if (needed[0] > numbers.size()) {
      requeue(batch);
      awaitingNumbers = true;
      context.pipeToSelf(deps.effects().numbers(tenantId, prefix, today.getYear(), needed[0] - numbers.size()),
          (taken, failure) -> new NumbersArrived(series, taken, failure == null ? null : failure.toString()));
      return Effect().noReply();
    }
    Decided decided = decide(state, batch, now, today, numbers::poll);
    List<Event> events = new ArrayList<>();
    if (restored != null) {
      events.add(restored);
    }
    events.addAll(decided.events());
    restoredInvoices.clear();
    restoredPayments.clear();
    lookedUp.invoiceIds().clear();
    lookedUp.paymentIds().clear();
    List<String> confirm = recorded.stream().filter(state.unconfirmed()::containsKey).toList();
    recorded.clear();
    if (!confirm.isEmpty()) {
      events.add(new PlacementsConfirmed(confirm, now));
    }
    if (leaving != null) {
      ItemsArchived archived = Archive.leaving(decided.state(), leaving, now);
      leaving = null;
      if (archived != null) {
        events.add(archived);
      }
    }
    if (!queue.isEmpty()) {
      scheduleFlush();
    }
    if (events.isEmpty()) {
      decided.replies().forEach(Runnable::run);
      return Effect().noReply();
    }
    // The new invoices' references are indexed while the events are written, not after.
    CompletionStage<Done> indexed = events.stream().anyMatch(e -> e instanceof InvoiceIssued)
        ? deps.effects().index(tenantId, customerId, events)
        : CompletableFuture.completedFuture(Done.getInstance());
    return Effect().persist(events).thenRun(after -> afterWrite(decided, after, indexed)).thenNoReply();
  }

  /** Decides a batch in order, each command against the state the ones before it left. */
  private Decided decide(CustomerState state, List<Queued> batch, Instant now, LocalDate today, OrderDecisions.NumberSource source) {
    CustomerState s = state;
    List<Event> events = new ArrayList<>();
    List<Runnable> replies = new ArrayList<>(batch.size());
    boolean hold = dunningHold(s);
    for (Queued q : batch) {
      OrderDecisions.Context x = new OrderDecisions.Context(now, today, deps.invoicing().tenant(tenantId), payments(), hold, source);
      Decision<?> d = q.decider().decide(s, x);
      for (Event e : d.events()) {
        s = s.apply(e);
        if (!(e instanceof OrderAccepted || e instanceof InvoiceIssued || e instanceof PlacementsConfirmed)) {
          hold = dunningHold(s);
        }
      }
      Object answer = d.reply().apply(s);
      events.addAll(d.events());
      replies.add(() -> q.replyTo().tell(answer));
    }
    return new Decided(events, s, replies);
  }

  private void requeue(List<Queued> batch) {
    for (int i = batch.size() - 1; i >= 0; i--) {
      queue.addFirst(batch.get(i));
    }
  }

  /**
   * After a durable write: tell the others, and answer — once the references of new invoices,
   * written at the same time as the events, are indexed too (bounded: the write is durable, and
   * the projection indexes them as well).
   */
  private void afterWrite(Decided decided, CustomerState after, CompletionStage<Done> indexed) {
    scheduleCheckIfNeeded(after);
    decided.events().stream().filter(e -> e instanceof DunningLevelRaised).map(e -> (DunningLevelRaised) e).forEach(e ->
        context.getLog().warn("DUNNING tenant={} customer={} invoice={}: {}", tenantId, customerId, e.invoiceNumber(), e.level()));
    decided.events().stream().filter(e -> e instanceof InvoicingFailed).map(e -> (InvoicingFailed) e).forEach(e ->
        context.getLog().warn("INVOICING FAILED tenant={} customer={} order={}: {}", tenantId, customerId, e.orderId(), e.detail()));
    CompletionStage<?> told = deps.effects().written(tenantId, customerId, decided.events(), after, indexed);
    if (decided.events().stream().anyMatch(e -> e instanceof InvoiceIssued)) {
      told.toCompletableFuture()
          .orTimeout(deps.settings().orderAskTimeout().toMillis(), TimeUnit.MILLISECONDS)
          .whenComplete((done, failure) -> decided.replies().forEach(Runnable::run));
    } else {
      decided.replies().forEach(Runnable::run);
    }
  }

  private ReplyEffect<Event, CustomerState> numbersArrived(CustomerState state, NumbersArrived msg) {
    awaitingNumbers = false;
    if (msg.failure() != null) {
      context.getLog().warn("No invoice numbers for customer {} of tenant {}: {}; trying again", customerId, tenantId, msg.failure());
      timers.startSingleTimer("numbers", new Flush(), Duration.ofSeconds(1));
      return Effect().noReply();
    }
    if (msg.series().equals(numberSeries)) {
      numbers.addAll(msg.numbers());
    }
    scheduleFlush();
    return Effect().noReply();
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

  // --- The archive ----------------------------------------------------------------------------

  private static final dev.o2c.infra.Rejection ARCHIVE_UNAVAILABLE = dev.o2c.infra.Rejection.of(dev.o2c.infra.Rejection.Kind.UNAVAILABLE,
      "The account archive could not be read; safe to retry.");

  /** An invoice the state holds, or else one the archive has (a read changes nothing). */
  private ReplyEffect<Event, CustomerState> getInvoice(CustomerState state, GetInvoice cmd) {
    InvoiceResult held = AccountViews.invoice(state, cmd.invoiceId());
    if (held instanceof InvoiceResult.Ok || !state.exists()) {
      return Effect().reply(cmd.replyTo(), held);
    }
    deps.archive().load(tenantId, customerId, Set.of(cmd.invoiceId()), Set.of()).whenComplete((found, failure) ->
        cmd.replyTo().tell(failure != null ? new InvoiceResult.Failed(ARCHIVE_UNAVAILABLE)
            : found.invoices().isEmpty() ? held : new InvoiceResult.Ok(AccountViews.view(customerId, found.invoices().get(0)))));
    return Effect().noReply();
  }

  private ReplyEffect<Event, CustomerState> getPayment(CustomerState state, GetPayment cmd) {
    PaymentLedgerResult held = PaymentLedger.get(state, cmd.paymentId());
    if (held instanceof PaymentLedgerResult.Ok || !state.exists()) {
      return Effect().reply(cmd.replyTo(), held);
    }
    deps.archive().load(tenantId, customerId, Set.of(), Set.of(cmd.paymentId())).whenComplete((found, failure) ->
        cmd.replyTo().tell(failure != null ? new PaymentLedgerResult.Failed(ARCHIVE_UNAVAILABLE)
            : found.payments().isEmpty() ? held : new PaymentLedgerResult.Ok(found.payments().get(0))));
    return Effect().noReply();
  }

  /** A statement lists the payments of its period the archive has beside those the state holds. */
  private ReplyEffect<Event, CustomerState> getStatement(CustomerState state, GetStatement cmd) {
    if (!state.exists()) {
      return Effect().reply(cmd.replyTo(), new StatementAnswer(null));
    }
    // Not the actor's context in the callback (it runs on another thread): its logger, taken now.
    org.slf4j.Logger log = context.getLog();
    deps.archive().paymentsReceived(tenantId, customerId, cmd.from(), cmd.to()).whenComplete((archived, failure) -> {
      if (failure != null) {
        // A statement without the archived payments of its period would be wrong, not partial: none.
        log.warn("No statement for customer {} of tenant {}: the archive could not be read: {}", customerId, tenantId, failure.toString());
        cmd.replyTo().tell(new StatementAnswer(null, ARCHIVE_UNAVAILABLE));
        return;
      }
      CustomerState whole = archived.isEmpty() ? state : state.apply(new ItemsRestored(List.of(), archived, state.updatedAt()));
      cmd.replyTo().tell(new StatementAnswer(PaymentLedger.statement(whole, cmd.from(), cmd.to())));
    });
    return Effect().noReply();
  }

  /** What may leave the state is stored in the archive first; it leaves in the write after that. */
  private ReplyEffect<Event, CustomerState> archiveTick(CustomerState state, ArchiveTick tick) {
    if (archiveInFlight || leaving != null || !state.exists()) {
      return Effect().noReply();
    }
    AccountArchive.Found candidates = Archive.candidates(state, now().minus(deps.archiving().after()), deps.archiving().maxItems());
    if (candidates.isEmpty()) {
      return Effect().noReply();
    }
    archiveInFlight = true;
    context.pipeToSelf(deps.archive().store(tenantId, customerId, candidates.invoices(), candidates.payments()),
        (done, failure) -> new ArchiveStored(candidates, failure == null ? null : failure.toString()));
    return Effect().noReply();
  }

  private ReplyEffect<Event, CustomerState> archiveStored(CustomerState state, ArchiveStored msg) {
    archiveInFlight = false;
    if (msg.failure() != null) {
      context.getLog().warn("Archiving items of customer {} of tenant {} failed (tried again later): {}", customerId, tenantId,
          msg.failure());
      return Effect().noReply();
    }
    leaving = msg.stored();
    scheduleFlush();
    return Effect().noReply();
  }

  private ReplyEffect<Event, CustomerState> archiveLoaded(CustomerState state, ArchiveLoaded msg) {
    awaitingArchive = false;
    if (msg.failure() != null) {
      context.getLog().warn("Loading archived items of customer {} of tenant {} failed; trying again: {}", customerId, tenantId,
          msg.failure());
      timers.startSingleTimer("archive-load", new Flush(), Duration.ofSeconds(1));
      return Effect().noReply();
    }
    lookedUp.addAll(msg.asked());
    msg.found().invoices().forEach(r -> restoredInvoices.putIfAbsent(r.invoiceId(), r));
    msg.found().payments().forEach(p -> restoredPayments.putIfAbsent(p.paymentId(), p));
    scheduleFlush();
    return Effect().noReply();
  }

  // --- Healing of placements whose order lost its own record ---------------------------------

  private void scheduleCheckIfNeeded(CustomerState state) {
    if (!state.unconfirmed().isEmpty() && !timers.isTimerActive("check-placements")) {
      timers.startTimerWithFixedDelay("check-placements", new CheckPlacements(), deps.settings().placementCheckInterval());
    } else if (state.unconfirmed().isEmpty()) {
      timers.cancel("check-placements");
    }
  }

  private ReplyEffect<Event, CustomerState> checkPlacements(CustomerState state, CheckPlacements cmd) {
    if (checkInFlight) {
      return Effect().noReply();
    }
    Instant due = now().minus(deps.settings().placementConfirmAfter());
    List<String> candidates = new ArrayList<>();
    for (Map.Entry<String, OrderAccepted> entry : state.unconfirmed().entrySet()) {
      if (!recorded.contains(entry.getKey()) && !entry.getValue().at().isAfter(due)) {
        candidates.add(entry.getKey());
        if (candidates.size() == deps.settings().placementsPerCheck()) {
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
    Map<String, CompletableFuture<Boolean>> asks = new LinkedHashMap<>();
    long timeout = deps.settings().orderAskTimeout().toMillis();
    for (String orderId : candidates) {
      asks.put(orderId, deps.effects().orderRecorded(tenantId, orderId).toCompletableFuture()
          .orTimeout(timeout, TimeUnit.MILLISECONDS)
          .exceptionally(e -> null));
    }
    context.pipeToSelf(CompletableFuture.allOf(asks.values().toArray(CompletableFuture[]::new)), (done, failure) -> {
      Map<String, Boolean> answers = new LinkedHashMap<>();
      asks.forEach((orderId, answer) -> {
        Boolean known = answer.getNow(null);
        if (known != null) {
          answers.put(orderId, known);
        }
      });
      return new PlacementsChecked(answers);
    });
    return Effect().noReply();
  }

  private ReplyEffect<Event, CustomerState> placementsChecked(CustomerState state, PlacementsChecked cmd) {
    checkInFlight = false;
    cmd.answers().forEach((orderId, known) -> {
      OrderAccepted placement = state.unconfirmed().get(orderId);
      if (placement == null || !checking.contains(orderId)) {
        return; // confirmed meanwhile
      }
      if (known) {
        recorded.add(orderId);
      } else {
        context.getLog().info("Order {} of tenant {} lost its record of its placement; giving it back", orderId, tenantId);
        deps.effects().restoreOrder(tenantId, placement.request(), OrderDecisions.answer(state, placement, false));
      }
    });
    checking.clear();
    if (!recorded.isEmpty()) {
      scheduleFlush();
    }
    return Effect().noReply();
  }
}
