package dev.o2c.payment;

import dev.o2c.idempotency.KeyClaim;
import dev.o2c.infra.BusinessClock;
import dev.o2c.infra.CborSerializable;
import dev.o2c.infra.EntityIds;
import dev.o2c.infra.Rejection;
import dev.o2c.money.Money;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReply;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;

/**
 * A payment: the record of cash received, and a mirror of what the customer's account made of
 * it. The account (the one writer of the customer's balances) decides every application; this
 * entity makes sure each decision is asked for once it is due, and records the answers.
 *
 * <p>Receiving stores the payment first: once {@link Received} is persisted the cash is never
 * lost, whatever happens next. Then the account applies it (idempotently, by payment id) and the
 * outcome is recorded and answered. Should that second step not finish, a retry of the request,
 * or the payments projection, asks again. While a call to the account is in flight, an exact
 * retry gets 409 and other changes wait (they are stashed).
 *
 * <p>A payment's id comes from its bank reference when it has one: the same bank reference is
 * the same payment, so a bank statement line posted twice is applied once (the second request
 * gets the original payment, marked as a duplicate). Otherwise it comes from the Idempotency-Key,
 * or is random.
 */
public final class Payment extends EventSourcedBehaviorWithEnforcedReplies<Payment.Command, Payment.Event, PaymentState> {

  public static final EntityTypeKey<Command> KEY = EntityTypeKey.create(Command.class, "Payment");

  /** What a payment is asked to do. */
  public sealed interface Command extends CborSerializable {}

  /**
   * Receive the payment (the first request, a retry, or another request with its bank
   * reference), for {@code customerId} (null: not attributed) found by {@code attribution}.
   */
  public record Receive(
      NewPayment payment, String customerId, Attribution attribution, String idempotencyKey, String by,
      ActorRef<PaymentResult> replyTo) implements Command {}

  /**
   * Apply unapplied money to chosen invoices. {@code customerId} is the customer of those
   * invoices, for a payment not yet attributed (it then becomes that customer's).
   */
  public record Allocate(List<ChosenAllocation> allocations, String customerId, String by, ActorRef<PaymentResult> replyTo)
      implements Command {}

  public record Unallocate(String invoiceId, String by, ActorRef<PaymentResult> replyTo) implements Command {}

  /** A returned payment or chargeback: undo everything it did. */
  public record Reverse(String reason, String by, ActorRef<PaymentResult> replyTo) implements Command {}

  public record Get(ActorRef<PaymentResult> replyTo) implements Command {}

  /**
   * Claim this id's Idempotency-Key for a payment with a bank reference (whose id is the bank
   * reference's): the key then refuses any other request, here and there.
   */
  public record ClaimKey(String fingerprint, ActorRef<KeyClaim.Answer> replyTo) implements Command {}

  /** Finish an application a failure interrupted (asked by the payments projection). */
  public record Heal(ActorRef<PaymentResult> replyTo) implements Command {}

  /**
   * A payment received without a customer is found to be this customer's (an invoice or order it
   * names appeared since): attribute it and let the account apply it by the matching rules.
   * Nothing happens to a payment that has a customer, or that someone has dealt with.
   */
  public record Attribute(String customerId, Attribution attribution, ActorRef<PaymentResult> replyTo) implements Command {}

  /** The account changed the payment (an automatic application, a refund): record its state. */
  public record RecordOutcome(String customerId, PaymentEntry entry, ActorRef<Done> replyTo) implements Command {}

  /** The account's answer (internal). */
  public record AccountAnswered(Call call, PaymentLedgerResult result, String failure) implements Command {}

  /** What happened to a payment; every event is tagged for the payments projection. */
  public sealed interface Event extends CborSerializable {}

  /** The cash arrived; {@code receivedOn} is the request's or the business day of arrival. */
  public record Received(
      String paymentId, String customerId, Attribution attribution, BigDecimal amount, String currency, LocalDate receivedOn,
      String method, String bankReference, String remittanceInfo, String idempotencyKey, String requestHash, String by, Instant at)
      implements Event {}

  /** What the account made of the payment; {@code customerId} is the account's (it attributes a payment that had none). */
  public record OutcomeRecorded(String customerId, PaymentEntry entry, Instant at) implements Event {}

  public record Reversed(String reason, String by, Instant at) implements Event {}

  /** A payment received without a customer attributed to one later. */
  public record Attributed(String customerId, Attribution attribution, Instant at) implements Event {}

