package dev.o2c.order;

import dev.o2c.account.CreditDecision;
import dev.o2c.account.CreditIssue;
import dev.o2c.account.CustomerCredit;
import dev.o2c.account.ReservationStatus;
import dev.o2c.infra.BusinessClock;
import dev.o2c.infra.CborSerializable;
import dev.o2c.infra.EntityIds;
import dev.o2c.infra.Rejection;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;
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
 * An order: placed once (idempotently), verified or held, then approved or rejected, shipped,
 * delivered or cancelled, following the state machine in docs/api.md.
 *
 * <p>Placement asks the customer's account first, which decides and reserves credit in one step;
 * the order then records the outcome. While that (or an approval) is in flight, a duplicate
 * request gets 409 and other changes wait (they are stashed), so the order never acts on a state
 * it is about to leave. An order id made from an Idempotency-Key lets this entity recognise a
 * retry itself: the same request gets the first answer again, a different one 422.
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

  /** Cancel a verified or held order (never after shipping); its reservation is released. */
  public record Cancel(String by, String reason, ActorRef<OrderResult> replyTo) implements Command {}

  public record Get(ActorRef<OrderResult> replyTo) implements Command {}

  /**
   * Invoicing asks to give the order its invoice: accepted (idempotently) while the order is in
   * one of {@code invoiceableIn}, refused once it is cancelled or rejected, so that an order is
   * never invoiced after its cancellation (the reply tells which; it carries the order).
   */
  public record AttachInvoice(String invoiceId, Set<OrderStatus> invoiceableIn, ActorRef<OrderResult> replyTo) implements Command {}

  /** The invoice's status changed: the order's payment status follows it. */
  public record RecordPaymentStatus(PaymentStatus paymentStatus, ActorRef<OrderResult> replyTo) implements Command {}

  /** The customer account asks whether this order holds credit (healing after a crash). */
  public record GetReservationStatus(ActorRef<ReservationStatus> replyTo) implements Command {}

  /** The account's answer to a placement (internal). */
  public record PlacementAnswered(Place place, AutomationRules.Outcome rules, CreditDecision decision, String failure)
      implements Command {}

  /** The account's answer to an approval (internal). */
  public record ApprovalAnswered(Approve approve, CreditDecision decision, String failure) implements Command {}

  /** What happened to an order; every event is tagged for the projections. */
  public sealed interface Event extends CborSerializable {}

  public record Placed(
      String orderId, String customerId, String currency, List<OrderLine> lines, BigDecimal total, String channel,
      String externalReference, OrderStatus status, List<HoldReason> holdReasons, String reviewQueue, List<RuleAlert> alerts,
      String idempotencyKey, String requestHash, String by, Instant at) implements Event {
    public Placed {
      lines = List.copyOf(lines);
      holdReasons = List.copyOf(holdReasons);
      alerts = List.copyOf(alerts);
    }
  }

  /** Released from hold; {@code overridden}: the credit issues the approver overrode. */
  public record Approved(String customerId, List<CreditIssue> overridden, String by, String note, Instant at) implements Event {
    public Approved {
      overridden = List.copyOf(overridden);
    }
  }

  public record Rejected(String customerId, String reason, String by, Instant at) implements Event {}

  public record Shipped(String carrier, String trackingNumber, String by, Instant at) implements Event {}

  public record Delivered(String note, String by, Instant at) implements Event {}

  /** Cancelled; {@code invoiceId} is its invoice, if it had one (which is then voided or credited). */
  public record Cancelled(String customerId, String invoiceId, String reason, String by, Instant at) implements Event {}

  public record InvoiceAttached(String invoiceId, Instant at) implements Event {}

  public record PaymentStatusChanged(PaymentStatus paymentStatus, Instant at) implements Event {}

  /** What an order needs besides its events. */
  public record Dependencies(BusinessClock clock, CustomerCredit credit, OrderSettings settings) {}

  /** A placement or approval waiting for the customer's account; not persisted. */
  private record Pending(boolean placement, String requestHash) {}

  private final String tenantId;
  private final String orderId;
  private final String tag;
  private final ActorContext<Command> context;
  private final Dependencies deps;
  private Pending pending;

  public static Behavior<Command> create(String entityId, Dependencies deps) {
    return Behaviors.setup(context -> new Order(entityId, context, deps));
  }

  private Order(String entityId, ActorContext<Command> context, Dependencies deps) {
    super(
        PersistenceId.of(KEY.name(), entityId),
        SupervisorStrategy.restartWithBackoff(Duration.ofMillis(200), Duration.ofSeconds(5), 0.1));
    this.tenantId = EntityIds.tenantOf(entityId);
    this.orderId = EntityIds.idOf(entityId);
    this.tag = deps.settings().tag(entityId);
    this.context = context;
    this.deps = deps;
  }

  @Override
  public OrderState emptyState() {
    return OrderState.EMPTY;
  }

  @Override
  public Set<String> tagsFor(Event event) {
    return Set.of(tag);
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
        .onCommand(Approve.class, this::approve)
        .onCommand(ApprovalAnswered.class, this::approvalAnswered)
        .onCommand(Get.class, (state, cmd) -> Effect().reply(cmd.replyTo(), found(state)))
        .onCommand(GetReservationStatus.class, this::reservationStatus)
        .onCommand(AttachInvoice.class, this::attachInvoice)
        .onCommand(RecordPaymentStatus.class, this::recordPaymentStatus)
        .onCommand(Reject.class, (state, cmd) -> transition(state, cmd.replyTo(), Set.of(OrderStatus.ON_HOLD),
            () -> new Rejected(state.customerId(), cmd.reason(), cmd.by(), now())))
        .onCommand(Cancel.class, (state, cmd) -> transition(state, cmd.replyTo(), Set.of(OrderStatus.VERIFIED, OrderStatus.ON_HOLD),
            () -> new Cancelled(state.customerId(), state.invoiceId(), cmd.reason(), cmd.by(), now())))
        .onCommand(Ship.class, (state, cmd) -> transition(state, cmd.replyTo(), Set.of(OrderStatus.VERIFIED),
            () -> new Shipped(cmd.carrier(), cmd.trackingNumber(), cmd.by(), now())))
        .onCommand(Deliver.class, (state, cmd) -> transition(state, cmd.replyTo(), Set.of(OrderStatus.SHIPPED),
            () -> new Delivered(cmd.note(), cmd.by(), now())))
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
    AutomationRules.Outcome rules = deps.settings().rules(tenantId).evaluate(order);
    pending = new Pending(true, hash);
    CompletionStage<CreditDecision> decision = rules.holds().isEmpty()
        ? deps.credit().reserve(tenantId, order.customerId(), orderId, order.total(), order.currency(), false, cmd.by())
        : deps.credit().check(tenantId, order.customerId(), order.total(), order.currency());
    context.pipeToSelf(decision, (answer, failure) ->
        new PlacementAnswered(cmd, rules, answer, failure == null ? null : failure.toString()));
    return Effect().noReply();
  }

  private ReplyEffect<Event, OrderState> placementAnswered(OrderState state, PlacementAnswered msg) {
    pending = null;
    Place cmd = msg.place();
    if (msg.failure() != null) {
      return Effect().reply(cmd.replyTo(), unavailable(msg.failure())).thenUnstashAll();
    }
    if (msg.decision() instanceof CreditDecision.Refused refused) {
      return Effect().reply(cmd.replyTo(), failed(Rejection.Kind.UNPROCESSABLE, refused.detail())).thenUnstashAll();
    }
    List<HoldReason> holds = new ArrayList<>(msg.rules().holds());
    if (msg.decision() instanceof CreditDecision.NotReserved notReserved) {
      for (CreditIssue issue : notReserved.issues()) {
        holds.add(creditHold(issue, notReserved.availableCredit(), cmd.order()));
      }
    }
    OrderStatus status = holds.isEmpty() ? OrderStatus.VERIFIED : OrderStatus.ON_HOLD;
    NewOrder o = cmd.order();
    Placed placed = new Placed(
        orderId, o.customerId(), o.currency(), o.lines(), o.total(), o.channel(), o.externalReference(), status, holds,
        msg.rules().reviewQueue(), msg.rules().alerts(), cmd.idempotencyKey(), o.fingerprint(), cmd.by(), now());
    return Effect()
        .persist(placed)
        .thenRun(s -> placed.alerts().forEach(alert -> context.getLog().warn(
            "ALERT tenant={} order={} rule={}: {}", tenantId, orderId, alert.rule(), alert.message())))
        .thenReply(cmd.replyTo(), s -> new OrderResult.Ok(OrderView.of(s), false))
        .thenUnstashAll();
  }

  private static HoldReason creditHold(CreditIssue issue, BigDecimal available, NewOrder order) {
    return switch (issue) {
      case CREDIT_LIMIT_EXCEEDED -> new HoldReason(issue.name(),
          "The order total " + order.total().toPlainString() + " " + order.currency() + " exceeds the available credit "
              + available.toPlainString() + " " + order.currency() + ".", null);
      case CUSTOMER_CREDIT_HOLD -> new HoldReason(issue.name(), "The customer is on credit hold.", null);
    };
  }

  // --- Approval --------------------------------------------------------------------------------

  private ReplyEffect<Event, OrderState> approve(OrderState state, Approve cmd) {
    if (!state.exists()) {
      return pending != null ? Effect().stash() : Effect().reply(cmd.replyTo(), notFound());
    }
    if (pending != null) {
      return Effect().reply(cmd.replyTo(), failed(Rejection.Kind.IN_PROGRESS, "An approval of this order is in progress."));
    }
    if (state.status() != OrderStatus.ON_HOLD) {
      return Effect().reply(cmd.replyTo(), illegal(state, "approve"));
    }
    pending = new Pending(false, null);
    context.pipeToSelf(
        deps.credit().reserve(tenantId, state.customerId(), orderId, state.total(), state.placed().currency(), true, cmd.by()),
        (answer, failure) -> new ApprovalAnswered(cmd, answer, failure == null ? null : failure.toString()));
    return Effect().noReply();
  }

  private ReplyEffect<Event, OrderState> approvalAnswered(OrderState state, ApprovalAnswered msg) {
    pending = null;
    Approve cmd = msg.approve();
    if (msg.failure() != null) {
      return Effect().reply(cmd.replyTo(), unavailable(msg.failure())).thenUnstashAll();
    }
    if (msg.decision() instanceof CreditDecision.Reserved reserved) {
      return Effect()
          .persist(new Approved(state.customerId(), reserved.overridden(), cmd.by(), cmd.note(), now()))
          .thenReply(cmd.replyTo(), s -> new OrderResult.Ok(OrderView.of(s), false))
          .thenUnstashAll();
    }
    String detail = msg.decision() instanceof CreditDecision.Refused refused
        ? refused.detail()
        : "The customer's account did not reserve the credit.";
    return Effect().reply(cmd.replyTo(), failed(Rejection.Kind.UNPROCESSABLE, detail)).thenUnstashAll();
  }

  // --- Other transitions -----------------------------------------------------------------------

  private ReplyEffect<Event, OrderState> transition(
      OrderState state, ActorRef<OrderResult> replyTo, Set<OrderStatus> from, java.util.function.Supplier<Event> event) {
    if (pending != null) {
      return Effect().stash();
    }
    if (!state.exists()) {
      return Effect().reply(replyTo, notFound());
    }
    if (!from.contains(state.status())) {
      return Effect().reply(replyTo, illegal(state, null));
    }
    return Effect().persist(event.get()).thenReply(replyTo, s -> new OrderResult.Ok(OrderView.of(s), false));
  }

  private ReplyEffect<Event, OrderState> reservationStatus(OrderState state, GetReservationStatus cmd) {
    if (pending != null) {
      return Effect().stash();
    }
    ReservationStatus status = !state.exists()
        ? ReservationStatus.unknown()
        : state.holdsCredit() ? ReservationStatus.reserving(state.total()) : ReservationStatus.notReserving();
    return Effect().reply(cmd.replyTo(), status);
  }

  // --- Invoicing -------------------------------------------------------------------------------

  private ReplyEffect<Event, OrderState> attachInvoice(OrderState state, AttachInvoice cmd) {
    if (pending != null) {
      return Effect().stash();
    }
    if (!state.exists()) {
      return Effect().reply(cmd.replyTo(), notFound());
    }
    if (state.invoiceId() != null) {
      return Effect().reply(cmd.replyTo(), new OrderResult.Ok(OrderView.of(state), false));
    }
    if (!cmd.invoiceableIn().contains(state.status())) {
      return Effect().reply(cmd.replyTo(), illegal(state, null));
    }
    return Effect()
        .persist(new InvoiceAttached(cmd.invoiceId(), now()))
        .thenReply(cmd.replyTo(), s -> new OrderResult.Ok(OrderView.of(s), false));
  }

  private ReplyEffect<Event, OrderState> recordPaymentStatus(OrderState state, RecordPaymentStatus cmd) {
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

  private static OrderResult unavailable(String cause) {
    return failed(Rejection.Kind.UNAVAILABLE,
        "The customer's account did not answer in time (" + cause + "); nothing changed and it is safe to retry.");
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
