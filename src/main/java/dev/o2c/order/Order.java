package dev.o2c.order;

import dev.o2c.credit.CreditIssue;
import dev.o2c.infra.BusinessClock;
import dev.o2c.infra.CborSerializable;
import dev.o2c.infra.EntityIds;
import dev.o2c.infra.Rejection;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
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
 * An order: the front door of a placement (its id comes from the Idempotency-Key, so a retry
 * reaches this entity, which answers it again) and the owner of the order's fulfilment (approved,
 * rejected, shipped, delivered, cancelled; every change in its history).
 *
 * <p>The money is the customer's ledger's (the account): placement asks it, and the ledger
 * decides credit and, where the tenant invoices on verification, issues the invoice — in one
 * journal write. That write is the durable record of the order, so the answer goes out as soon as
 * the ledger has it; this entity then stores its own copy. Should that copy be lost (a crash
 * between the two), a retry gets the ledger's answer again, and the ledger, which keeps each
 * placement until the order says it has recorded it, gives it back ({@link Restore}).
 *
 * <p>While a placement or a change is being decided, a duplicate request gets 409 and other
 * changes wait (they are stashed), so the order never acts on a state it is about to leave.
 * Order events are tagged for the order reports (dev.o2c.reports.OrderReportProjection).
 */
public final class Order extends EventSourcedBehaviorWithEnforcedReplies<Order.Command, Order.Event, OrderState> {

  public static final EntityTypeKey<Command> KEY = EntityTypeKey.create(Command.class, "Order");

  /** What an order is asked to do. */
  public sealed interface Command extends CborSerializable {}

  /** Place the order (the first request, or a retry with the same Idempotency-Key). */
  public record Place(NewOrder order, String idempotencyKey, String by, ActorRef<OrderResult> replyTo) implements Command {}

  /** Release a held order, taking credit even beyond the limit: an explicit override. */
  public record Approve(String by, String note, ActorRef<OrderResult> replyTo) implements Command {}

  public record Reject(String by, String reason, ActorRef<OrderResult> replyTo) implements Command {}

  public record Ship(String by, String carrier, String trackingNumber, ActorRef<OrderResult> replyTo) implements Command {}

  public record Deliver(String by, String note, ActorRef<OrderResult> replyTo) implements Command {}

  /** Cancel a verified or held order (never after shipping); its credit is released or its invoice voided or credited. */
  public record Cancel(String by, String reason, ActorRef<OrderResult> replyTo) implements Command {}

  public record Get(ActorRef<OrderResult> replyTo) implements Command {}

  /** Issue the order's invoice now, where invoicing failed before (an order that has one is answered as it is). */
  public record Invoice(String by, ActorRef<OrderResult> replyTo) implements Command {}

  /** The invoice's payments changed: the order's payment status follows (told by the ledger). */
  public record RecordPaymentStatus(PaymentStatus paymentStatus, ActorRef<OrderResult> replyTo) implements Command {}

  /** The ledger asks whether this order has recorded its placement (healing after a crash). */
  public record IsRecorded(ActorRef<Boolean> replyTo) implements Command {}

  /** The ledger gives back a placement this order lost (healing after a crash). */
  public record Restore(PlacementRequest request, LedgerAnswer.Accepted answer, ActorRef<Done> replyTo) implements Command {}

  /** The ledger's answer to a placement (internal). */
  public record PlacementAnswered(Place place, PlacementRequest request, LedgerAnswer answer, String failure) implements Command {}

  /** The ledger's answer to a change (internal). */
  public record ChangeAnswered(Function<LedgerAnswer.Accepted, Event> event, ActorRef<OrderResult> replyTo, LedgerAnswer answer,
      String failure) implements Command {}

  /** What happened to an order. */
  public sealed interface Event extends CborSerializable {}

  /**
   * Placed, as the ledger took it: VERIFIED or ON_HOLD, with every hold reason; the invoice, if the
   * ledger issued it at once; the gross total (what the customer will owe).
   */
  public record Placed(
      String orderId, String customerId, String currency, List<OrderLine> lines, BigDecimal total, String channel,
      String externalReference, OrderStatus status, List<HoldReason> holdReasons, String reviewQueue, List<RuleAlert> alerts,
      String idempotencyKey, String requestHash, String by, Instant at, String invoiceId, String invoiceNumber, BigDecimal grossTotal)
      implements Event {
    public Placed {
      lines = List.copyOf(lines);
      holdReasons = List.copyOf(holdReasons);
      alerts = List.copyOf(alerts);
    }

    /** The order's record of what it asked and what the ledger answered. */
    public static Placed of(PlacementRequest r, LedgerAnswer.Accepted a) {
      NewOrder o = r.order();
      return new Placed(r.orderId(), o.customerId(), o.currency(), o.lines(), o.total(), o.channel(), o.externalReference(),
          a.status(), a.holdReasons(), r.rules().reviewQueue(), r.rules().alerts(), r.idempotencyKey(), r.requestHash(), r.by(),
          r.at(), a.invoiceId(), a.invoiceNumber(), a.grossTotal());
    }
  }