  /** The Idempotency-Key this id is made from was used for the payment request with this fingerprint (and a bank reference). */
  public record KeyClaimed(String fingerprint, Instant at) implements Event {}

  /** What a payment needs besides its events. */
  public record Dependencies(BusinessClock clock, PaymentAccounts accounts, PaymentSettings settings) {}

  /** A call to the account in flight, and whom to answer. */
  public record Call(
      Kind kind, String customerId, String requestHash, String idempotencyKey, boolean duplicate, String reason, String by,
      ActorRef<PaymentResult> replyTo) implements CborSerializable {

    /** What the call does. */
    public enum Kind {
      APPLY,
      ALLOCATE,
      UNALLOCATE,
      REVERSE
    }
  }

  private final String tenantId;
  private final String paymentId;
  private final String tag;
  private final ActorContext<Command> context;
  private final Dependencies deps;
  private Call inFlight;

  public static Behavior<Command> create(String entityId, Dependencies deps) {
    return Behaviors.setup(context -> new Payment(entityId, context, deps));
  }

  private Payment(String entityId, ActorContext<Command> context, Dependencies deps) {
    super(
        PersistenceId.of(KEY.name(), entityId),
        SupervisorStrategy.restartWithBackoff(Duration.ofMillis(200), Duration.ofSeconds(5), 0.1));
    this.tenantId = EntityIds.tenantOf(entityId);
    this.paymentId = EntityIds.idOf(entityId);
    this.tag = deps.settings().tag(entityId);
    this.context = context;
    this.deps = deps;
  }

  @Override
  public PaymentState emptyState() {
    return PaymentState.EMPTY;
  }

  /** Everything but a key's claim is read by the payments projection. */
  @Override
  public Set<String> tagsFor(Event event) {
    return event instanceof KeyClaimed ? Set.of() : Set.of(tag);
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    return RetentionCriteria.snapshotEvery(deps.settings().snapshotEvery(), 2);
  }

  @Override
  public EventHandler<PaymentState, Event> eventHandler() {
    return newEventHandlerBuilder().forAnyState().onAnyEvent(PaymentState::apply);
  }

  @Override
  public CommandHandlerWithReply<Command, Event, PaymentState> commandHandler() {
    return newCommandHandlerWithReplyBuilder()
        .forAnyState()
        .onCommand(Receive.class, this::receive)
        .onCommand(Get.class, (state, cmd) -> Effect().reply(cmd.replyTo(), found(state)))
        .onCommand(Heal.class, this::heal)
        .onCommand(ClaimKey.class, this::claimKey)
        .onCommand(Allocate.class, this::allocate)
        .onCommand(Unallocate.class, this::unallocate)
        .onCommand(Reverse.class, this::reverse)
        .onCommand(RecordOutcome.class, this::recordOutcome)
        .onCommand(Attribute.class, this::attribute)
        .onCommand(AccountAnswered.class, this::accountAnswered)
        .build();
  }

  // --- Receiving -------------------------------------------------------------------------------

