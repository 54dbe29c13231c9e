package dev.o2c.reports;

import static dev.o2c.reports.BookTest.D1;
import static dev.o2c.reports.BookTest.alloc;
import static dev.o2c.reports.BookTest.eur;
import static dev.o2c.reports.BookTest.issued;
import static dev.o2c.reports.BookTest.payment;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.o2c.account.CustomerAccount;
import dev.o2c.infra.EntityIds;
import dev.o2c.payment.Rule;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.pekko.persistence.query.Offset;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.projection.eventsourced.EventEnvelope;
import org.junit.jupiter.api.Test;

/**
 * The ledger report projection over the in-memory store: a group of one account's events over
 * several days (a replay, a rebuild, a projection catching up) leaves every day's rows — its
 * totals at the end (asOf) and its flows — as the same events one day at a time would.
 */
class LedgerReportProjectionTest {

  private static final LocalDate D2 = D1.plusDays(1);
  private static final LocalDate D3 = D1.plusDays(2);
  private static final String PID = PersistenceId.of(CustomerAccount.KEY.name(), EntityIds.entityId("t", "c")).id();

  private final List<CustomerAccount.Event> history = List.of(
      issued("a", "100.00", D1, 30),
      issued("b", "60.00", D2, 30),
      payment("p1", "100.00", D3, "0.00", alloc("a", "100.00", Rule.REFERENCE)));

  @Test
  void a_group_over_three_days_stores_each_day() throws Exception {
    InMemoryReportStore oneGroup = new InMemoryReportStore();
    process(oneGroup, envelopes(1, history));

    InMemoryReportStore dayByDay = new InMemoryReportStore();
    for (int i = 0; i < history.size(); i++) {
      process(dayByDay, envelopes(i + 1, history.subList(i, i + 1)));
    }

    assertEquals(Map.of(D1.plusDays(30), eur("100.00")), openAt(oneGroup, D1), "the end of the first day");
    assertEquals(Map.of(D1.plusDays(30), eur("100.00"), D2.plusDays(30), eur("60.00")), openAt(oneGroup, D2));
    assertEquals(Map.of(D2.plusDays(30), eur("60.00")), openAt(oneGroup, D3));
    List<ReportStore.DayFlows> flows = oneGroup.days("t", D1, D3).toCompletableFuture().get();
    assertEquals(List.of(D1, D2, D3), flows.stream().map(ReportStore.DayFlows::day).toList(), "a row of flows for each day");
    assertEquals(0, eur("100.00").compareTo(flows.get(0).flows().invoiced()));
    assertEquals(0, eur("60.00").compareTo(flows.get(1).flows().invoiced()));
    assertEquals(0, eur("100.00").compareTo(flows.get(2).flows().received()));
    assertEquals(0, BigDecimal.ZERO.compareTo(flows.get(2).flows().invoiced()));

    for (LocalDate day : List.of(D1, D2, D3)) {
      assertEquals(openAt(dayByDay, day), openAt(oneGroup, day), "as one event a group would have left " + day);
    }
    assertEquals(dayByDay.days("t", D1, D3).toCompletableFuture().get().stream().map(d -> d.flows().received()).toList(),
        flows.stream().map(d -> d.flows().received()).toList());
  }

  @Test
  void the_group_delivered_again_changes_nothing() throws Exception {
    InMemoryReportStore store = new InMemoryReportStore();
    process(store, envelopes(1, history));
    Map<LocalDate, BigDecimal> before = openAt(store, D2);
    process(store, envelopes(1, history));
    process(store, envelopes(2, history.subList(1, 3)));
    assertEquals(before, openAt(store, D2));
    assertEquals(Map.of(D2.plusDays(30), eur("60.00")), openAt(store, D3));
    assertEquals(3, store.days("t", D1, D3).toCompletableFuture().get().size());
  }

  private static void process(InMemoryReportStore store, List<EventEnvelope<CustomerAccount.Event>> group) throws Exception {
    new LedgerReportProjection(store, new InMemoryOrderReportStore(), "account-0", Clock.systemUTC()).process(group)
        .toCompletableFuture().get();
  }

  private static Map<LocalDate, BigDecimal> openAt(InMemoryReportStore store, LocalDate day) throws Exception {
    return store.asOf("t", "c", day).toCompletableFuture().get().orElseThrow().totals().openByDue();
  }

  private static List<EventEnvelope<CustomerAccount.Event>> envelopes(long firstSeqNr, List<CustomerAccount.Event> events) {
    List<EventEnvelope<CustomerAccount.Event>> out = new ArrayList<>();
    for (int i = 0; i < events.size(); i++) {
      out.add(EventEnvelope.create(Offset.sequence(firstSeqNr + i), PID, firstSeqNr + i, events.get(i),
          events.get(i).at().toEpochMilli()));
    }
    return out;
  }
}