  /** Released from hold; {@code overridden}: the credit issues the approver overrode; its invoice if issued now. */
  public record Approved(String customerId, List<CreditIssue> overridden, String by, String note, Instant at, String invoiceId,
      String invoiceNumber) implements Event {
    public Approved {
      overridden = List.copyOf(overridden);
    }
  }

  public record Rejected(String customerId, String reason, String by, Instant at) implements Event {}

  /** Shipped; its invoice if it was issued now (a tenant that invoices on shipment). */
  public record Shipped(String carrier, String trackingNumber, String by, Instant at, String invoiceId, String invoiceNumber)
      implements Event {}

  public record Delivered(String note, String by, Instant at) implements Event {}

  /** Cancelled; {@code invoiceId} is its invoice, if it had one (which the ledger voided or credited). */
  public record Cancelled(String customerId, String invoiceId, String reason, String by, Instant at) implements Event {}

  public record PaymentStatusChanged(PaymentStatus paymentStatus, Instant at) implements Event {}

  /** Invoiced after its verification (invoicing had failed, and was asked for again). */
  public record Invoiced(String invoiceId, String invoiceNumber, String by, Instant at) implements Event {}

  /** What an order needs besides its events. */
  public record Dependencies(BusinessClock clock, OrderLedger ledger, OrderSettings settings) {}

  /** A placement or change waiting for the ledger; not persisted. */
  private record Pending(boolean placement, String requestHash) {}

  private final String tenantId;
  private final String orderId;
  private final ActorContext<Command> context;
  private final Dependencies deps;
  private Pending pending;
  private final String tag;

  public static Behavior<Command> create(String entityId, Dependencies deps) {
    return Behaviors.setup(context -> new Order(entityId, context, deps));
  }

  private Order(String entityId, ActorContext<Command> context, Dependencies deps) {
    super(
        PersistenceId.of(KEY.name(), entityId),
        SupervisorStrategy.restartWithBackoff(Duration.ofMillis(200), Duration.ofSeconds(5), 0.1));
    this.tenantId = EntityIds.tenantOf(entityId);
    this.orderId = EntityIds.idOf(entityId);
    this.context = context;
    this.deps = deps;
    this.tag = deps.settings().tag(entityId);
  }

  /** Every event is tagged ("order-0" .. "order-(n-1)"): the order reports read them. */
  @Override
  public Set<String> tagsFor(Event event) {
    return Set.of(tag);
  }

  @Override
  public OrderState emptyState() {
    return OrderState.EMPTY;
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    return RetentionCriteria.snapshotEvery(deps.settings().snapshotEvery(), 2);
  }

  @Override
  public EventHandler<OrderState, Event> eventHandler() {
    return newEventHandlerBuilder().forAnyState().onAnyEvent(OrderState::apply);
  }

  @Override
  public CommandHandlerWithReply<Command, Event, OrderState> commandHandler() {
    return newCommandHandlerWithReplyBuilder()
        .forAnyState()
        .onCommand(Place.class, this::place)
        .onCommand(PlacementAnswered.class, this::placementAnswered)
        .onCommand(ChangeAnswered.class, this::changeAnswered)
        .onCommand(Get.class, (state, cmd) -> pending != null && !state.exists()
            ? Effect().stash()
            : Effect().reply(cmd.replyTo(), found(state)))
        .onCommand(IsRecorded.class, (state, cmd) -> pending != null ? Effect().stash() : Effect().reply(cmd.replyTo(), state.exists()))
        .onCommand(Restore.class, this::restore)
        .onCommand(RecordPaymentStatus.class, this::recordPaymentStatus)
        .onCommand(Approve.class, (state, cmd) -> viaLedger(state, cmd.replyTo(), Set.of(OrderStatus.ON_HOLD), "approve",
            OrderLedger.Change.APPROVE, cmd.note(), cmd.by(),
            a -> new Approved(state.customerId(), a.overridden(), cmd.by(), cmd.note(), now(), a.invoiceId(), a.invoiceNumber())))
        .onCommand(Reject.class, (state, cmd) -> viaLedger(state, cmd.replyTo(), Set.of(OrderStatus.ON_HOLD), "reject",
            OrderLedger.Change.REJECT, cmd.reason(), cmd.by(), a -> new Rejected(state.customerId(), cmd.reason(), cmd.by(), now())))
        .onCommand(Cancel.class, (state, cmd) -> viaLedger(state, cmd.replyTo(), Set.of(OrderStatus.VERIFIED, OrderStatus.ON_HOLD), null,
            OrderLedger.Change.CANCEL, cmd.reason(), cmd.by(),
            a -> new Cancelled(state.customerId(), state.invoiceId(), cmd.reason(), cmd.by(), now())))
        .onCommand(Ship.class, (state, cmd) -> viaLedger(state, cmd.replyTo(), Set.of(OrderStatus.VERIFIED), null,
            OrderLedger.Change.SHIP, null, cmd.by(),
            a -> new Shipped(cmd.carrier(), cmd.trackingNumber(), cmd.by(), now(), a.invoiceId(), a.invoiceNumber())))
        .onCommand(Deliver.class, this::deliver)
        .onCommand(Invoice.class, (state, cmd) -> state.exists() && state.invoiceId() != null && pending == null
            ? Effect().reply(cmd.replyTo(), found(state))
            : viaLedger(state, cmd.replyTo(), Set.of(OrderStatus.VERIFIED, OrderStatus.SHIPPED, OrderStatus.DELIVERED), null,
                OrderLedger.Change.INVOICE, null, cmd.by(), a -> new Invoiced(a.invoiceId(), a.invoiceNumber(), cmd.by(), now())))
        .build();
  }