  private ReplyEffect<Event, PaymentState> receive(PaymentState state, Receive cmd) {
    String hash = cmd.payment().fingerprint();
    if (inFlight != null) {
      if (inFlight.kind() == Call.Kind.APPLY && hash.equals(inFlight.requestHash()) && cmd.idempotencyKey() != null
          && cmd.idempotencyKey().equals(inFlight.idempotencyKey())) {
        return Effect().reply(cmd.replyTo(), failed(Rejection.Kind.IN_FLIGHT,
            "A request with this Idempotency-Key is still being processed; retry shortly."));
      }
      return Effect().stash();
    }
    if (!state.exists() && state.keyClaim() != null) {
      // This id is the key's, and the key was used for a payment with a bank reference.
      return Effect().reply(cmd.replyTo(), keyReused());
    }
    if (state.exists()) {
      Received r = state.received();
      boolean sameRequest = hash.equals(r.requestHash());
      boolean sameKey = cmd.idempotencyKey() != null && cmd.idempotencyKey().equals(r.idempotencyKey());
      // Without a bank reference only the key makes a retry; with one, the same key on another
      // request is a reused key, and any other request is the statement line again.
      if (r.bankReference() == null ? !(sameKey && sameRequest) : !sameRequest && sameKey) {
        return Effect().reply(cmd.replyTo(), keyReused());
      }
      // The same request again is a retry, whatever its key; another one with this bank reference
      // is a duplicate of the statement line: either way the payment is applied once.
      boolean duplicate = !sameRequest;
      if (duplicate) {
        context.getLog().warn("Payment {} of tenant {}: bank reference {} came again with other details; the original stands",
            paymentId, tenantId, r.bankReference());
      }
      if (state.awaitingApplication()) {
        return startCall(new Call(Call.Kind.APPLY, state.customerId(), hash, cmd.idempotencyKey(), duplicate, null, cmd.by(),
            cmd.replyTo()), state);
      }
      return Effect().reply(cmd.replyTo(), duplicate
          ? new PaymentResult.Ok(PaymentView.of(state), false, true)
          : new PaymentResult.Ok(PaymentView.first(state), true, false));
    }
    NewPayment p = cmd.payment();
    Instant now = deps.clock().now();
    Received received = new Received(paymentId, cmd.customerId(), cmd.attribution(), p.amount(), p.currency(),
        p.receivedOn() != null ? p.receivedOn() : deps.clock().today(), p.method(), p.bankReference(), p.remittanceInfo(),
        cmd.idempotencyKey(), hash, cmd.by(), now);
    if (cmd.customerId() == null) {
      return Effect().persist(received).thenReply(cmd.replyTo(), s -> new PaymentResult.Ok(PaymentView.first(s), false, false));
    }
    Call call = new Call(Call.Kind.APPLY, cmd.customerId(), hash, cmd.idempotencyKey(), false, null, cmd.by(), cmd.replyTo());
    inFlight = call;
    return Effect().persist(received).thenRun(s -> ask(call, s)).thenNoReply();
  }

  private ReplyEffect<Event, PaymentState> attribute(PaymentState state, Attribute cmd) {
    if (inFlight != null) {
      return Effect().stash();
    }
    if (!state.exists() || state.customerId() != null || state.outcome() != null || state.reversal() != null) {
      return Effect().reply(cmd.replyTo(), found(state));
    }
    context.getLog().info("Payment {} of tenant {} attributed to customer {} by {}", paymentId, tenantId, cmd.customerId(),
        cmd.attribution().token());
    Call call = new Call(Call.Kind.APPLY, cmd.customerId(), null, null, false, null, "system", cmd.replyTo());
    inFlight = call;
    return Effect().persist(new Attributed(cmd.customerId(), cmd.attribution(), deps.clock().now()))
        .thenRun(s -> ask(call, s))
        .thenNoReply();
  }

  private ReplyEffect<Event, PaymentState> claimKey(PaymentState state, ClaimKey cmd) {
    if (inFlight != null) {
      return Effect().stash();
    }
    if (state.exists()) {
      return Effect().reply(cmd.replyTo(), KeyClaim.Answer.REUSED);
    }
    if (state.keyClaim() != null) {
      return Effect().reply(cmd.replyTo(), state.keyClaim().equals(cmd.fingerprint()) ? KeyClaim.Answer.GRANTED : KeyClaim.Answer.REUSED);
    }
    return Effect().persist(new KeyClaimed(cmd.fingerprint(), deps.clock().now())).thenReply(cmd.replyTo(), s -> KeyClaim.Answer.GRANTED);
  }

  private ReplyEffect<Event, PaymentState> heal(PaymentState state, Heal cmd) {
    if (inFlight != null) {
      return Effect().stash();
    }
    if (state.awaitingApplication()) {
      return startCall(new Call(Call.Kind.APPLY, state.customerId(), null, null, false, null, "system", cmd.replyTo()), state);
    }
    return Effect().reply(cmd.replyTo(), found(state));
  }

  // --- Manual work -----------------------------------------------------------------------------

  private ReplyEffect<Event, PaymentState> allocate(PaymentState state, Allocate cmd) {
    return change(state, cmd.replyTo(), () -> {
      String customerId = state.customerId() != null ? state.customerId() : cmd.customerId();
      if (customerId == null) {
        return Effect().reply(cmd.replyTo(), failed(Rejection.Kind.UNPROCESSABLE, "The invoices chosen are not known."));
      }
      Call call = new Call(Call.Kind.ALLOCATE, customerId, null, null, false, null, cmd.by(), cmd.replyTo());
      inFlight = call;
      context.pipeToSelf(deps.accounts().allocate(tenantId, customerId, toAccount(state), cmd.allocations(), cmd.by()),
          (answer, failure) -> answered(call, answer, failure));
      return Effect().noReply();
    });
  }

