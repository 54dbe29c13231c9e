package dev.o2c.reports;

import static dev.o2c.reports.BookTest.alloc;
import static dev.o2c.reports.BookTest.issued;
import static dev.o2c.reports.BookTest.payment;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.o2c.account.CustomerAccount;
import dev.o2c.infra.AdjustableClock;
import dev.o2c.payment.Rule;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The reports on worked data sets whose figures are written by hand: aging on its bucket edges, DSO, cash flow, customer value. */
class ReportsTest {

  static final LocalDate AS_OF = LocalDate.parse("2026-12-31");
  static final List<Integer> EDGES = List.of(30, 60, 90);

  static List<String> amounts(List<BigDecimal> values) {
    return values.stream().map(BigDecimal::toPlainString).toList();
  }

  /** One invoice of 1.00 .. per day past due, on each side of each edge. */
  @Test
  void aging_puts_each_invoice_in_its_bucket_on_the_edges() {
    Book book = Book.empty();
    long seq = 0;
    // days past due as of 12-31 -> amount (distinct so that each bucket's sum tells which invoices it has)
    Map<Integer, String> pastDue = new java.util.TreeMap<>(Map.of(-5, "1.00", 0, "2.00", 1, "4.00", 30, "8.00", 31, "16.00", 60, "32.00",
        61, "64.00", 90, "128.00", 91, "256.00"));
    for (var e : pastDue.entrySet()) {
      LocalDate due = AS_OF.minusDays(e.getKey());
      LocalDate issuedOn = due.minusDays(10);
      book.apply(++seq, new CustomerAccount.InvoiceIssued("i" + e.getKey(), "N" + e.getKey(), "o" + e.getKey(), null, "EUR", List.of(),
          new BigDecimal(e.getValue()), new BigDecimal("0.00"), new BigDecimal(e.getValue()), issuedOn, due,
          issuedOn.atStartOfDay().toInstant(ZoneOffset.UTC)), issuedOn);
    }
    var report = ArAging.of(List.of(new ReportStore.CustomerTotals("acme", AS_OF, book.totals())), AS_OF, ArAging.Basis.DUE, EDGES);
    assertEquals(List.of("current", "1-30", "31-60", "61-90", "90+"), report.buckets());
    var eur = report.currencies().get(0);
    // current: -5 and 0 days (1 + 2); 1-30: 1 and 30 (4 + 8); 31-60: 31, 60 (16 + 32); 61-90: 61, 90 (64 + 128); 90+: 91 (256)
    assertEquals(List.of("3.00", "12.00", "48.00", "192.00", "256.00"), amounts(eur.total().buckets()));
    assertEquals("511.00", eur.total().total().toPlainString());
    assertEquals(List.of("3.00", "12.00", "48.00", "192.00", "256.00"), amounts(eur.customers().get(0).buckets()));

    // Since issue (10 days before each due date): -5 -> 5 days, 0 -> 10, 1 -> 11, 30 -> 40, 31 -> 41, 60 -> 70, 61 -> 71, 90 -> 100, 91 -> 101
    var byIssue = ArAging.of(List.of(new ReportStore.CustomerTotals("acme", AS_OF, book.totals())), AS_OF, ArAging.Basis.ISSUE, EDGES);
    assertEquals(List.of("0.00", "7.00", "24.00", "96.00", "384.00"), amounts(byIssue.currencies().get(0).total().buckets()));
  }

  @Test
  void a_tenants_own_edges_make_its_buckets() {
    assertEquals(List.of("current", "1-7", "8-14", "14+"), ArAging.bucketNames(List.of(7, 14)));
    assertEquals(1, ArAging.bucket(7, List.of(7, 14)));
    assertEquals(2, ArAging.bucket(8, List.of(7, 14)));
    assertEquals(3, ArAging.bucket(15, List.of(7, 14)));
    assertThrows(IllegalArgumentException.class, () -> ReportSettings.edges(List.of(30, 30), "x"));
    assertThrows(IllegalArgumentException.class, () -> ReportSettings.edges(List.of(), "x"));
    assertThrows(IllegalArgumentException.class, () -> ReportSettings.edges(List.of(0, 30), "x"));
  }

  @Test
  void currencies_are_never_summed_together_and_customers_with_nothing_open_are_left_out() {
    Totals eur = BookTest.book(issued("a", "100.00", AS_OF, 0)).totals();
    Book usdBook = Book.empty();
    usdBook.apply(1, new CustomerAccount.InvoiceIssued("u", "U", "o", null, "USD", List.of(), new BigDecimal("70.00"), new BigDecimal("0.00"),
        new BigDecimal("70.00"), AS_OF, AS_OF, AS_OF.atStartOfDay().toInstant(ZoneOffset.UTC)), AS_OF);
    Totals settled = BookTest.book(issued("s", "10.00", AS_OF, 0), payment("p", "10.00", AS_OF, "0.00", alloc("s", "10.00", Rule.EXACT_AMOUNT)))
        .totals();
    var report = ArAging.of(List.of(new ReportStore.CustomerTotals("e", AS_OF, eur), new ReportStore.CustomerTotals("u", AS_OF, usdBook.totals()),
        new ReportStore.CustomerTotals("s", AS_OF, settled)), AS_OF, ArAging.Basis.DUE, EDGES);
    assertEquals(List.of("EUR", "USD"), report.currencies().stream().map(ArAging.Currency::currency).toList());
    assertEquals("100.00", report.currencies().get(0).total().total().toPlainString());
    assertEquals(List.of("e"), report.currencies().get(0).customers().stream().map(ArAging.Line::customerId).toList());
    assertEquals("70.00", report.currencies().get(1).total().total().toPlainString());
  }