  private Instant now() {
    return deps.clock().now();
  }

  // --- Placement -------------------------------------------------------------------------------

  private ReplyEffect<Event, OrderState> place(OrderState state, Place cmd) {
    String hash = cmd.order().fingerprint();
    if (state.exists()) {
      if (hash.equals(state.placed().requestHash())) {
        return Effect().reply(cmd.replyTo(), new OrderResult.Ok(OrderView.of(OrderState.EMPTY.apply(state.placed())), true));
      }
      return Effect().reply(cmd.replyTo(), keyReused());
    }
    if (pending != null) {
      return Effect().reply(cmd.replyTo(), hash.equals(pending.requestHash())
          ? failed(Rejection.Kind.IN_FLIGHT, "A request with this Idempotency-Key is still being processed; retry shortly.")
          : keyReused());
    }
    NewOrder order = cmd.order();
    PlacementRequest request = new PlacementRequest(orderId, order, deps.settings().rules(tenantId).evaluate(order),
        cmd.idempotencyKey(), hash, cmd.by(), now());
    pending = new Pending(true, hash);
    context.pipeToSelf(deps.ledger().place(tenantId, request),
        (answer, failure) -> new PlacementAnswered(cmd, request, answer, failure == null ? null : failure.toString()));
    return Effect().noReply();
  }

  private ReplyEffect<Event, OrderState> placementAnswered(OrderState state, PlacementAnswered msg) {
    pending = null;
    Place cmd = msg.place();
    if (msg.failure() != null) {
      return Effect().reply(cmd.replyTo(), failed(Rejection.Kind.UNAVAILABLE,
          "The customer's account did not answer in time (" + msg.failure() + "). The order may or may not have been taken: "
              + "retry with the same Idempotency-Key to get its answer (it is never placed twice).")).thenUnstashAll();
    }
    if (msg.answer() instanceof LedgerAnswer.Refused refused) {
      return Effect().reply(cmd.replyTo(), new OrderResult.Failed(refused.rejection())).thenUnstashAll();
    }
    LedgerAnswer.Accepted accepted = (LedgerAnswer.Accepted) msg.answer();
    Placed placed = Placed.of(msg.request(), accepted);
    // The ledger's write is the durable record of this order: answer now, and store this copy
    // behind the answer (commands meanwhile wait for it). A lost copy is given back by the ledger.
    cmd.replyTo().tell(new OrderResult.Ok(OrderView.of(OrderState.EMPTY.apply(placed)), accepted.replayed()));
    return Effect()
        .persist(placed)
        .thenRun(s -> {
          deps.ledger().recorded(tenantId, placed.customerId(), orderId);
          placed.alerts().forEach(alert -> context.getLog().warn(
              "ALERT tenant={} order={} rule={}: {}", tenantId, orderId, alert.rule(), alert.message()));
        })
        .thenNoReply()
        .thenUnstashAll();
  }