  private ReplyEffect<Event, PaymentState> unallocate(PaymentState state, Unallocate cmd) {
    return change(state, cmd.replyTo(), () -> {
      if (state.customerId() == null || state.current().allocatedTo(cmd.invoiceId()).signum() == 0) {
        return Effect().reply(cmd.replyTo(), failed(Rejection.Kind.NOT_FOUND, "The payment has no allocation to this invoice."));
      }
      Call call = new Call(Call.Kind.UNALLOCATE, state.customerId(), null, null, false, null, cmd.by(), cmd.replyTo());
      inFlight = call;
      context.pipeToSelf(deps.accounts().unallocate(tenantId, state.customerId(), paymentId, cmd.invoiceId(), cmd.by()),
          (answer, failure) -> answered(call, answer, failure));
      return Effect().noReply();
    });
  }

  private ReplyEffect<Event, PaymentState> reverse(PaymentState state, Reverse cmd) {
    if (state.reversed() && inFlight == null) {
      // Reversed already; if the account's report of it came before its answer, record why now.
      return state.reversal() == null
          ? Effect().persist(new Reversed(cmd.reason(), cmd.by(), deps.clock().now())).thenReply(cmd.replyTo(), Payment::found)
          : Effect().reply(cmd.replyTo(), found(state));
    }
    return change(state, cmd.replyTo(), () -> {
      Instant now = deps.clock().now();
      if (state.customerId() == null) {
        // Nothing of it was applied: the reversal is this payment's alone.
        PaymentEntry none = state.current();
        PaymentEntry reversed = new PaymentEntry(none.paymentId(), none.amount(), none.currency(), none.receivedOn(), none.at(),
            List.of(), List.of(), Money.zero(none.currency()), none.refunded(), none.operations() + 1, true);
        return Effect().persist(List.of(new OutcomeRecorded(null, reversed, now), new Reversed(cmd.reason(), cmd.by(), now)))
            .thenReply(cmd.replyTo(), Payment::found);
      }
      Call call = new Call(Call.Kind.REVERSE, state.customerId(), null, null, false, cmd.reason(), cmd.by(), cmd.replyTo());
      inFlight = call;
      context.pipeToSelf(deps.accounts().reverse(tenantId, state.customerId(), paymentId, cmd.reason(), cmd.by()),
          (answer, failure) -> answered(call, answer, failure));
      return Effect().noReply();
    });
  }

  /** A change of an existing payment that is not reversed: waits for a call in flight. */
  private ReplyEffect<Event, PaymentState> change(
      PaymentState state, ActorRef<PaymentResult> replyTo, Supplier<ReplyEffect<Event, PaymentState>> effect) {
    if (inFlight != null) {
      return Effect().stash();
    }
    if (!state.exists()) {
      return Effect().reply(replyTo, notFound());
    }
    if (state.awaitingApplication()) {
      return Effect().reply(replyTo, failed(Rejection.Kind.UNAVAILABLE,
          "The payment's application to invoices has not finished; retry shortly."));
    }
    if (state.reversed()) {
      return Effect().reply(replyTo, new PaymentResult.Failed(new Rejection(Rejection.Kind.ILLEGAL_TRANSITION,
          "The payment is reversed; nothing more can be done with it.", Map.of("currentStatus", "REVERSED"))));
    }
    return effect.get();
  }

  // --- The account's answers -------------------------------------------------------------------

  private ReplyEffect<Event, PaymentState> startCall(Call call, PaymentState state) {
    inFlight = call;
    ask(call, state);
    return Effect().noReply();
  }

  private void ask(Call call, PaymentState state) {
    context.pipeToSelf(deps.accounts().apply(tenantId, call.customerId(), toAccount(state)),
        (answer, failure) -> answered(call, answer, failure));
  }

  private static AccountAnswered answered(Call call, PaymentLedgerResult answer, Throwable failure) {
    return new AccountAnswered(call, answer, failure == null ? null : failure.toString());
  }