  @Test
  void dso_is_the_receivables_at_the_end_over_the_periods_credit_sales_times_its_days() {
    LocalDate before = LocalDate.parse("2026-11-30");
    LocalDate from = LocalDate.parse("2026-12-01");
    LocalDate to = LocalDate.parse("2026-12-30");
    // Before the period: 200.00 invoiced. In it: 600.00 more (one of 100.00 voided -> 500.00 credit sales); 300.00 open at the end.
    Book book = Book.empty();
    book.apply(1, issued("old", "200.00", before, 30), before);
    Totals atBefore = book.totals();
    book.apply(2, issued("n1", "400.00", from, 30), from);
    book.apply(3, issued("n2", "100.00", from, 30), from);
    book.apply(4, issued("n3", "100.00", from, 30), from);
    book.apply(5, new CustomerAccount.InvoiceVoided("n3", "dup", "fin", from.atStartOfDay().toInstant(ZoneOffset.UTC)), from);
    book.apply(6, payment("p", "300.00", to, "0.00", alloc("old", "200.00", Rule.OLDEST_FIRST), alloc("n2", "100.00", Rule.OLDEST_FIRST)), to);
    // open at the end: n1 400.00 -> receivables 400.00
    var report = Dso.of(from, to, List.of(new Dso.Ends(new ReportStore.CustomerTotals("c", before, atBefore),
        new ReportStore.CustomerTotals("c", to, book.totals()))));
    var eur = report.currencies().get(0);
    assertEquals(30, report.days());
    assertEquals("400.00", eur.receivables().toPlainString());
    assertEquals("500.00", eur.creditSales().toPlainString());
    // 400 / 500 * 30 = 24.0
    assertEquals("24.0", eur.dso().toPlainString());
  }

  @Test
  void dso_without_credit_sales_is_null() {
    Totals t = BookTest.book(issued("a", "100.00", LocalDate.parse("2026-11-01"), 30)).totals();
    var ends = new Dso.Ends(new ReportStore.CustomerTotals("c", AS_OF, t), new ReportStore.CustomerTotals("c", AS_OF, t));
    assertNull(Dso.of(AS_OF, AS_OF, List.of(ends)).currencies().get(0).dso());
  }

  @Test
  void the_reports_of_a_tenant_read_its_books_now_and_as_they_stood_on_a_past_day() {
    InMemoryReportStore store = new InMemoryReportStore();
    AdjustableClock clock = new AdjustableClock();
    LocalDate today = clock.today();
    LocalDate d1 = today.minusDays(40);
    Book book = Book.empty();
    book.apply(1, issued("a", "100.00", d1, 10), d1);
    store.save("t", "c1", book);
    Book later = new Book(book.seqNr(), book.day(), book.totals(), book.dayStart(), Map.of("a", book.invoice("a")));
    later.apply(2, payment("p", "60.00", today.minusDays(5), "0.00", alloc("a", "60.00", Rule.REFERENCE)), today.minusDays(5));
    store.save("t", "c1", later);
    store.save("other", "c9", BookTest.book(issued("x", "5.00", d1, 10)));
    Reports reports = new Reports(store, new InMemoryOrderReportStore(), clock, new ReportSettings(EDGES, Map.of(), 10, java.time.Duration.ofMillis(10), 4, "q"));
    Reports.Filter all = new Reports.Filter(null, null);

    var now = reports.aging("t", Optional.empty(), ArAging.Basis.DUE, all).toCompletableFuture().join();
    // 40.00 left, due d1 + 10 = 30 days ago: 1-30.
    assertEquals(List.of("0.00", "40.00", "0.00", "0.00", "0.00"), amounts(now.currencies().get(0).total().buckets()));
    var then = reports.aging("t", Optional.of(today.minusDays(6)), ArAging.Basis.DUE, all).toCompletableFuture().join();
    // Before the payment: 100.00, 24 days past due.
    assertEquals(List.of("0.00", "100.00", "0.00", "0.00", "0.00"), amounts(then.currencies().get(0).total().buckets()));
    var beforeAll = reports.aging("t", Optional.of(d1.minusDays(1)), ArAging.Basis.DUE, all).toCompletableFuture().join();
    assertTrue(beforeAll.currencies().isEmpty());
    var otherCurrency = reports.aging("t", Optional.empty(), ArAging.Basis.DUE, new Reports.Filter(null, "USD")).toCompletableFuture().join();
    assertTrue(otherCurrency.currencies().isEmpty());

    var value = reports.customerValue("t", 10, all).toCompletableFuture().join();
    var line = value.currencies().get(0).customers().get(0);
    assertEquals("60.00", line.totalPaid().toPlainString());
    assertEquals("100.00", line.totalInvoiced().toPlainString());
    assertEquals("100.00", line.averageOrder().toPlainString());
    assertNull(line.averageDaysToPay(), "not paid off yet");

    var flow = reports.cashFlow("t", today.minusDays(10), today, all).toCompletableFuture().join();
    assertEquals("60.00", flow.currencies().get(0).received().toPlainString());
    assertEquals("40.00", flow.currencies().get(0).overdue().toPlainString());
  }
}
