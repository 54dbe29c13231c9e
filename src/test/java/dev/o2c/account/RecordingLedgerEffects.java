package dev.o2c.account;

import dev.o2c.order.LedgerAnswer;
import dev.o2c.order.PlacementRequest;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import org.apache.pekko.Done;

/**
 * What an account does outside itself, recorded for its tests: the writes it told about, the
 * invoice numbers it took (from {@link LedgerEffects#none()}, INV-&lt;year&gt;-000001 onwards per
 * series, unless a test prepared other answers), the orders it asked whether they have their
 * record (each answers what the test put in {@link #orders}; an order without an entry never
 * answers) and the placements it gave back.
 */
final class RecordingLedgerEffects implements LedgerEffects {

  /** A placement given back to its order. */
  record Restored(String tenantId, PlacementRequest request, LedgerAnswer.Accepted answer) {}

  private final LedgerEffects counting = LedgerEffects.none();

  final List<List<CustomerAccount.Event>> written = new CopyOnWriteArrayList<>();
  final List<String> numberCalls = new CopyOnWriteArrayList<>();
  final List<String> asked = new CopyOnWriteArrayList<>();
  final List<Restored> restored = new CopyOnWriteArrayList<>();
  /** What each order says when asked whether it has its record. */
  final Map<String, Supplier<CompletionStage<Boolean>>> orders = new ConcurrentHashMap<>();
  /** Answers to the next requests for numbers, in order; when none is left, numbers are counted. */
  final Queue<Supplier<CompletionStage<List<String>>>> numberAnswers = new ConcurrentLinkedQueue<>();

  @Override
  public CompletionStage<Done> written(String tenantId, String customerId, List<CustomerAccount.Event> events, CustomerState after) {
    written.add(List.copyOf(events));
    return CompletableFuture.completedFuture(Done.getInstance());
  }

  @Override
  public CompletionStage<List<String>> numbers(String tenantId, String prefix, int year, int count) {
    numberCalls.add(tenantId + ":" + prefix + ":" + year + ":" + count);
    var prepared = numberAnswers.poll();
    return prepared != null ? prepared.get() : counting.numbers(tenantId, prefix, year, count);
  }

  @Override
  public CompletionStage<Boolean> orderRecorded(String tenantId, String orderId) {
    asked.add(tenantId + ":" + orderId);
    var answer = orders.get(orderId);
    return answer == null ? new CompletableFuture<>() : answer.get();
  }

  @Override
  public void restoreOrder(String tenantId, PlacementRequest request, LedgerAnswer.Accepted answer) {
    restored.add(new Restored(tenantId, request, answer));
  }

  /** Every event told about, in order. */
  List<CustomerAccount.Event> allWritten() {
    return written.stream().flatMap(List::stream).toList();
  }
}