  private ReplyEffect<Event, PaymentState> accountAnswered(PaymentState state, AccountAnswered msg) {
    inFlight = null;
    Call call = msg.call();
    if (msg.failure() != null) {
      context.getLog().warn("Payment {} of tenant {}: the account of customer {} did not answer ({}): {}", paymentId, tenantId,
          call.customerId(), call.kind(), msg.failure());
      String detail = call.kind() == Call.Kind.APPLY
          ? "The payment is recorded, but its application to invoices did not finish in time; retry the same request "
              + "(same Idempotency-Key or bankReference) to get its outcome. It will not be applied twice."
          : "The customer's account did not answer in time; nothing was changed. Retry shortly.";
      return Effect().reply(call.replyTo(), failed(Rejection.Kind.UNAVAILABLE, detail)).thenUnstashAll();
    }
    if (msg.result() instanceof PaymentLedgerResult.Failed refused) {
      if (call.kind() == Call.Kind.APPLY) {
        context.getLog().error("Payment {} of tenant {}: the account of customer {} refused it: {}", paymentId, tenantId,
            call.customerId(), refused.rejection());
      }
      return Effect().reply(call.replyTo(), new PaymentResult.Failed(refused.rejection())).thenUnstashAll();
    }
    PaymentEntry entry = ((PaymentLedgerResult.Ok) msg.result()).payment();
    Instant now = deps.clock().now();
    List<Event> events = call.kind() == Call.Kind.REVERSE
        ? List.of(new OutcomeRecorded(call.customerId(), entry, now), new Reversed(call.reason(), call.by(), now))
        : List.of(new OutcomeRecorded(call.customerId(), entry, now));
    boolean receiving = call.kind() == Call.Kind.APPLY;
    if (state.outcome() != null && entry.operations() <= state.outcome().operations()) {
      // The account's own report of this change came first: it is recorded already.
      events = call.kind() == Call.Kind.REVERSE && state.reversal() == null
          ? List.of(new Reversed(call.reason(), call.by(), now))
          : List.of();
    }
    if (events.isEmpty()) {
      return Effect().none().thenReply(call.replyTo(), s -> receiving ? receiveAnswer(s, call) : found(s)).thenUnstashAll();
    }
    if (receiving) {
      // The account's write is the durable record of what the payment did: answer now and store
      // this copy behind the answer. Lost, it is asked for again (a retry, or the projection's heal).
      PaymentState after = state;
      for (Event event : events) {
        after = after.apply(event);
      }
      call.replyTo().tell(receiveAnswer(after, call));
      return Effect().persist(events).thenNoReply().thenUnstashAll();
    }
    return Effect().persist(events)
        .thenReply(call.replyTo(), s -> receiving ? receiveAnswer(s, call) : found(s))
        .thenUnstashAll();
  }

  /** The answer to a Receive once applied: the first outcome, or for a duplicate the payment as it is now. */
  private static PaymentResult receiveAnswer(PaymentState s, Call call) {
    if (call.requestHash() == null) {
      return found(s); // a heal or a later attribution: the payment as it stands
    }
    return call.duplicate()
        ? new PaymentResult.Ok(PaymentView.of(s), false, true)
        : new PaymentResult.Ok(PaymentView.first(s), false, false);
  }

  private ReplyEffect<Event, PaymentState> recordOutcome(PaymentState state, RecordOutcome cmd) {
    if (inFlight != null) {
      return Effect().stash();
    }
    if (!state.exists() || (state.outcome() != null && cmd.entry().operations() <= state.outcome().operations())) {
      return Effect().reply(cmd.replyTo(), Done.getInstance());
    }
    return Effect().persist(new OutcomeRecorded(cmd.customerId(), cmd.entry(), deps.clock().now()))
        .thenReply(cmd.replyTo(), s -> Done.getInstance());
  }

  private static PaymentAccounts.Received toAccount(PaymentState state) {
    Received r = state.received();
    return new PaymentAccounts.Received(r.paymentId(), r.amount(), r.currency(), r.receivedOn(), r.remittanceInfo(), r.bankReference());
  }

  private static PaymentResult found(PaymentState state) {
    return state.exists() ? new PaymentResult.Ok(PaymentView.of(state), false, false) : notFound();
  }

  private static PaymentResult keyReused() {
    return failed(Rejection.Kind.KEY_REUSED, "This Idempotency-Key was used for a different payment request.");
  }

  private static PaymentResult notFound() {
    return failed(Rejection.Kind.NOT_FOUND, "There is no such payment.");
  }

  private static PaymentResult failed(Rejection.Kind kind, String detail) {
    return new PaymentResult.Failed(Rejection.of(kind, detail));
  }
}