  private ReplyEffect<Event, OrderState> restore(OrderState state, Restore cmd) {
    if (pending != null) {
      return Effect().stash();
    }
    if (state.exists()) {
      deps.ledger().recorded(tenantId, state.customerId(), orderId);
      return Effect().reply(cmd.replyTo(), Done.getInstance());
    }
    context.getLog().info("Restoring order {} of tenant {} from its customer's ledger", orderId, tenantId);
    Placed placed = Placed.of(cmd.request(), cmd.answer());
    return Effect().persist(placed)
        .thenRun(s -> deps.ledger().recorded(tenantId, placed.customerId(), orderId))
        .thenReply(cmd.replyTo(), s -> Done.getInstance());
  }

  // --- Changes ---------------------------------------------------------------------------------

  /**
   * A change the ledger decides first (it may reserve, release, invoice, void or credit); the
   * order records it once the ledger has. Illegal from the current status: 409, nothing asked.
   */
  private ReplyEffect<Event, OrderState> viaLedger(
      OrderState state, ActorRef<OrderResult> replyTo, Set<OrderStatus> from, String action, OrderLedger.Change change, String reason,
      String by, Function<LedgerAnswer.Accepted, Event> event) {
    if (!state.exists()) {
      return pending != null ? Effect().stash() : Effect().reply(replyTo, notFound());
    }
    if (pending != null) {
      return pending.placement() ? Effect().stash()
          : Effect().reply(replyTo, failed(Rejection.Kind.IN_PROGRESS, "Another change of this order is in progress; retry shortly."));
    }
    if (!from.contains(state.status())) {
      return Effect().reply(replyTo, illegal(state, action));
    }
    pending = new Pending(false, null);
    CompletionStage<LedgerAnswer> answer =
        deps.ledger().change(tenantId, state.customerId(), orderId, change, reason, by);
    context.pipeToSelf(answer, (a, failure) -> new ChangeAnswered(event, replyTo, a, failure == null ? null : failure.toString()));
    return Effect().noReply();
  }

  private ReplyEffect<Event, OrderState> changeAnswered(OrderState state, ChangeAnswered msg) {
    pending = null;
    if (msg.failure() != null) {
      return Effect().reply(msg.replyTo(), failed(Rejection.Kind.UNAVAILABLE,
          "The customer's account did not answer in time (" + msg.failure() + "); the order is unchanged and it is safe to retry."))
          .thenUnstashAll();
    }
    if (msg.answer() instanceof LedgerAnswer.Refused refused) {
      return Effect().reply(msg.replyTo(), new OrderResult.Failed(refused.rejection())).thenUnstashAll();
    }
    return Effect()
        .persist(msg.event().apply((LedgerAnswer.Accepted) msg.answer()))
        .thenReply(msg.replyTo(), s -> new OrderResult.Ok(OrderView.of(s), false))
        .thenUnstashAll();
  }

  private ReplyEffect<Event, OrderState> deliver(OrderState state, Deliver cmd) {
    if (pending != null) {
      return Effect().stash();
    }
    if (!state.exists()) {
      return Effect().reply(cmd.replyTo(), notFound());
    }
    if (state.status() != OrderStatus.SHIPPED) {
      return Effect().reply(cmd.replyTo(), illegal(state, null));
    }
    return Effect().persist(new Delivered(cmd.note(), cmd.by(), now()))
        .thenReply(cmd.replyTo(), s -> new OrderResult.Ok(OrderView.of(s), false));
  }

  private ReplyEffect<Event, OrderState> recordPaymentStatus(OrderState state, RecordPaymentStatus cmd) {
    if (pending != null && !state.exists()) {
      return Effect().stash();
    }
    if (!state.exists() || state.paymentStatus() == cmd.paymentStatus()) {
      return Effect().reply(cmd.replyTo(), found(state));
    }
    return Effect()
        .persist(new PaymentStatusChanged(cmd.paymentStatus(), now()))
        .thenReply(cmd.replyTo(), s -> new OrderResult.Ok(OrderView.of(s), false));
  }

  // --- Answers ---------------------------------------------------------------------------------

  private static OrderResult found(OrderState state) {
    return state.exists() ? new OrderResult.Ok(OrderView.of(state), false) : notFound();
  }

  private static OrderResult notFound() {
    return failed(Rejection.Kind.NOT_FOUND, "There is no such order.");
  }

  private static OrderResult keyReused() {
    return failed(Rejection.Kind.KEY_REUSED, "This Idempotency-Key was used for a different order request.");
  }

  private static OrderResult illegal(OrderState state, String action) {
    return new OrderResult.Failed(new Rejection(Rejection.Kind.ILLEGAL_TRANSITION,
        "The order is " + state.status() + (action == null ? "; this change is not allowed from there." : "; only a held order can be " + action + "d."),
        Map.of("currentStatus", state.status().name())));
  }

  private static OrderResult failed(Rejection.Kind kind, String detail) {
    return new OrderResult.Failed(Rejection.of(kind, detail));
  }
}
